"""What the solver's time limits are measured in: seconds on the wall clock, or work.

On the command line and in the benchmarks a limit is seconds: the user waits for them. In the
tests it is CP-SAT's deterministic time, a measure of the work a search did that does not depend
on the machine's speed or load, summed over the searches made so far. With a fixed seed and a
deterministic search the same problem then gets the same searches, and so the same roster, on a
fast laptop and on a busy CI machine alike.

Every CP-SAT search of the engine runs through a clock (`Clock.solve`), so none escapes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from ortools.sat.python import cp_model


class Clock(Protocol):
    deterministic: bool
    """True: limits are work, the same on any machine; then nothing may depend on wall time
    (the solver watches no search for stalling, which only wall time can see)."""

    def now(self) -> float:
        """The time so far, in the clock's unit; only differences mean anything."""

    def limit(self, solver: cp_model.CpSolver, budget: float) -> None:
        """Give `solver` at most `budget` of the clock's unit."""

    def took(self, solver: cp_model.CpSolver) -> float:
        """What the last search of `solver` took, in the clock's unit."""

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> Any:
        """`solver.solve(model, callback)`, counted on this clock; the status."""


class WallClock:
    """Seconds on the machine's monotonic clock: what a user waits for."""

    deterministic = False

    def now(self) -> float:
        return time.monotonic()

    def limit(self, solver: cp_model.CpSolver, budget: float) -> None:
        solver.parameters.max_time_in_seconds = budget

    def took(self, solver: cp_model.CpSolver) -> float:
        return float(solver.wall_time)

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> Any:
        return solver.solve(model, callback)


@dataclass
class WorkClock:
    """CP-SAT's deterministic time, summed over the searches run on this clock. Building models
    and reading solutions are not counted: they take wall time that differs between machines.

    CP-SAT's search is deterministic with one worker; with more, this clock interleaves them
    (``interleave_search``), which keeps the search deterministic at some cost in speed."""

    spent: float = 0.0
    deterministic = True

    def now(self) -> float:
        return self.spent

    def limit(self, solver: cp_model.CpSolver, budget: float) -> None:
        solver.parameters.max_deterministic_time = budget
        solver.parameters.num_workers = 1
        solver.parameters.interleave_search = True

    def took(self, solver: cp_model.CpSolver) -> float:
        return float(solver.deterministic_time)

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> Any:
        status = solver.solve(model, callback)
        self.spent += self.took(solver)
        return status
