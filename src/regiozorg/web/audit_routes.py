"""The audit log page and its CSV export, for network and organisation admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from regiozorg import audit_queries
from regiozorg.auth import Actor
from regiozorg.clock import AMSTERDAM, utcnow
from regiozorg.i18n import translate
from regiozorg.network import queries as network
from regiozorg.web import audit_labels as labels
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import page_locale, render

router = APIRouter(include_in_schema=False, route_class=PrivacyRoute)


@dataclass(frozen=True)
class Narrowing:
    """The filter as the reader typed it, to show the form again."""

    person: str = ""
    client: str = ""
    action: str = ""
    since: str = ""  # a day, YYYY-MM-DD
    until: str = ""  # a day, YYYY-MM-DD, included


@dataclass(frozen=True)
class Line:
    """One entry as the page shows it, in the reader's language."""

    at: datetime
    person: str
    organisation: str
    action: str
    client: audit_queries.ClientName | None
    client_reference: str  # when the client is not the reader's to see: who they belong to
    object: str
    object_link: str | None
    origin: str
    outcome: str
    outcome_code: str


# Objects whose own page says more; the page decides again who may open it.
OBJECT_PAGES = {"incident": "/night/incidents/{id}", "bed_request": "/beds/requests/{id}"}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _filter(session: Session, actor: Actor, typed: Narrowing) -> audit_queries.AuditFilter:
    """The filter from what was typed: days are Dutch calendar days, the last one included."""
    since, until = _day(typed.since), _day(typed.until)
    return audit_queries.AuditFilter(
        person=typed.person.strip(),
        client_ids=audit_queries.clients_matching(session, actor, typed.client)
        if typed.client.strip()
        else None,
        action=typed.action.strip(),
        since=datetime.combine(since, time(), AMSTERDAM) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), AMSTERDAM) if until else None,
    )


def _typed(person: str, client: str, action: str, since: str, until: str) -> Narrowing:
    return Narrowing(person=person, client=client, action=action, since=since, until=until)


@router.get("/audit")
@no_store
def audit_page(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    person: str = "",
    client: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    typed = _typed(person, client, action, since, until)
    where = _filter(session, actor, typed)
    entries = audit_queries.view(session, actor, where=where)
    names = {o.id: o.name for o in network.organisations(session)}
    clients = audit_queries.readable_clients(session, actor, entries)
    session.rollback()  # end the read transaction
    locale = page_locale(request)
    _ = labels.translator(translate, locale)
    lines = [_line(entry, names, clients, _) for entry in entries]
    context = {
        "lines": lines,
        "typed": typed,
        "actions": labels.action_choices(_),
        "limit": audit_queries.PAGE_LIMIT,
        "query": request.url.query,
    }
    return render(request, "audit.html", context)


def _line(
    entry: audit_queries.AuditRow,
    names: dict[UUID, str],
    clients: dict[UUID, audit_queries.ClientName],
    _: labels.Translate,
) -> Line:
    client = clients.get(entry.client_id) if entry.client_id else None
    reference = ""
    if entry.client_id and client is None:
        owner = names.get(entry.client_organisation_id) if entry.client_organisation_id else None
        reference = _("cliënt van {organisation}", organisation=owner) if owner else _("een cliënt")
    page = OBJECT_PAGES.get(entry.object_type or "")
    outcome = labels.coded(labels.OUTCOMES, entry.outcome, _)
    if entry.outcome == "denied" or entry.detail in labels.DETAILS:
        why = (
            labels.coded(labels.DETAILS, entry.detail, _) if entry.detail in labels.DETAILS else ""
        )
        outcome = f"{outcome} ({why})" if why else outcome
    return Line(
        at=entry.at,
        person=entry.user_email,
        organisation=names.get(entry.organisation_id, "") if entry.organisation_id else "",
        action=labels.action_text(entry.action, _),
        client=client,
        client_reference=reference,
        object=labels.coded(labels.OBJECTS, entry.object_type, _),
        object_link=page.format(id=entry.object_id) if page and entry.object_id else None,
        origin=" ".join(
            part
            for part in (labels.coded(labels.CHANNELS, entry.channel, _), entry.address)
            if part
        ),
        outcome=outcome,
        outcome_code=entry.outcome,
    )


@router.get("/audit.csv")
@no_store
def audit_csv(
    session: SessionDep,
    actor: CurrentActor,
    person: str = "",
    client: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    where = _filter(session, actor, _typed(person, client, action, since, until))
    rows = audit_queries.export(session, actor, where=where)
    filename = f"auditlog-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        audit_queries.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
