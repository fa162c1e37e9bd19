"""The night logbook's pages: figures per night, location and organisation with charts, their
CSV, the same figures as JSON for the capacity planning, and the morning handover report."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select

from regiozorg.auth import Decision, Permission, decide, ensure_allowed, scope
from regiozorg.clock import utcnow
from regiozorg.network.models import Organisation
from regiozorg.night import figures, labels, periods, reports
from regiozorg.night.figures import Figures
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import page_locale, render

router = APIRouter(route_class=PrivacyRoute)

FirstNight = Annotated[date | None, Query(alias="from", description="First night (its evening)")]
LastNight = Annotated[date | None, Query(alias="to", description="Last night (its evening)")]


def _period(first: date | None, last: date | None) -> tuple[date, date]:
    """Missing ends default to the last fourteen nights, tonight included. Ends given are
    checked before the missing one is counted from them (9999-12-31 has no next night)."""
    for given in (first, last):
        if given is not None:
            periods.check_day(given)
    default_first, default_last = figures.default_period(utcnow())
    last = last or (first + timedelta(days=figures.DEFAULT_NIGHTS - 1) if first else default_last)
    return first or last - (default_last - default_first), last


def _formatters(locale: str) -> dict[str, Any]:
    def percent(value: float | None) -> str:
        return "-" if value is None else format_percent(value, "#,##0.0%", locale=locale)

    def number(value: float | None, digits: int = 1) -> str:
        if value is None:
            return "-"
        return format_decimal(round(value, digits), f"#,##0.{'#' * digits}", locale=locale)

    return {"percent": percent, "number": number}


@router.get("/night/reports", include_in_schema=False)
def reports_page(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    first: FirstNight = None,
    last: LastNight = None,
) -> Response:
    start, end = _period(first, last)
    report = reports.night_report(session, actor, first=start, last=end)
    handover_for = {
        row.organisation_id
        for row in report.organisations
        if row.organisation_id
        and decide(actor, Permission.NIGHT_HISTORY, row.organisation_id) is Decision.ALLOW
    }
    chart_data = {
        "nights": [night.isoformat() for night, _ in report.nights],
        "outcomes": {
            name: [getattr(f, name) for _, f in report.nights]
            for name in (
                "false_alarm",
                "resolved_remotely",
                "visit",
                "emergency_112",
                "reset_at_source",
                "undecided",
            )
        },
        "answer_share": [
            None if f.answer_share is None else round(100 * f.answer_share, 1)
            for _, f in report.nights
        ],
        "target": round(100 * figures.ANSWER_TARGET_SHARE, 1),
    }
    context = labels.PAGE_LABELS | {
        "report": report,
        "chart_data": chart_data,
        "handover_for": handover_for,
        "target": figures.ANSWER_TARGET_SHARE,
        "translated": labels.translated,
        **_formatters(page_locale(request)),
    }
    return render(request, "night/reports.html", context)


@router.get("/night/reports.csv", include_in_schema=False)
@no_store
def reports_csv(
    session: SessionDep, actor: CurrentActor, first: FirstNight = None, last: LastNight = None
) -> Response:
    start, end = _period(first, last)
    report = reports.night_report(session, actor, first=start, last=end)
    return Response(
        reports.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="night-{start}-{end}.csv"',
        },
    )


@router.get("/night/handover", include_in_schema=False)
@no_store
def handover_page(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    organisation: UUID | None = None,
    night: date | None = None,
) -> Response:
    """Without an organisation the page opens on the reader's own (when there is one)."""
    own = scope(actor, Permission.NIGHT_HISTORY) or frozenset()
    chosen = organisation or (min(own, key=str) if own else None)
    if chosen is None:
        ensure_allowed(actor, Permission.NIGHT_HISTORY)  # refuses: no organisation of one's own
        raise AssertionError  # pragma: no cover - one with history rights has an organisation
    wanted = night or periods.night_just_ended(utcnow())
    report = reports.handover(session, actor, organisation_id=chosen, night=wanted)
    choices = sorted(
        (name, org_id)
        for org_id, name in session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(own)))
        )
    )
    context = labels.PAGE_LABELS | {
        "handover": report,
        "choices": choices,
        "one_day": timedelta(days=1),
    }
    return render(request, "night/handover.html", context)


# --- JSON for the capacity planning ---------------------------------------------------------


class FiguresOut(BaseModel):
    """Counts, shares as fractions (0-1, null when nothing to count), times in seconds or
    minutes as named."""

    incidents: int
    client_incidents: int
    client_nights: int
    contacts_per_client: float | None
    false_alarm: int
    resolved_remotely: int
    visit: int
    emergency_112: int
    reset_at_source: int
    undecided: int
    false_alarm_share: float | None
    remote_share: float | None
    visit_share: float | None
    emergency_share: float | None
    unknown_sender: int
    escalated: int
    escalation_steps: int
    answer_p50_seconds: float | None
    answer_p90_seconds: float | None
    answer_counted: int
    answer_within: int
    answer_share: float | None
    answer_norm_met: bool | None
    on_site_p50_minutes: float | None
    on_site_p90_minutes: float | None
    on_site_counted: int
    on_site_within: int
    on_site_share: float | None

    @classmethod
    def of(cls, f: Figures) -> FiguresOut:
        derived = {
            name: getattr(f, name)
            for name in cls.model_fields
            if name not in Figures.__dataclass_fields__
        }
        return cls(**asdict(f), **derived)


class LocationNightOut(BaseModel):
    night: date
    organisation_id: UUID | None
    organisation: str
    location_id: UUID | None
    location: str
    answer_norm_seconds: int
    on_site_norm_minutes: int
    figures: FiguresOut


class OrganisationOut(BaseModel):
    organisation_id: UUID | None
    organisation: str
    figures: FiguresOut


class NightOut(BaseModel):
    night: date
    figures: FiguresOut


class InterventionOut(BaseModel):
    intervention: str
    closed: int
    handling_p50_minutes: float | None
    handling_p90_minutes: float | None
    on_site_p50_minutes: float | None


class NightFiguresOut(BaseModel):
    """Nights are named by their evening's date (Europe/Amsterdam); a night runs from noon to
    noon. ``answer_target_share`` is the share that has to be answered within the norm."""

    first_night: date
    last_night: date
    answer_target_share: float
    total: FiguresOut
    nights: list[NightOut]
    organisations: list[OrganisationOut]
    locations: list[LocationNightOut]
    interventions: list[InterventionOut]


@router.get(
    "/api/v1/night/figures",
    tags=["night"],
    response_model=NightFiguresOut,
    responses={
        401: {"description": "No valid session or bearer token"},
        403: {"description": "Not allowed for your roles"},
    },
)
def figures_api(
    session: SessionDep, actor: CurrentActor, first: FirstNight = None, last: LastNight = None
) -> NightFiguresOut:
    """The night service's figures per night, location and organisation, without client
    names: all organisations for the network and planners, its own for an organisation."""
    start, end = _period(first, last)
    report = reports.night_report(session, actor, first=start, last=end)
    return NightFiguresOut(
        first_night=report.first,
        last_night=report.last,
        answer_target_share=figures.ANSWER_TARGET_SHARE,
        total=FiguresOut.of(report.total),
        nights=[NightOut(night=night, figures=FiguresOut.of(f)) for night, f in report.nights],
        organisations=[
            OrganisationOut(
                organisation_id=row.organisation_id,
                organisation=row.organisation,
                figures=FiguresOut.of(row.figures),
            )
            for row in report.organisations
        ],
        locations=[
            LocationNightOut(
                night=row.night,
                organisation_id=row.place.organisation_id,
                organisation=row.place.organisation,
                location_id=row.place.location_id,
                location=row.place.location,
                answer_norm_seconds=row.place.norms.answer_seconds,
                on_site_norm_minutes=row.place.norms.on_site_minutes,
                figures=FiguresOut.of(row.figures),
            )
            for row in report.rows
        ],
        interventions=[InterventionOut(**asdict(row)) for row in report.interventions],
    )
