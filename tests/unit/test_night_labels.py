"""Every step an incident's timeline can hold is said in words, in Dutch and in English."""

from __future__ import annotations

from regiozorg.night import labels
from regiozorg.night.rules import EscalationTarget, IncidentState, Outcome, UnknownSender
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
    # details stored as Dutch sentences before there were codes show as they were written
    old = "stap 1: tweede meldkamermedewerker gewaarschuwd"
    assert labels.event_detail("escalated", old, english) == old
    old = "onbekende afzender: onbekend apparaat"
    assert labels.event_detail("received", old, english) == old


def _both(kind: str, detail: str) -> tuple[str, str]:
    return (
        labels.event_detail(kind, detail, lambda m, **p: translate("nl", m, **p)),
        labels.event_detail(kind, detail, lambda m, **p: translate("en", m, **p)),
    )


def test_escalation_steps_are_stored_as_codes_and_read_in_either_language() -> None:
    second = labels.escalation_detail(1, EscalationTarget.SECOND_HANDLER, None)
    assert second == "1:second_handler"
    assert _both("escalated", second) == (
        "stap 1: tweede meldkamermedewerker gewaarschuwd",
        "step 1: second handler alerted",
    )
    staff = labels.escalation_detail(2, EscalationTarget.LOCATION_STAFF, "0522-111111")
    assert _both("escalated", staff) == (
        "stap 2: dienst op de eigen locatie gewaarschuwd (0522-111111)",
        "step 2: staff of the client's own location alerted (0522-111111)",
    )
    staff = labels.escalation_detail(2, EscalationTarget.LOCATION_STAFF, None)
    assert _both("escalated", staff)[1] == "step 2: staff of the client's own location alerted"
    forward = labels.escalation_detail(3, EscalationTarget.PHONE, "0522-000000")
    assert forward == "3:phone:0522-000000"
    assert _both("escalated", forward) == (
        "stap 3: doorgeschakeld naar 0522-000000",
        "step 3: forwarded to 0522-000000",
    )
    no_number = labels.escalation_detail(3, EscalationTarget.PHONE, None)
    assert _both("escalated", no_number)[0] == "stap 3: doorgeschakeld naar ?"


def test_every_unknown_sender_reason_reads_in_either_language() -> None:
    for reason in UnknownSender:
        dutch, english = _both("received", reason)
        assert dutch.startswith("onbekende afzender: ") and reason not in dutch
        assert english.startswith("unknown sender: ") and reason not in english
    assert _both("received", UnknownSender.NOT_ENROLLED) == (
        "onbekende afzender: cliënt niet aangemeld bij de nachtzorg",
        "unknown sender: client not enrolled in night care",
    )
