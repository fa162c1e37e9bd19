"""Dutch labels for the night service's codes, in one place; the English catalog translates
them when shown (``rules.STATE_LABELS`` holds the incident states). The words match the
console's (``templates/night/_labels.html``), so a code reads the same on every screen."""

from __future__ import annotations

from regiozorg.errors import N_
from regiozorg.night.rules import ContactMode, DeskRole, EscalationTarget, InterventionType, Risk

RISK_LABELS = {
    Risk.EPILEPSY: N_("Epilepsie"),
    Risk.FALL: N_("Valrisico"),
    Risk.WANDERING: N_("Dwalen"),
    Risk.CHALLENGING_BEHAVIOUR: N_("Probleemgedrag"),
    Risk.RESPIRATORY: N_("Ademhaling"),
}
CONTACT_MODE_LABELS = {
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
INTERVENTION_LABELS = {
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


def device_type_label(code: str) -> str:
    """The Dutch msgid for a device type; a code the set-up does not know comes back as is."""
    return DEVICE_TYPE_LABELS.get(code, code)


# Where a client's night care plan stands (``setup_queries.Enrolment``).
ENROLMENT_LABELS = {
    "enrolled": N_("Doet mee"),
    "not_enrolled": N_("Doet niet mee"),
    "no_plan": N_("Nog geen nachtzorgplan"),
}
