"""Pydantic models of the console's API: what it answers about the queue and the carers on
shift."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

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
