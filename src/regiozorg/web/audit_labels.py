"""The audit trail's codes in words: what was done, how it ended, by which channel, on what.

The trail stores codes (``beds.request.offered``, ``denied``) so it can be searched and
exported the same in every language; the audit page says them in the reader's language with
these Dutch labels, which the English catalog translates. A code without a label is shown as
it is rather than hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from regiozorg.auth import Permission
from regiozorg.errors import N_
from regiozorg.night.labels import KIND_LABELS
from regiozorg.night.rules import STATE_LABELS
from regiozorg.web.labels import LABELS

Translate = Callable[..., str]

# One label per action code; a refused permission is recorded under the permission's name, so
# every permission has a label too. Verbs in the infinitive: the outcome column says whether
# it was done, refused or failed.
ACTIONS: dict[str, str] = {
    "auth.login": N_("Inloggen"),
    "auth.logout": N_("Uitloggen"),
    "audit.view": N_("Auditlog bekijken"),
    "audit.export": N_("Auditlog exporteren"),
    "users.create": N_("Gebruiker aanmaken"),
    "users.activate": N_("Gebruiker activeren"),
    "users.deactivate": N_("Gebruiker deactiveren"),
    "users.membership": N_("Rol toekennen"),
    "users.membership.remove": N_("Rol intrekken"),
    "users.locale": N_("Taal kiezen"),
    "tokens.create": N_("API-token aanmaken"),
    "tokens.revoke": N_("API-token intrekken"),
    "regions.create": N_("Regio aanmaken"),
    "organisations.create": N_("Organisatie aanmaken"),
    "locations.create": N_("Locatie aanmaken"),
    "units.create": N_("Afdeling aanmaken"),
    "staff.create": N_("Medewerker aanmaken"),
    "clients.create": N_("Cliënt aanmaken"),
    "clients.list": N_("Cliënt in een lijst tonen"),
    "network.import": N_("Netwerkgegevens inlezen"),
    "demo.seed": N_("Demoregio aanmaken"),
    "beds.request": N_("Bed aanvragen"),
    "beds.request.read": N_("Bedaanvraag inzien"),
    "beds.worklist.read": N_("Werklijst bedaanvragen inzien"),
    "beds.status": N_("Bedstatus wijzigen"),
    "beds.status.with_patient": N_("Bedstatus wijzigen terwijl er een patiënt in ligt"),
    "beds.status.undo": N_("Bedstatus terugdraaien"),
    "beds.request.correct": N_("Bedaanvraag verbeteren"),
    "beds.hold": N_("Bed reserveren"),
    "beds.hold.expire": N_("Reservering laten verlopen"),
    "beds.admit": N_("Patiënt opnemen"),
    "beds.capacity": N_("Beddenstand doorgeven"),
    "beds.acceptance": N_("Acceptatievoorwaarden wijzigen"),
    "night.client.read": N_("Cliënt inzien in de nachtzorg"),
    "night.client.search": N_("Cliënt zoeken bij een melding"),
    "night.plan.read": N_("Nachtzorgplan inzien"),
    "night.plan.write": N_("Nachtzorgplan wijzigen"),
    "night.history.read": N_("Nachtgeschiedenis inzien"),
    "night.handover.read": N_("Overdracht inzien"),
    "night.shift.add": N_("Nachtdienst inroosteren"),
    "night.shift.remove": N_("Nachtdienst verwijderen"),
    "night.reset": N_("Nachtzorg terugzetten"),
    "night.location.enrol": N_("Locatie aanmelden bij de nachtzorg"),
    "night.location.unenrol": N_("Locatie afmelden bij de nachtzorg"),
    "night.escalation.set": N_("Escalatiestappen wijzigen"),
    "night.device.register": N_("Alarmapparaat registreren"),
    "night.controller.seen": N_("Alarmcentrale meldt zich"),
    "night.link.failure": N_("Verbinding met alarmcentrale verbroken"),
    "night.link.restored": N_("Verbinding met alarmcentrale hersteld"),
    "night.incident.sender_resolved": N_("Onbekende melder koppelen"),
    "night.incident.escalated": N_("Melding escaleren"),
    # permissions, as a refusal records them
    Permission.NETWORK_VIEW: N_("Netwerk bekijken"),
    Permission.NETWORK_MANAGE: N_("Netwerk beheren"),
    Permission.ORGANISATION_MANAGE: N_("Organisatie beheren"),
    Permission.CLIENTS_READ: N_("Cliëntgegevens inzien"),
    Permission.CLIENTS_MANAGE: N_("Cliëntgegevens beheren"),
    Permission.USERS_MANAGE: N_("Gebruikers beheren"),
    Permission.AUDIT_VIEW: N_("Auditlog bekijken"),
    Permission.BEDS_VIEW: N_("Beddenoverzicht bekijken"),
    Permission.BEDS_REQUEST: N_("Bed aanvragen"),
    Permission.BEDS_COORDINATE: N_("Bedden coördineren"),
    Permission.BEDS_PROVIDE: N_("Bedden aanbieden"),
    Permission.BEDS_REPORTS: N_("Rapportages bedden bekijken"),
    Permission.NIGHT_INTAKE: N_("Nachtmelding aannemen"),
    Permission.NIGHT_HANDLE: N_("Nachtmeldingen afhandelen"),
    Permission.NIGHT_SETUP: N_("Nachtzorg inrichten"),
    Permission.NIGHT_PLANS: N_("Nachtzorgplannen beheren"),
    Permission.NIGHT_HISTORY: N_("Nachtgeschiedenis inzien"),
    Permission.NIGHT_REPORTS: N_("Nachtrapportages bekijken"),
    Permission.ROLES_GRANT_REACHING: N_("Rollen met bereik toekennen"),
}
# Codes with a part that varies: (prefix, sentence, the labels of the varying part).
_STATES = {str(code): text for code, text in STATE_LABELS.items()}
_KINDS = {str(code): text for code, text in KIND_LABELS.items()}
PATTERNS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("beds.request.", N_("Bedaanvraag naar status {status}"), LABELS),
    (
        "night.incident.",
        N_("Nachtmelding naar status {status}"),
        _STATES,
    ),
    ("night.", N_("Nachtmelding ontvangen: {status}"), _KINDS),
)
# The families a reader can narrow the page to (an action code's first part).
FAMILIES: dict[str, str] = {
    "auth": N_("Inloggen en uitloggen"),
    "clients": N_("Cliëntgegevens"),
    "beds": N_("Bedden"),
    "night": N_("Nachtzorg"),
    "users": N_("Gebruikers en rollen"),
    "tokens": N_("API-tokens"),
    "audit": N_("Auditlog"),
}
OUTCOMES = {
    "success": N_("Gelukt"),
    "denied": N_("Geweigerd"),
    "failure": N_("Mislukt"),
}
# Why a refusal was a refusal (``auth.Decision``), and a refused login's reason.
DETAILS = {
    "forbidden": N_("geen toegang"),
    "not_found": N_("buiten zicht (als niet gevonden)"),
    "throttled": N_("te veel pogingen"),
}
CHANNELS = {
    "web": N_("Web"),
    "api": N_("API"),
    "cli": N_("Opdrachtregel"),
}
OBJECTS = {
    "user": N_("Gebruiker"),
    "client": N_("Cliënt"),
    "incident": N_("Nachtmelding"),
    "bed_request": N_("Bedaanvraag"),
    "bed_assignment": N_("Reservering"),
    "bed": N_("Bed"),
    "region": N_("Regio"),
    "organisation": N_("Organisatie"),
    "location": N_("Locatie"),
    "unit": N_("Afdeling"),
    "staff_member": N_("Medewerker"),
    "api_token": N_("API-token"),
    "capacity_snapshot": N_("Beddenstand"),
    "night": N_("Nachtzorg"),
    "night_plan": N_("Nachtzorgplan"),
    "night_shift": N_("Nachtdienst"),
    "controller": N_("Alarmcentrale"),
    "priority": N_("Prioriteit"),
}


def action_text(code: str, _: Translate) -> str:
    """An action code in the reader's words (``_`` translates); an unknown code as it is."""
    if code in ACTIONS:
        return _(ACTIONS[code])
    for prefix, sentence, labels in PATTERNS:
        rest = code.removeprefix(prefix)
        if code.startswith(prefix) and rest in labels:
            return _(sentence, status=_(labels[rest]))
    return code


def coded(table: dict[str, str], code: str | None, _: Translate) -> str:
    """A code from one of the tables above in the reader's words; unknown, as it is."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code


def action_choices(_: Translate) -> list[tuple[str, str]]:
    """What the action filter offers: the families first, then every labelled action, each
    (code, words) sorted by the words."""
    families = [(code, _(text)) for code, text in FAMILIES.items()]
    actions = {str(code): _(text) for code, text in ACTIONS.items() if str(code) not in FAMILIES}
    return families + sorted(actions.items(), key=lambda item: item[1].lower())


def translator(translate: Callable[..., str], locale: str) -> Translate:
    def _(message: str, **params: Any) -> str:
        return translate(locale, message, **params)

    return _
