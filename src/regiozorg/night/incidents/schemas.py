"""Pydantic models of one incident's API and forms: its steps, and what the API answers about
the incident and the carers it could be sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from regiozorg.night.rules import (
    ContactMode,
    IncidentState,
    InterventionType,
    Outcome,
    Step,
)


class TriageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_mode: ContactMode = ContactMode.PHONE
    outcome: Outcome | None = Field(
        default=None,
        description="Leave out to start remote contact; set to decide: resolved_remotely, "
        "false_alarm, visit_needed or emergency_112.",
    )
    note: Annotated[str, Field(max_length=500)] = ""


class DispatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    carer_id: UUID | None = Field(
        default=None, description="The mobile carer to send; the nearest free one if left out."
    )


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    intervention: InterventionType
    notes: Annotated[str, Field(max_length=4000)] = ""
    handover_note: Annotated[str, Field(max_length=4000)] = ""


class _Read(BaseModel):
    """What the API answers about an incident, and the base of the read model the pages show
    (``actions.IncidentDetail``): the pages' extra fields are declared there, the API answers
    these."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


class StepDone(BaseModel):
    id: UUID
    state: IncidentState


class Dispatched(StepDone):
    carer_id: UUID


class ResolveSenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    remember_device: bool = False


class ClientCardOut(_Read):
    id: UUID
    name: str
    birth_date: date
    client_number: str
    organisation_id: UUID
    location: str
    room: str
    instructions: str
    risks: list[str]
    epilepsy_protocol: str
    monitoring_consent: bool
    contact_mode: str
    key_information: str


class TimelineEntryOut(_Read):
    at: datetime
    kind: str
    by: str
    detail: str


class IncidentOut(_Read):
    """One incident. ``client`` is null when no client is known, or when the reader may not
    see it (``client_hidden``: the night team off shift, or another organisation). When the
    reader may not see the person (``text_hidden``), everything typed about them is blank:
    ``summary``, ``log_notes``, ``handover_note`` and the note of the outcome step; the steps,
    codes and times stay."""

    id: UUID
    kind: str
    state: IncidentState
    outcome: str | None
    priority: int
    unknown_sender: bool
    summary: str
    device_type: str | None
    received_at: datetime
    handler: str | None
    handler_id: UUID | None
    carer: str | None
    carer_id: UUID | None
    location: str | None
    client: ClientCardOut | None
    client_hidden: bool
    text_hidden: bool
    timeline: list[TimelineEntryOut]
    intervention: str | None
    log_notes: str
    handover_note: str
    next_steps: list[Step] = Field(
        description="What you can do now, most likely first (the incident's state and whether "
        "you are its handler or its carer); a step can still be refused by the time you take it."
    )


class CarerOptionOut(BaseModel):
    user_id: UUID
    name: str
    busy: bool
    travel_minutes: int | None


class CarerOptions(BaseModel):
    """Mobile carers on shift, free ones nearest first; ``suggested`` is the nearest free one
    (null when everyone is busy): what dispatch sends when no carer is chosen."""

    options: list[CarerOptionOut]
    suggested: UUID | None
