"""The coordinator's worklist: open requests, urgent and oldest first, each with the patient's
initials and age (so a request is recognised on the phone, not by an id fragment) and where it
stands against its placement norm. Only for those who coordinate (the web layer checks
``beds.coordinate``): it carries patient details, unlike ``queries``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.beds import rules
from regiozorg.beds.models import BedRequest
from regiozorg.beds.rules import CareType, NormState
from regiozorg.clock import local, utcnow


@dataclass(frozen=True)
class WorkItem:
    id: UUID
    care_type: str
    status: str
    urgent: bool
    created_at: datetime
    waiting: timedelta
    norm: timedelta | None
    norm_state: NormState
    patient_initials: str
    patient_age: int
    medical_reason: str | None

    @property
    def norm_left(self) -> timedelta | None:
        """Time left before the norm, rounded up to the minute: "4 u 0 min" at 20 h of 24."""
        if self.norm is None:
            return None
        return timedelta(minutes=math.ceil((self.norm - self.waiting).total_seconds() / 60))


def open_requests(session: Session, *, now: datetime | None = None) -> list[WorkItem]:
    now = now or utcnow()
    today: date = local(now).date()
    items = []
    for row in session.execute(
        select(
            BedRequest.id,
            BedRequest.care_type,
            BedRequest.status,
            BedRequest.urgent,
            BedRequest.created_at,
            BedRequest.patient_initials,
            BedRequest.patient_birth_year,
            BedRequest.patient_birth_date,
            BedRequest.medical_reason,
        )
        .where(BedRequest.status.in_(list(rules.OPEN_STATUSES)))
        .order_by(BedRequest.urgent.desc(), BedRequest.created_at)
    ):
        norm = rules.PLACEMENT_NORM.get(CareType(row.care_type))
        waiting = now - row.created_at
        items.append(
            WorkItem(
                id=row.id,
                care_type=str(row.care_type),
                status=str(row.status),
                urgent=row.urgent,
                created_at=row.created_at,
                waiting=waiting,
                norm=norm,
                norm_state=rules.norm_state(waiting, norm),
                patient_initials=row.patient_initials,
                patient_age=rules.age_on(
                    today, birth_year=row.patient_birth_year, birth_date=row.patient_birth_date
                ),
                medical_reason=row.medical_reason,
            )
        )
    return items
