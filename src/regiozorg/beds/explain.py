"""The coordination point's codes as Dutch msgids: why a request is not suitable, why a rule
refused a step, why a bed ranks where it does.

No words are chosen here and nothing is translated: a rule gives a code with its figures, this
module names the catalog's message for it, and the pages and the API say it in the reader's
language where it is shown (``beds.web``, used by ``beds.api`` too)."""

from __future__ import annotations

from regiozorg.beds.rules import MatchReason, Reason
from regiozorg.errors import N_

REASON_TEXTS = {
    # eligibility (stored with a request found not suitable)
    "elv_excluded_by_wlz": N_("Patiënt heeft een Wlz-indicatie: ELV is uitgesloten."),
    "palliative_needs_short_life_expectancy": N_(
        "Palliatief ELV vraagt een levensverwachting korter dan drie maanden."
    ),
    "elv_needs_expected_return_home": N_(
        "ELV laag/hoog-complex vraagt de verwachting dat de patiënt weer naar huis gaat."
    ),
    "crisis_needs_consent_to_any_bed": N_(
        "Wlz-crisis vraagt instemming van de cliënt met een bed buiten de regio "
        "of buiten de voorkeur."
    ),
    # a provider's terms
    "over_max_age": N_("Deze locatie neemt patiënten tot {max_age} jaar op."),
    "outside_admission_hours": N_("Deze locatie neemt alleen op tussen {start}:00 en {end}:00."),
    # steps of a request
    "transition_impossible": N_("Een aanvraag met status '{current}' kan niet naar '{target}'."),
    "transition_not_yours": N_("Deze stap ({current} → {target}) is niet aan u."),
    "cancellation_needs_reason": N_("Geef een reden op voor het annuleren."),
}
MATCH_TEXTS = {
    "travel": N_("{minutes} min reistijd vanaf de postcode van de patiënt"),
    "preferred": N_("voorkeurslocatie van de patiënt"),
    "not_preferred": N_("niet de voorkeurslocatie van de patiënt"),
    "no_preference": N_("geen voorkeurslocatie opgegeven"),
    "needs_met": N_("biedt {capabilities}"),
    "needs_missing": N_("mist {capabilities}"),
    "no_needs": N_("geen bijzondere voorzieningen gevraagd"),
    "free_now": N_("nu vrij"),
    "free_later": N_("vrij na verwacht ontslag"),
    "fresh": N_("beddenstand recent bijgewerkt"),
    "stale": N_("beddenstand niet recent bijgewerkt"),
}


def match_text(reason: MatchReason) -> str:
    """The Dutch msgid for a factor of a match's rank; its placeholders are ``minutes`` and
    ``capabilities``. An unknown code is its own text (a test keeps the table complete)."""
    return MATCH_TEXTS.get(reason.code, reason.code)


def text(reason: Reason) -> str:
    """The Dutch msgid for a rule's reason; its placeholders are the reason's parameters."""
    return REASON_TEXTS.get(reason.code, reason.code)
