"""What the night service's screens hear of (the console, a carer's task, an incident): one
class per kind of event, published by the actions after commit (see ``regiozorg.events``)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from regiozorg.events import DomainEvent

TOPIC = "night"


@dataclass(frozen=True)
class IncidentChanged(DomainEvent, topic=TOPIC, kind="incident.changed"):
    incident_id: UUID
    state: str  # an ``IncidentState``, or what happened: "received", "escalated", "triage"
    priority: int | None = None
