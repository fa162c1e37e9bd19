"""The site icon at the address browsers and bookmark tools ask for without being told."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from regiozorg.web.pages import PACKAGE

FAVICON = PACKAGE / "web" / "static" / "favicon.svg"

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The SVG the pages link as their icon; browsers read it by its type, not its name."""
    return FileResponse(
        FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
