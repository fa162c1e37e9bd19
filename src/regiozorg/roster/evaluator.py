"""Scores a roster from scratch, independent of the solver.

Deliberately written the plain way (walk the days, count the runs) and sharing no code with
`rules.py`, so that when the two agree on a roster that is evidence, not an echo.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from regiozorg.roster.problem import CostLine, Problem, Roster, Staff, Violation


@dataclass(frozen=True)
class Evaluation:
    cost_lines: tuple[CostLine, ...]
    violations: tuple[Violation, ...]

    @property
    def objective(self) -> int:
        return sum(line.cost for line in self.cost_lines)

    @property
    def feasible(self) -> bool:
        return not self.violations


def evaluate(problem: Problem, roster: Roster) -> Evaluation:
    violations: list[Violation] = []
    for person in problem.staff:
        shifts = roster.assignments.get(person.id)
        if shifts is None or len(shifts) != problem.days:
            violations.append(Violation("horizon", person.id, f"{person.label}: no full roster"))
            continue
        violations.extend(_person_violations(problem, person, shifts))
    return Evaluation(tuple(_cost_lines(problem, roster)), tuple(violations))


def _runs(worked: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs as (working, first day, length)."""
    runs: list[tuple[bool, int, int]] = []
    start = 0
    for day in range(1, len(worked) + 1):
        if day == len(worked) or worked[day] != worked[start]:
            runs.append((worked[start], start, day - start))
            start = day
    return runs


def _person_violations(problem: Problem, person: Staff, shifts: tuple[str, ...]) -> list[Violation]:
    messages = [
        *_day_violations(problem, person, shifts),
        *_total_violations(problem, person, shifts),
        *_run_violations(problem, person, shifts),
    ]
    return [Violation(rule, person.id, f"{person.label}: {text}") for rule, text in messages]


def _day_violations(
    problem: Problem, person: Staff, shifts: tuple[str, ...]
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    known = set(problem.shift_ids())
    for day, shift in enumerate(shifts):
        if shift and shift not in known:
            found.append(("unknown-shift", f"unknown shift {shift!r} on {problem.day_label(day)}"))
        if shift and day in person.days_off:
            found.append(("fixed-day-off", f"works on fixed day off {problem.day_label(day)}"))
    for day in range(problem.days - 1):
        today, tomorrow = shifts[day], shifts[day + 1]
        if today in known and tomorrow and tomorrow in problem.shift(today).forbidden_next:
            found.append(
                (
                    "forbidden-succession",
                    f"{tomorrow} on {problem.day_label(day + 1)} may not follow {today}",
                )
            )
    return found


def _total_violations(
    problem: Problem, person: Staff, shifts: tuple[str, ...]
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    counts = Counter(shift for shift in shifts if shift)
    for shift, limit in person.max_shifts.items():
        if counts[shift] > limit:
            found.append(("max-shifts-of-type", f"{counts[shift]} × {shift}, at most {limit}"))
    known = set(problem.shift_ids())
    minutes = sum(problem.shift(shift).minutes for shift in shifts if shift in known)
    if minutes < person.min_minutes:
        found.append(("min-total-minutes", f"{minutes} minutes, at least {person.min_minutes}"))
    if minutes > person.max_minutes:
        found.append(("max-total-minutes", f"{minutes} minutes, at most {person.max_minutes}"))
    weekends = sum(1 for days in problem.weekends() if any(shifts[day] for day in days))
    if weekends > person.max_weekends:
        found.append(("max-weekends", f"{weekends} weekends worked, at most {person.max_weekends}"))
    return found


def _run_violations(
    problem: Problem, person: Staff, shifts: tuple[str, ...]
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for working, first, length in _runs([bool(shift) for shift in shifts]):
        span = f"{problem.day_label(first)}-{problem.day_label(first + length - 1)}"
        touches_end = first == 0 or first + length == problem.days
        if working and length > person.max_consecutive_shifts:
            found.append(("max-consecutive-shifts", f"{length} shifts in a row ({span})"))
        if (
            working
            and length < person.min_consecutive_shifts
            and not (touches_end and problem.open_ends)
        ):
            found.append(("min-consecutive-shifts", f"only {length} shifts in a row ({span})"))
        if not working and not touches_end and length < person.min_consecutive_days_off:
            found.append(("min-consecutive-days-off", f"only {length} days off in a row ({span})"))
    return found


def _cost_lines(problem: Problem, roster: Roster) -> list[CostLine]:
    lines: list[CostLine] = []
    for request in problem.requests:
        shifts = roster.assignments.get(request.staff)
        assigned = shifts is not None and shifts[request.day] == request.shift
        subject = f"of {request.staff} for {request.shift} on {problem.day_label(request.day)}"
        if request.on and not assigned:
            lines.append(CostLine("unmet on-request", subject, 1, request.weight))
        if not request.on and assigned:
            lines.append(CostLine("met off-request", subject, 1, request.weight))
    staffed = Counter(
        (day, shift)
        for shifts in roster.assignments.values()
        for day, shift in enumerate(shifts)
        if shift
    )
    for cover in problem.covers:
        have = staffed[cover.day, cover.shift]
        subject = f"on {problem.day_label(cover.day)} {cover.shift}"
        if have < cover.requirement:
            lines.append(
                CostLine("under-cover", subject, cover.requirement - have, cover.under_weight)
            )
        if have > cover.requirement:
            lines.append(
                CostLine("over-cover", subject, have - cover.requirement, cover.over_weight)
            )
    return [line for line in lines if line.cost]
