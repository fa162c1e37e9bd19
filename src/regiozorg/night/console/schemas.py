"""Pydantic models of the console's API: what it answers about the queue and the carers on
shift, and a phone call entered at the desk."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from regiozorg.night.rules import DeskRole, IncidentState


class _Read(BaseModel):
    """What the API answers about the console, and the base of the read model the page shows
    (``queries.QueueRow``): the page's extra fields are declared there, the API answers these."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


class QueueRowOut(_Read):
    """An incident in the queue: where and what, never who."""

    id: UUID
    kind: str
    state: IncidentState
    priority: int
    received_at: datetime
    age_seconds: int
    unknown_sender: bool
    location: str | None
    room: str
    device_type: str | None
    handler: str | None
    carer: str | None
    escalations: int


class CarerOut(_Read):
    user_id: UUID
    name: str
    role: DeskRole
    phone: str
    base: str | None
    task_id: UUID | None
    task_state: IncidentState | None
    task_location: str | None


class CallIn(BaseModel):
    """A phone call taken by hand at the desk. The caller is named by a client, or only by
    the organisation and location they call from (a colleague on the ward, a neighbour who
    knows the house); named by neither, the incident is an unknown sender to resolve."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    client_id: UUID | None = Field(
        default=None, description="An enrolled client; their organisation and location follow."
    )
    organisation_id: UUID | None = Field(
        default=None, description="The caller's organisation, when no client is named."
    )
    location_id: UUID | None = Field(
        default=None,
        description="The caller's location in the night service; its organisation follows.",
    )
    summary: Annotated[str, Field(min_length=1, max_length=500)]
    priority: Annotated[int, Field(ge=1, le=5)] = 2


class CallCreated(BaseModel):
    incident_id: UUID
