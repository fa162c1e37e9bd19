"""Which norm an open incident's waiting time is held to on the console, as the reports count."""

from __future__ import annotations

import pytest

from regiozorg.night.figures import Norms, running_norm
from regiozorg.night.rules import IncidentState

NORMS = Norms(answer_seconds=45, on_site_minutes=15)


def test_an_unanswered_alarm_is_held_to_the_answer_norm() -> None:
    assert running_norm(IncidentState.RECEIVED, NORMS) == 45


@pytest.mark.parametrize(
    "state", [IncidentState.VISIT_NEEDED, IncidentState.DISPATCHED, IncidentState.EN_ROUTE]
)
def test_someone_who_must_go_and_is_not_there_is_held_to_the_on_site_norm(
    state: IncidentState,
) -> None:
    assert running_norm(state, NORMS) == 15 * 60


@pytest.mark.parametrize(
    "state",
    [IncidentState.ACKNOWLEDGED, IncidentState.TRIAGE, IncidentState.ON_SITE,
     IncidentState.COMPLETED],
)  # fmt: skip
def test_no_norm_runs_while_it_is_being_handled(state: IncidentState) -> None:
    assert running_norm(state, NORMS) is None
