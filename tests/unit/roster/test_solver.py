"""The solver as a whole: on a benchmark instance too hard to prove optimal in seconds, the
neighbourhood search runs, and every roster it reports is lawful and costs what it says.

The tests give the solver work, not seconds (`Limits.work`): the same rosters on any machine."""

from __future__ import annotations

from regiozorg.roster import nrp
from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.solver import Limits, Progress, choice_weights, solve


def test_every_reported_roster_on_a_hard_instance_is_lawful_and_priced_right() -> None:
    problem = nrp.load("Instance5")
    seen: list[Progress] = []
    solution = solve(problem, Limits(work=1), on_progress=seen.append)
    assert solution.status == "FEASIBLE"
    assert len(seen) > 1  # the neighbourhood search improved on the first roster
    assert solution.roster is not None
    assert [p.objective for p in seen] == sorted((p.objective for p in seen), reverse=True)
    assert seen[-1].objective == solution.objective
    for found in (seen[0], seen[-1]):
        evaluation = evaluate(problem, found.roster)
        assert evaluation.violations == ()
        assert evaluation.objective == found.objective
    assert sum(line.cost for line in solution.cost_lines) == solution.objective
    assert solution.best_bound is not None
    assert solution.best_bound <= solution.objective


def test_the_same_work_and_seed_give_the_same_roster() -> None:
    problem = nrp.load("Instance2")
    first, again = (solve(problem, Limits(work=0.5, seed=3)) for _ in range(2))
    assert first.roster is not None
    assert (first.objective, first.roster) == (again.objective, again.roster)


def test_a_neighbourhood_that_improves_faster_is_chosen_more_often() -> None:
    weights = choice_weights(
        {"days": 3, "block": 3, "staff": 0}, {"days": 0.6, "block": 6.0, "staff": 0.0}
    )
    days, block, staff = weights
    assert days > block  # the same three improvements in a tenth of the time
    assert staff > 0  # never tried: still gets its chance
