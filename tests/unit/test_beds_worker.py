"""One tick of a worker runs every job once, each in its own session: one failing job is
logged and does not stop the next."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from regiozorg import workers


class _Sessions:
    """A session factory that counts what it opened and closed, without a database."""

    def __init__(self) -> None:
        self.opened = self.closed = 0

    def __call__(self) -> Session:
        sessions = self

        class _Counted(Session):
            def close(self) -> None:
                sessions.closed += 1
                super().close()

        self.opened += 1
        return _Counted()


def test_a_failing_job_does_not_stop_the_next(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    def broken(session: Session) -> None:
        raise RuntimeError("database gone")

    def fine(session: Session) -> None:
        ran.append("fine")

    sessions = _Sessions()
    workers.run_each(sessions, (broken, fine), "test worker")
    assert ran == ["fine"]
    assert sessions.opened == sessions.closed == 2
    assert "test worker: broken failed" in caplog.text
