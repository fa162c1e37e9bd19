"""What the beds screens hear of (the board, the worklist, offers): one class per kind of event,
published by the actions after commit (see ``regiozorg.events``). Ids and states only: a
screen that hears one reads its state again."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from regiozorg.beds.rules import BedStatus, RequestStatus
from regiozorg.events import ABSENT_WHEN_NONE, DomainEvent

TOPIC = "beds"


@dataclass(frozen=True)
class RequestChanged(DomainEvent, topic=TOPIC, kind="request.changed"):
    request_id: UUID
    status: RequestStatus


@dataclass(frozen=True)
class BedHeld(DomainEvent, topic=TOPIC, kind="bed.held"):
    bed_id: UUID
    location_id: UUID
    request_id: UUID
    organisation_id: UUID


@dataclass(frozen=True)
class BedDecided(DomainEvent, topic=TOPIC, kind="bed.decided"):
    """The provider accepted or declined a hold."""

    bed_id: UUID
    location_id: UUID
    request_id: UUID
    status: str  # the hold's status, "declined" for a decline


@dataclass(frozen=True)
class BedStatusChanged(DomainEvent, topic=TOPIC, kind="bed.status"):
    bed_id: UUID
    location_id: UUID
    status: BedStatus
    # the admitted request, on an admission
    request_id: UUID | None = field(default=None, metadata=ABSENT_WHEN_NONE)


@dataclass(frozen=True)
class BedReleased(DomainEvent, topic=TOPIC, kind="bed.released"):
    """A hold ran out: the bed is free again, and its request searches again."""

    bed_id: UUID
    request_id: UUID | None


@dataclass(frozen=True)
class AcceptanceChanged(DomainEvent, topic=TOPIC, kind="acceptance.changed"):
    location_id: UUID


@dataclass(frozen=True)
class CapacityReported(DomainEvent, topic=TOPIC, kind="capacity.reported"):
    location_id: UUID
