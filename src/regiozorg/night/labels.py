"""Dutch labels for the night service's codes, in one place; the English catalog translates
them when shown (``rules.STATE_LABELS`` holds the incident states). The night pages get them
through ``PAGE_LABELS`` (``templates/night/_labels.html`` says a code with them), so a code
reads the same on every screen."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from regiozorg.errors import N_
from regiozorg.night.rules import (
    OUTCOME_NOTE_SEPARATOR,
    STATE_LABELS,
    ContactMode,
    DeskRole,
    EscalationTarget,
    IncidentKind,
    InterventionType,
    Outcome,
    Risk,
    SkipReason,
    Step,
    StepTaken,
    UnknownSender,
)

KIND_LABELS = {
    IncidentKind.ALARM: N_("Alarm"),
    IncidentKind.CALL: N_("Telefoongesprek"),
    IncidentKind.TECHNICAL: N_("Technische melding"),
}
RISK_LABELS = {
    Risk.EPILEPSY: N_("Epilepsie"),
    Risk.FALL: N_("Valrisico"),
    Risk.WANDERING: N_("Dwalen"),
    Risk.CHALLENGING_BEHAVIOUR: N_("Probleemgedrag"),
    Risk.RESPIRATORY: N_("Ademhaling"),
}
CONTACT_MODE_LABELS: dict[str, str] = {
    ContactMode.PHONE: N_("Telefoon"),
    ContactMode.VIDEO: N_("Beeldbellen"),
    ContactMode.NONE: N_("Geen contact"),
}
DESK_ROLE_LABELS = {
    DeskRole.DESK: N_("Meldbank"),
    DeskRole.MOBILE: N_("Mobiel"),
}
ESCALATION_TARGET_LABELS = {
    EscalationTarget.SECOND_HANDLER: N_("Tweede centralist"),
    EscalationTarget.LOCATION_STAFF: N_("Medewerkers van de eigen locatie"),
    EscalationTarget.PHONE: N_("Doorschakelen naar telefoonnummer"),
}
INTERVENTION_LABELS: dict[str, str] = {
    InterventionType.REASSURANCE: N_("Geruststellen"),
    InterventionType.TOILETING: N_("Toiletgang"),
    InterventionType.REPOSITIONING: N_("Verleggen"),
    InterventionType.FALL: N_("Val"),
    InterventionType.MEDICATION: N_("Medicatie"),
    InterventionType.EPILEPSY: N_("Epilepsie"),
    InterventionType.WANDERING: N_("Dwalen"),
    InterventionType.TECHNICAL: N_("Techniek"),
    InterventionType.NONE: N_("Geen interventie"),
    InterventionType.OTHER: N_("Anders"),
}
OUTCOME_LABELS: dict[str, str] = {
    Outcome.RESOLVED_REMOTELY: N_("Op afstand opgelost"),
    Outcome.FALSE_ALARM: N_("Loos alarm"),
    Outcome.VISIT_NEEDED: N_("Bezoek nodig"),
    Outcome.EMERGENCY_112: N_("112 gebeld"),
    Outcome.RESET_AT_SOURCE: N_("Gereset door het apparaat"),
}
# The outcome columns of the night reports (``figures.Figures``): a visit counts whether it
# was asked for or 112 came, and an incident can still be without an outcome.
REPORT_OUTCOME_LABELS: dict[str, str] = {
    str(code): text for code, text in OUTCOME_LABELS.items()
} | {
    "visit": N_("Bezoek nodig"),
    "undecided": N_("Nog zonder uitkomst"),
}
# EN 50134-9 device types the set-up offers (see DOMAIN.md); other codes are shown as they are.
DEVICE_TYPE_LABELS = {
    "0003": N_("Persoonlijke alarmknop"),
    "0004": N_("Vaste alarmknop"),
    "0005": N_("Valdetector"),
    "0012": N_("Bedmonitor"),
    "0013": N_("Bedmat"),
    "0014": N_("Deursensor"),
    "0015": N_("Dwaaldetectie"),
    "0016": N_("Incontinentiesensor"),
    "0017": N_("Epilepsiesensor"),
    "0018": N_("Aanwezigheidssensor"),
}


# Where a client's night care plan stands (``setup_queries.Enrolment``).
ENROLMENT_LABELS = {
    "enrolled": N_("Doet mee"),
    "not_enrolled": N_("Doet niet mee"),
    "no_plan": N_("Nog geen nachtzorgplan"),
}

# The carer's steps on their buttons (``rules.next_steps``); the other steps are forms.
STEP_LABELS = {
    Step.TAKE: N_("Ik ga"),
    Step.ARRIVE: N_("Aanwezig"),
    Step.COMPLETE: N_("Klaar"),
}

# What the night pages' templates get in their context, by these names.
PAGE_LABELS: dict[str, Mapping[Any, str]] = {  # keyed by code: a StrEnum or str
    "state_labels": STATE_LABELS,
    "kind_labels": KIND_LABELS,
    "risk_labels": RISK_LABELS,
    "contact_labels": CONTACT_MODE_LABELS,
    "desk_role_labels": DESK_ROLE_LABELS,
    "target_labels": ESCALATION_TARGET_LABELS,
    "intervention_labels": INTERVENTION_LABELS,
    "outcome_labels": OUTCOME_LABELS,
    "report_outcome_labels": REPORT_OUTCOME_LABELS,
    "device_type_labels": DEVICE_TYPE_LABELS,
    "enrolment_labels": ENROLMENT_LABELS,
    "step_labels": STEP_LABELS,
}


def translated(labels: Mapping[str, str], translate: Callable[..., str]) -> dict[str, str]:
    """Labels in the reader's words by code, for a page's script (the report's chart)."""
    return {str(code): translate(text) for code, text in labels.items()}


# --- an incident's timeline ------------------------------------------------------------------

# The steps of an incident's timeline (``IncidentEvent.kind``): a state it moved to, or one of
# the events that change no state (or not by a person's step).
EVENT_LABELS: dict[str, str] = {str(state): text for state, text in STATE_LABELS.items()} | {
    "received": N_("Binnengekomen"),
    "escalated": N_("Opgeschaald (niet op tijd opgepakt)"),
    "reset.closed": N_("Gereset door het apparaat, gesloten"),
    "reset.noted": N_("Reset van het apparaat ontvangen"),
    "link.failure": N_("Verbinding met het alarmsysteem verbroken"),
    "link.restored": N_("Verbinding met het alarmsysteem hersteld"),
    "sender.resolved": N_("Afzender gekoppeld"),
    # The intake's marks (``intake.CLEANED``, ``AS_SENT``, ``CUT``); the detail names fields.
    "input.cleaned": N_("Tekst opgeschoond: onleesbare tekens verwijderd"),
    "input.as_sent": N_("Ongebruikelijke waarden, bewaard zoals verzonden"),
    "input.cut": N_("Tekst ingekort tot de maximale lengte"),
}
ON_BEHALF = "on_behalf"
"""The stored detail of a carer's step the handler took for the carer."""

# Why the sender of a new incident is unknown (the detail of its "received" step).
UNKNOWN_SENDER_LABELS: dict[str, str] = {
    UnknownSender.CONTROLLER: N_("onbekende afzender: onbekende centrale"),
    UnknownSender.DEVICE: N_("onbekende afzender: onbekend apparaat"),
    UnknownSender.NO_CLIENT: N_("onbekende afzender: apparaat zonder cliënt"),
    UnknownSender.NOT_ENROLLED: N_("onbekende afzender: cliënt niet aangemeld bij de nachtzorg"),
    UnknownSender.CALLER: N_("onbekende afzender: telefoon, cliënt niet herkend"),
}
# Whom an escalation step warned (the detail of an "escalated" step), as stored before steps
# said whom they reached: kept to read old timelines; {phone} is the number.
ESCALATION_DETAIL_LABELS: dict[str, str] = {
    EscalationTarget.SECOND_HANDLER: N_("stap {number}: tweede meldkamermedewerker gewaarschuwd"),
    EscalationTarget.LOCATION_STAFF: N_("stap {number}: dienst op de eigen locatie gewaarschuwd"),
    EscalationTarget.PHONE: N_("stap {number}: doorgeschakeld naar {phone}"),
}
LOCATION_STAFF_CALLED = N_("stap {number}: dienst op de eigen locatie gewaarschuwd ({phone})")
# What an escalation step really did (``rules.StepTaken``): whom it warned on the console, or
# which number it put on the console to ring; nothing in the service places a call itself.
ESCALATION_REACHED_LABELS: dict[str, str] = {
    EscalationTarget.SECOND_HANDLER: N_(
        "stap {number}: tweede meldkamermedewerker gewaarschuwd op de console: {names}"
    ),
    EscalationTarget.LOCATION_STAFF: N_(
        "stap {number}: dienst van {location} bellen op {phone} (nummer op de console getoond)"
    ),
    EscalationTarget.PHONE: N_(
        "stap {number}: terugvalnummer {phone} bellen (nummer op de console getoond)"
    ),
}
ESCALATION_SKIPPED_LABELS: dict[str, str] = {
    SkipReason.NO_SECOND_DESK: N_(
        "stap {number} overgeslagen: geen tweede meldkamermedewerker op het rooster"
    ),
    SkipReason.NO_LOCATION: N_("stap {number} overgeslagen: geen locatie bekend bij deze melding"),
    SkipReason.NO_STAFF_PHONE: N_(
        "stap {number} overgeslagen: geen nachtnummer van {location} ingesteld"
    ),
    SkipReason.NO_PHONE: N_("stap {number} overgeslagen: geen telefoonnummer ingesteld"),
}
# The queue's words for where an incident's escalation stands (its last step).
ESCALATION_QUEUE_LABELS: dict[str, str] = {
    EscalationTarget.SECOND_HANDLER: N_("Opgeschaald: tweede meldkamer gewaarschuwd"),
    EscalationTarget.LOCATION_STAFF: N_("Opgeschaald: bel de eigen locatie"),
    EscalationTarget.PHONE: N_("Opgeschaald: bel het terugvalnummer"),
}
ESCALATION_NOBODY = N_("Opgeschaald: niemand te bereiken")
# The colour of each in the queue (a class of night.css): later steps are more alarming.
ESCALATION_LEVELS: dict[str, str] = {
    EscalationTarget.SECOND_HANDLER: "esc-warn",
    EscalationTarget.LOCATION_STAFF: "esc-alert",
    EscalationTarget.PHONE: "esc-critical",
}


def event_label(kind: str) -> str:
    """The Dutch msgid for a timeline step; an unknown kind comes back as is."""
    return EVENT_LABELS.get(kind, kind)


def outcome_detail(outcome: Outcome, note: str) -> str:
    """How a triage outcome is stored in the timeline: its code, then the handler's note."""
    return f"{outcome}{OUTCOME_NOTE_SEPARATOR}{note}" if note else str(outcome)


def escalation_detail(taken: StepTaken) -> str:
    """How an escalation step is stored in the timeline: a small JSON object of codes, the
    names warned and the number to call, so it can be said in any language later."""
    record: dict[str, object] = {"step": taken.step.number, "target": str(taken.step.target)}
    if taken.skipped is not None:
        record["skipped"] = str(taken.skipped)
    if taken.phone:
        record["phone"] = taken.phone
    if taken.location:
        record["location"] = taken.location
    names = list(taken.notified)
    text = _compact(record | ({"to": names} if names else {}))
    while len(text) > MAX_DETAIL and names:  # a very long roster: as many names as fit
        names.pop()
        text = _compact(record | {"to": names})
    return text


def _compact(record: Mapping[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


MAX_DETAIL = 500
"""The length of ``IncidentEvent.detail``."""


@dataclass(frozen=True)
class EscalationShown:
    """Where an escalation stands, in the reader's words, for the queue and the incident."""

    number: int
    text: str
    phone: str | None
    level: str  # a class of night.css
    reached: bool


def _stored_step(detail: str) -> dict[str, Any] | None:
    if not detail.startswith("{"):
        return None
    try:
        record = json.loads(detail)
    except ValueError:
        return None
    return record if isinstance(record, dict) and "step" in record else None


def escalation_shown(detail: str | None, translate: Callable[..., str]) -> EscalationShown | None:
    """The queue's words and colour for an incident's last escalation step; None before any."""
    if not detail:
        return None
    record = _stored_step(detail)
    if record is None:  # stored before steps said whom they reached
        number, _, rest = detail.partition(":")
        target, _, phone = rest.partition(":")
        text = ESCALATION_QUEUE_LABELS.get(target)
        if not number.isdigit() or text is None:
            return None
        level = ESCALATION_LEVELS[target]
        return EscalationShown(int(number), translate(text), phone or None, level, reached=True)
    target = str(record.get("target", ""))
    if record.get("skipped"):  # the last step skipped: no step left reached anyone
        return EscalationShown(
            int(record["step"]), translate(ESCALATION_NOBODY), None, "esc-critical", False
        )
    return EscalationShown(
        number=int(record["step"]),
        text=translate(ESCALATION_QUEUE_LABELS.get(target, target)),
        phone=record.get("phone"),
        level=ESCALATION_LEVELS.get(target, "esc-critical"),
        reached=True,
    )


def _escalation_words(detail: str, translate: Callable[..., str]) -> str:
    record = _stored_step(detail)
    if record is not None:
        params = {
            "number": record["step"],
            "names": ", ".join(record.get("to", ())),
            "phone": record.get("phone") or "?",
            "location": record.get("location") or "?",
        }
        skipped = record.get("skipped")
        if skipped:
            message = ESCALATION_SKIPPED_LABELS.get(skipped)
        else:
            message = ESCALATION_REACHED_LABELS.get(record.get("target", ""))
        return translate(message, **params) if message else detail
    number, _, rest = detail.partition(":")
    target, _, phone = rest.partition(":")
    message = ESCALATION_DETAIL_LABELS.get(target) if number.isdigit() else None
    if message is None:
        return detail  # stored in words before the codes
    if target == EscalationTarget.LOCATION_STAFF and phone:
        message = LOCATION_STAFF_CALLED
    return translate(message, number=number, phone=phone or "?")


def event_detail(kind: str, detail: str, translate: Callable[..., str]) -> str:
    """A timeline entry's stored detail in the reader's words: the codes the actions store
    (contact mode, outcome and note, carer sent, intervention, escalation step, why a sender
    is unknown) through their labels. Details stored as Dutch sentences before there were
    codes show as they were written."""
    if not detail:
        return ""
    if kind == "escalated":
        return _escalation_words(detail, translate)
    if kind == "received":
        reason = UNKNOWN_SENDER_LABELS.get(detail)
        return translate(reason) if reason else detail
    if kind == "triage":
        mode = CONTACT_MODE_LABELS.get(detail.removeprefix("contact: "))  # the first way stored
        return translate(mode) if mode else detail
    if kind == "dispatched":
        return translate("naar {name}", name=detail.removeprefix("naar "))
    intervention = INTERVENTION_LABELS.get(detail) if kind == "closed" else None
    if intervention:
        return translate(intervention)
    if detail == ON_BEHALF:
        return translate("namens de zorgverlener")
    code, _, note = detail.partition(OUTCOME_NOTE_SEPARATOR)
    if outcome := OUTCOME_LABELS.get(code):
        return f"{translate(outcome)}: {note}" if note else translate(outcome)
    return detail
