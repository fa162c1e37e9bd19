"""Pydantic models of the night figures' JSON for the capacity planning."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel

from regiozorg.night.figures import Figures

FirstNight = Annotated[date | None, Query(alias="from", description="First night (its evening)")]
LastNight = Annotated[date | None, Query(alias="to", description="Last night (its evening)")]


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
