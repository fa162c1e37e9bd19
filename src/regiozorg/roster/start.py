"""A first roster built one person at a time, for problems too large for one CP-SAT search.

Every hard rule concerns one person, so solving each person alone always keeps the roster
lawful; only cover links people. Each person is rostered against the cover still open after the
people before them (a requirement can go negative: then every extra person is over-cover).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace

from ortools.sat.python import cp_model

from regiozorg.roster import rules
from regiozorg.roster.problem import Problem, Roster


def person_by_person(problem: Problem, deadline: float, seed: int = 0) -> Roster | None:
    """None when a person has no lawful roster on their own, or time runs out."""
    staffed: Counter[tuple[int, str]] = Counter()
    assignments: dict[str, tuple[str, ...]] = {}
    for number, person in enumerate(problem.staff):
        left = len(problem.staff) - number
        seconds = (deadline - time.monotonic()) / left
        if seconds <= 0:
            return None
        alone = replace(
            problem,
            staff=(person,),
            covers=tuple(
                replace(cover, requirement=cover.requirement - staffed[cover.day, cover.shift])
                for cover in problem.covers
            ),
            requests=tuple(request for request in problem.requests if request.staff == person.id),
        )
        m = rules.build(alone)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = seconds
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        if solver.solve(m.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        days = rules.read_roster(m, solver.value).assignments[person.id]
        assignments[person.id] = days
        staffed.update((day, shift) for day, shift in enumerate(days) if shift)
    return Roster(assignments)
