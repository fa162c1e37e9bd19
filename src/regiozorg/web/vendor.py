"""The front-end libraries the pages use, served from the npm install (``node_modules``).

Only the files a template names are served: the rest of ``node_modules`` (sources, package
files, other versions) is nobody's business and no attack surface of ours.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from regiozorg.errors import NotFoundError

# Each path relative to node_modules, as the templates link it under /vendor/.
VENDOR_FILES = frozenset(
    {
        "htmx.org/dist/htmx.min.js",
        "@picocss/pico/css/pico.min.css",
        "chart.js/dist/chart.umd.js",
    }
)

router = APIRouter(include_in_schema=False)


@router.get("/vendor/{path:path}")
def vendor_file(request: Request, path: str) -> FileResponse:
    if path not in VENDOR_FILES:
        raise NotFoundError("Niet gevonden.")
    # A day: the names carry no version, so an upgrade must reach browsers soon.
    headers = {"Cache-Control": "public, max-age=86400"}
    return FileResponse(request.app.state.settings.static_vendor_dir / path, headers=headers)
