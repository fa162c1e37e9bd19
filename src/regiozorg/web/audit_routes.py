"""The audit log page and its CSV export, for network and organisation admins."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from regiozorg import audit
from regiozorg.clock import utcnow
from regiozorg.network import queries as network
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import render

router = APIRouter(include_in_schema=False, route_class=PrivacyRoute)


@router.get("/audit")
@no_store
def audit_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    entries = audit.view(session, actor)
    names = {o.id: o.name for o in network.organisations(session)}
    return render(request, "audit.html", {"entries": entries, "names": names})


@router.get("/audit.csv")
@no_store
def audit_csv(session: SessionDep, actor: CurrentActor) -> Response:
    rows = audit.export(session, actor)
    filename = f"auditlog-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        audit.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
