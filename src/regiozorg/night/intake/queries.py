"""What the intake reads back to an alarm platform."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from regiozorg.night.models import AlarmController


def heartbeat_interval(session: Session, controller_id: str) -> int | None:
    """Seconds between a controller's heartbeats, None for a controller we do not know."""
    return session.scalar(
        select(AlarmController.heartbeat_interval_seconds).where(
            AlarmController.controller_id == controller_id
        )
    )
