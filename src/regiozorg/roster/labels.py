"""The roster engine's explanations in words: a Dutch message per rule code, said in the reader's
language by the catalog (``renovation_roster.po`` translates them to English). The engine itself
returns codes with parameters (``explain.Clash``); a display (the command line now, the on-call
pages later) says them with `say_explanation`.
"""

from __future__ import annotations

from regiozorg.errors import N_
from regiozorg.i18n import translate
from regiozorg.roster.explain import Clash, Explanation
from regiozorg.roster.problem import Problem

CLASH_HEADER = N_("Geen rooster voldoet aan deze harde regels samen:")
NO_CLASH_FOUND = N_(
    "Geen rooster voldoet aan de harde regels; binnen de tijd is geen kleinere botsing gevonden."
)

RULE_MESSAGES = {
    "fixed-day-off": N_("vrij op {days}"),
    "forbidden-succession": N_("sommige diensten mogen niet op elkaar volgen"),
    "max-shifts-of-type": N_("ten hoogste {shifts}"),
    "min-total-minutes": N_("ten minste {minutes} minuten"),
    "max-total-minutes": N_("ten hoogste {minutes} minuten"),
    "max-consecutive-shifts": N_("ten hoogste {count} diensten achter elkaar"),
    "min-consecutive-shifts": N_("ten minste {count} diensten achter elkaar"),
    "min-consecutive-days-off": N_("ten minste {count} vrije dagen achter elkaar"),
    "max-weekends": N_("ten hoogste {count} weekenden"),
}
"""Per rule code, what the rule asks; a code missing here is shown as the code."""


def _parameters(clash: Clash, problem: Problem) -> dict[str, object]:
    """The clash's limits as a reader reads them: days by their label, shift limits as '3 × N'."""
    said: dict[str, object] = dict(clash.limits)
    days = clash.limits.get("days")
    if isinstance(days, tuple):
        said["days"] = ", ".join(problem.day_label(day) for day in days)
    shifts = clash.limits.get("shifts")
    if isinstance(shifts, tuple):
        said["shifts"] = ", ".join(f"{count} × {shift}" for shift, count in shifts)
    return said


def say_clash(locale: str, problem: Problem, clash: Clash) -> str:
    """'bram: ten minste 4800 minuten' in Dutch, 'bram: at least 4800 minutes' in English."""
    message = RULE_MESSAGES.get(clash.rule)
    rule = translate(locale, message, **_parameters(clash, problem)) if message else clash.rule
    return f"{clash.staff}: {rule}"


def say_explanation(locale: str, problem: Problem, explanation: Explanation) -> list[str]:
    """The explanation as lines to show: a header, then one line per clashing rule."""
    if not explanation.clash:
        return [translate(locale, NO_CLASH_FOUND)]
    lines = [say_clash(locale, problem, clash) for clash in explanation.clash]
    return [translate(locale, CLASH_HEADER), *lines]
