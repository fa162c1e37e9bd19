"""The plain CP-SAT model of an ANW pool, the baseline of `benchmarks/anw.py`.

One Boolean per physician and duty position (date, duty, area, role) where the physician may
take it, every rule posted directly, 2 workers, no decomposition and no search of our own. The
rules are the pool's (README, "ANW scenario files"):

- hard: exactly one physician per duty, area and role; only eligible physicians (profession and
  travel norm); none on an unavailable date; no two duties at once; after a night duty no new
  duty within ``min_rest_hours_after_night`` of its end; at most ``max_duties_per_28_days`` in
  any 28 consecutive days of the period;
- soft: duties in proportion to FTE (in all, nights, weekends, holidays), per organisation in
  proportion to its physicians' FTE; no duties on consecutive days; no two weekends in a row.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from regiozorg.anw import rules
from regiozorg.anw.problem import holidays_of
from regiozorg.anw.scenario import Scenario

WEIGHTS = {"fair_all": 10, "fair_nights": 5, "fair_weekends": 5, "fair_holidays": 5,
           "fair_organisation": 2, "consecutive_days": 3, "weekends_in_a_row": 3}  # fmt: skip
SCALE = 100  # deviations from a share are in hundredths of a duty


@dataclass(frozen=True)
class Outcome:
    status: str
    objective: float | None
    bound: float | None
    first_seconds: float | None
    duties: dict[str, int]  # per physician
    assignments: list[tuple[date, str, str, str, str]]  # date, duty, area, role, physician


class _First(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.started = time.perf_counter()
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def solve(scenario: Scenario, *, seconds: float, workers: int = 2, seed: int = 1) -> Outcome:
    free_days = holidays_of(scenario)
    slots = rules.slots(scenario.start, scenario.weeks * 7, scenario.duties, free_days)
    travel = {"detour_factor": scenario.detour_factor, "speed_kmh": scenario.speed_kmh}
    model = cp_model.CpModel()
    x: dict[tuple[int, int, str, str], Any] = {}
    works: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for p, physician in enumerate(scenario.physicians):
        for role in scenario.roles:
            if not rules.may_take(physician.profession, role):
                continue
            for area, places in scenario.areas.items():
                if not rules.within_reach(physician.place, role, places, **travel):
                    continue
                for s, slot in enumerate(slots):
                    if slot.day not in physician.unavailable:
                        x[p, s, area, role.code] = model.new_bool_var(f"x{p}_{s}_{area}_{role}")
                        works[p, s].append(x[p, s, area, role.code])
    by_position: dict[tuple[int, str, str], list[Any]] = defaultdict(list)
    for (_, s, area, code), var in x.items():
        by_position[s, area, code].append(var)
    for s in range(len(slots)):
        for area in scenario.areas:
            for role in scenario.roles:
                model.add_exactly_one(by_position[s, area, role.code])
    rest = timedelta(hours=scenario.rules.min_rest_hours_after_night)
    clashes = []  # slot pairs one physician cannot both take
    for a, first in enumerate(slots):
        for b in range(a + 1, len(slots)):
            second = slots[b]
            if second.starts >= first.ends + (rest if rules.is_night(first.duty) else timedelta()):
                if second.starts > first.ends + max(rest, timedelta(hours=24)):
                    break
                continue
            clashes.append((a, b))
    days = scenario.weeks * 7
    day_of = [(slot.day - scenario.start).days for slot in slots]
    limit = scenario.rules.max_duties_per_28_days
    penalties: list[Any] = []
    for p in range(len(scenario.physicians)):
        worked = {s: sum(works[p, s]) for s in range(len(slots)) if works[p, s]}
        for s, total in worked.items():
            if len(works[p, s]) > 1:
                model.add(total <= 1)
        for a, b in clashes:
            if a in worked and b in worked:
                model.add(worked[a] + worked[b] <= 1)
        for start in range(max(1, days - 27)):
            window = [t for s, t in worked.items() if start <= day_of[s] < start + 28]
            if len(window) > limit:
                model.add(sum(window) <= limit)
        on_day: dict[int, list[Any]] = defaultdict(list)
        for s, total in worked.items():
            on_day[day_of[s]].append(total)
        for d in range(days - 1):
            if on_day.get(d) and on_day.get(d + 1):
                both = model.new_bool_var(f"c{p}_{d}")
                model.add(sum(on_day[d]) + sum(on_day[d + 1]) <= 1 + both)
                penalties.append(WEIGHTS["consecutive_days"] * both)
        weekend_of = {s: (day_of[s] + scenario.start.weekday()) // 7 for s in worked
                      if slots[s].day.weekday() >= 5}  # fmt: skip
        per_weekend: dict[int, list[Any]] = defaultdict(list)
        for s, week in weekend_of.items():
            per_weekend[week].append(worked[s])
        flags = {}
        for week, terms in per_weekend.items():
            flags[week] = model.new_bool_var(f"w{p}_{week}")
            model.add_max_equality(flags[week], terms)
        for week, flag in flags.items():
            if week + 1 in flags:
                both = model.new_bool_var(f"ww{p}_{week}")
                model.add(flag + flags[week + 1] <= 1 + both)
                penalties.append(WEIGHTS["weekends_in_a_row"] * both)
    penalties += _fairness(model, scenario, slots, works, free_days)
    model.minimize(sum(penalties))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    callback = _First()
    status = solver.solve(model, callback)
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible",
            cp_model.INFEASIBLE: "infeasible"}.get(status, "unknown")  # fmt: skip
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assignments = []
    duties: dict[str, int] = defaultdict(int)
    if found:
        for (p, s, area, code), var in x.items():
            if solver.value(var):
                who = scenario.physicians[p].id
                duties[who] += 1
                assignments.append((slots[s].day, slots[s].duty.code, area, code, who))
    return Outcome(
        name,
        solver.objective_value if found else None,
        solver.best_objective_bound if found else None,
        callback.first,
        {p.id: duties.get(p.id, 0) for p in scenario.physicians},
        sorted(assignments),
    )


def _fairness(
    model: cp_model.CpModel,
    scenario: Scenario,
    slots: list[rules.Slot],
    works: dict[tuple[int, int], list[Any]],
    free_days: frozenset[date],
) -> list[Any]:
    """Each physician's share of the duties in proportion to FTE, per kind of duty; each
    organisation's in proportion to its physicians' FTE. Deviations in hundredths of a duty."""
    kinds: dict[str, Callable[[rules.Slot], bool]] = {
        "fair_all": lambda slot: True,
        "fair_nights": lambda slot: rules.is_night(slot.duty),
        "fair_weekends": lambda slot: slot.day.weekday() >= 5,
        "fair_holidays": lambda slot: slot.day in free_days,
    }
    positions = len(scenario.areas) * len(scenario.roles)
    fte = sum(p.fte for p in scenario.physicians)
    terms: list[Any] = []
    for kind, counts in kinds.items():
        chosen = [s for s, slot in enumerate(slots) if counts(slot)]
        demand = len(chosen) * positions
        if not demand:
            continue
        for p, physician in enumerate(scenario.physicians):
            taken = [v for s in chosen for v in works[p, s]]
            target = round(demand * physician.fte / fte * SCALE)
            deviation = model.new_int_var(0, demand * SCALE, f"{kind}{p}")
            model.add_abs_equality(deviation, SCALE * sum(taken) - target)
            terms.append(WEIGHTS[kind] * deviation)
    per_organisation: dict[str, list[int]] = defaultdict(list)
    for p, physician in enumerate(scenario.physicians):
        per_organisation[physician.organisation].append(p)
    demand = len(slots) * positions
    for organisation, members in per_organisation.items():
        share = sum(scenario.physicians[p].fte for p in members) / fte
        taken = [v for p in members for s in range(len(slots)) for v in works[p, s]]
        deviation = model.new_int_var(0, demand * SCALE, f"org{organisation}")
        model.add_abs_equality(deviation, SCALE * sum(taken) - round(demand * share * SCALE))
        terms.append(WEIGHTS["fair_organisation"] * deviation)
    return terms
