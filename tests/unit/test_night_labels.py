"""Every step an incident's timeline can hold is said in words, in Dutch and in English."""

from __future__ import annotations

from regiozorg.i18n import translate
from regiozorg.night import labels
from regiozorg.night.rules import (
    EscalationStep,
    EscalationTarget,
    IncidentState,
    Outcome,
    SkipReason,
    StepTaken,
)
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


def test_escalation_steps_stored_before_they_said_whom_they_reached_still_read() -> None:
    # "<number>:<target>[:<phone>]", as the worker stored them before steps named whom
    assert _both("escalated", "1:second_handler") == (
        "stap 1: tweede meldkamermedewerker gewaarschuwd",
        "step 1: second handler alerted",
    )
    assert _both("escalated", "2:location_staff:0522-111111") == (
        "stap 2: dienst op de eigen locatie gewaarschuwd (0522-111111)",
        "step 2: staff of the client's own location alerted (0522-111111)",
    )
    assert _both("escalated", "3:phone:0522-000000")[1] == "step 3: forwarded to 0522-000000"


def test_an_escalation_step_is_stored_as_what_it_did_and_read_in_either_language() -> None:
    second = EscalationStep(1, 60, EscalationTarget.SECOND_HANDLER)
    staff = EscalationStep(2, 120, EscalationTarget.LOCATION_STAFF)
    fallback = EscalationStep(3, 240, EscalationTarget.PHONE, "0800-0000001")
    warned = labels.escalation_detail(StepTaken(second, notified=("Nina Nacht", "Pim Post")))
    assert _both("escalated", warned) == (
        "stap 1: tweede meldkamermedewerker gewaarschuwd op de console: Nina Nacht, Pim Post",
        "step 1: second handler alerted on the console: Nina Nacht, Pim Post",
    )
    skipped = labels.escalation_detail(StepTaken(second, skipped=SkipReason.NO_SECOND_DESK))
    assert _both("escalated", skipped) == (
        "stap 1 overgeslagen: geen tweede meldkamermedewerker op het rooster",
        "step 1 skipped: no second handler on the roster",
    )
    assert "gewaarschuwd" not in _both("escalated", skipped)[0]
    call = labels.escalation_detail(StepTaken(staff, phone="085-1111111", location="Lindehof"))
    assert _both("escalated", call)[0] == (
        "stap 2: dienst van Lindehof bellen op 085-1111111 (nummer op de console getoond)"
    )
    unknown = labels.escalation_detail(StepTaken(staff, skipped=SkipReason.NO_LOCATION))
    assert _both("escalated", unknown)[1] == ("step 2 skipped: no location known for this incident")
    forward = labels.escalation_detail(StepTaken(fallback, phone="0800-0000001"))
    assert _both("escalated", forward)[1] == (
        "step 3: call the fallback number 0800-0000001 (number shown on the console)"
    )


def test_the_queue_says_where_an_escalation_stands_in_words_and_colour() -> None:
    def dutch(message: str, **params: str) -> str:
        return translate("nl", message, **params)

    assert labels.escalation_shown(None, dutch) is None
    staff = EscalationStep(2, 120, EscalationTarget.LOCATION_STAFF)
    shown = labels.escalation_shown(
        labels.escalation_detail(StepTaken(staff, phone="085-1111111", location="Lindehof")),
        dutch,
    )
    assert shown is not None
    assert (shown.number, shown.text, shown.phone, shown.level) == (
        2,
        "Opgeschaald: bel de eigen locatie",
        "085-1111111",
        "esc-alert",
    )
    nobody = labels.escalation_shown(
        labels.escalation_detail(StepTaken(staff, skipped=SkipReason.NO_LOCATION)), dutch
    )
    assert nobody is not None
    assert (nobody.text, nobody.level, nobody.reached) == (
        "Opgeschaald: niemand te bereiken",
        "esc-critical",
        False,
    )
