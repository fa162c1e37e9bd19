"""The night service's figures as JSON (``/api/v1/night/figures``) for the capacity planning."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from regiozorg.night import figures
from regiozorg.night.reports import queries as reports
from regiozorg.night.reports.schemas import (
    FirstNight,
    InterventionOut,
    LastNight,
    LocationNightOut,
    NightFiguresOut,
    NightOut,
    OrganisationOut,
)
from regiozorg.web.deps import CurrentActor, SessionDep
from regiozorg.web.no_store import PrivacyRoute

router = APIRouter(route_class=PrivacyRoute)


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
    start, end = reports.requested_period(first, last)
    report = reports.night_report(session, actor, first=start, last=end)
    return NightFiguresOut(
        first_night=report.first,
        last_night=report.last,
        answer_target_share=figures.ANSWER_TARGET_SHARE,
        total=report.total,
        nights=[NightOut(night=night, figures=f) for night, f in report.nights],
        organisations=[
            OrganisationOut(
                organisation_id=row.organisation_id,
                organisation=row.organisation,
                figures=row.figures,
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
                figures=row.figures,
            )
            for row in report.rows
        ],
        interventions=[InterventionOut(**asdict(row)) for row in report.interventions],
    )
