"""Pydantic models of the night figures' JSON for the capacity planning."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel

from regiozorg.night.figures import Figures

FirstNight = Annotated[date | None, Query(alias="from", description="First night (its evening)")]
LastNight = Annotated[date | None, Query(alias="to", description="Last night (its evening)")]


class LocationNightOut(BaseModel):
    night: date
    organisation_id: UUID | None
    organisation: str
    location_id: UUID | None
    location: str
    answer_norm_seconds: int
    on_site_norm_minutes: int
    figures: Figures


class OrganisationOut(BaseModel):
    organisation_id: UUID | None
    organisation: str
    figures: Figures


class NightOut(BaseModel):
    night: date
    figures: Figures


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
    total: Figures
    nights: list[NightOut]
    organisations: list[OrganisationOut]
    locations: list[LocationNightOut]
    interventions: list[InterventionOut]
