"""The night logbook's pages: figures per night, location and organisation with charts, their
CSV, the morning handover report, and an organisation's own history."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Request
from fastapi.responses import Response

from regiozorg.night import figures, labels
from regiozorg.night.reports import history
from regiozorg.night.reports import queries as reports
from regiozorg.night.reports.schemas import FirstNight, LastNight
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute, no_store
from regiozorg.web.pages import page_locale, render

router = APIRouter(route_class=PrivacyRoute)


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
    start, end = reports.requested_period(first, last)
    report = reports.night_report(session, actor, first=start, last=end)
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
        "handover_for": reports.handover_readable(actor, report),
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
    start, end = reports.requested_period(first, last)
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
    report = reports.handover(session, actor, organisation_id=organisation, night=night)
    choices = reports.handover_choices(session, actor)
    context = labels.PAGE_LABELS | {
        "handover": report,
        "choices": choices,
        "one_day": timedelta(days=1),
    }
    return render(request, "night/handover.html", context)


# --- an organisation's own history -----------------------------------------------------------


@router.get("/night/history", include_in_schema=False)
@no_store
def history_page(
    request: Request, session: SessionDep, actor: CurrentActor, organisation: str = ""
) -> Response:
    organisations = history.organisations_in_view(session, actor)
    chosen = None
    with contextlib.suppress(ValueError):
        chosen = UUID(organisation) if organisation else None
    rows = history.read_history(session, actor, organisation_id=chosen)
    context = {
        "rows": rows,
        "organisations": organisations,
        "chosen": str(chosen) if chosen else "",
    }
    return render(request, "night/history.html", labels.PAGE_LABELS | context)
