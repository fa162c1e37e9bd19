"""An ANW pool as the engine's duty problem, and its first lawful roster."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from regiozorg.anw import generate
from regiozorg.anw.problem import rules_of, to_problem
from regiozorg.anw.scenario import loads
from regiozorg.roster.clocks import WorkClock
from regiozorg.roster.duty_rules import HARD_RULES, MostInWindow, costs_all
from regiozorg.roster.duty_solver import solve

EXAMPLE = loads((Path(__file__).parent / "readme_example.yaml").read_text())


def test_every_duty_of_the_period_becomes_a_post_per_area_and_role() -> None:
    problem = to_problem(EXAMPLE)
    first = problem.duties[0]
    assert (first.id, first.day, first.start, first.end) == (
        "2027-03-01/weeknight",
        0,
        17 * 60,
        32 * 60,
    )
    assert first.tags == {"weekday", "night"}
    easter = [d for d in problem.duties if d.id.startswith("2027-03-28")]
    assert {d.id.split("/")[1] for d in easter} == {"weekend_day", "weekend_night"}
    assert all({"holiday", "weekend"} <= d.tags for d in easter)
    assert len(problem.posts) == len(problem.duties) * 2  # one area, two roles
    physician = problem.people[0]
    assert physician.may == {("first_line", "noord"), ("backup", "noord")}
    assert physician.away == {(date(2027, 3, 10) - EXAMPLE.start).days}


def test_a_generated_pool_gets_a_lawful_roster() -> None:
    scenario = generate.pool(generate.Size("small", 4, 16, 1, 4), seed=3)
    problem = to_problem(scenario)
    rules = (*HARD_RULES[:3], MostInWindow(most=scenario.rules.max_duties_per_28_days))
    found = solve(problem, rules, budget=20, clock=WorkClock())
    assert found.status in ("optimal", "feasible")
    assert found.breaches == ()
    assert found.roster is not None
    assert len(found.roster.filled) == len(problem.posts)


def test_the_solvers_cost_is_what_each_soft_rule_prices_the_roster_at() -> None:
    scenario = generate.pool(generate.Size("small", 4, 16, 1, 4), seed=3)
    problem = to_problem(scenario)
    rules = rules_of(scenario)
    found = solve(problem, rules, budget=3, clock=WorkClock())
    assert found.roster is not None and found.breaches == ()
    priced = costs_all(problem, found.roster, rules)
    assert found.objective == sum(cost.cost for cost in priced)
    assert {cost.rule for cost in priced} <= {
        "fair_all", "fair_night", "fair_weekend", "fair_holiday",
        "consecutive_days", "weekends_in_a_row",
    }  # fmt: skip
