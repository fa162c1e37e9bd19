"""Every step an incident's timeline can hold is said in words, in Dutch and in English."""

from __future__ import annotations

from regiozorg.night import labels
from regiozorg.night.rules import IncidentState, Outcome
from regiozorg.web.i18n import translate
from tests.unit.test_catalog import _english_catalog

# what intake, actions and escalation store as IncidentEvent.kind besides the states
OTHER_KINDS = ("received", "escalated", "reset.closed", "reset.noted", "link.failure",
               "link.restored", "sender.resolved")  # fmt: skip


def test_every_timeline_step_has_words_in_both_languages() -> None:
    english = _english_catalog()
    for kind in (*map(str, IncidentState), *OTHER_KINDS):
        dutch = labels.event_label(kind)
        assert dutch != kind, kind
        assert english.get(dutch), kind


def test_stored_details_read_as_words() -> None:
    def english(message: str, **params: str) -> str:
        return translate("en", message, **params)

    stored = labels.outcome_detail(Outcome.FALSE_ALARM, "kat op de mat")
    assert labels.event_detail("completed", stored, english) == "False alarm: kat op de mat"
    assert labels.event_detail("triage", "video", english) == "Video call"
    assert labels.event_detail("triage", "contact: phone", english) == "Phone"  # stored earlier
    assert labels.event_detail("closed", "toileting", english) == "Toileting"
    assert labels.event_detail("en_route", labels.ON_BEHALF, english) == "on the carer's behalf"
    # free text stays as it was written
    assert labels.event_detail("escalated", "stap 1: x", english) == "stap 1: x"
