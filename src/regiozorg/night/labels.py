"""Dutch labels for the night service's codes, in one place; the English catalog translates
them when shown (``rules.STATE_LABELS`` holds the incident states). The night pages get them
through ``PAGE_LABELS`` (``templates/night/_labels.html`` says a code with them), so a code
reads the same on every screen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
# Whom an escalation step warned (the detail of an "escalated" step); {phone} is the number.
ESCALATION_DETAIL_LABELS: dict[str, str] = {
    EscalationTarget.SECOND_HANDLER: N_("stap {number}: tweede meldkamermedewerker gewaarschuwd"),
    EscalationTarget.LOCATION_STAFF: N_("stap {number}: dienst op de eigen locatie gewaarschuwd"),
    EscalationTarget.PHONE: N_("stap {number}: doorgeschakeld naar {phone}"),
}
LOCATION_STAFF_CALLED = N_("stap {number}: dienst op de eigen locatie gewaarschuwd ({phone})")


def event_label(kind: str) -> str:
    """The Dutch msgid for a timeline step; an unknown kind comes back as is."""
    return EVENT_LABELS.get(kind, kind)


def outcome_detail(outcome: Outcome, note: str) -> str:
    """How a triage outcome is stored in the timeline: its code, then the handler's note."""
    return f"{outcome}{OUTCOME_NOTE_SEPARATOR}{note}" if note else str(outcome)


def escalation_detail(number: int, target: EscalationTarget, phone: str | None) -> str:
    """How an escalation step is stored in the timeline: "<number>:<target>[:<phone>]"."""
    return f"{number}:{target}:{phone}" if phone else f"{number}:{target}"


def _escalation_words(detail: str, translate: Callable[..., str]) -> str:
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
