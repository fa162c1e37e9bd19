"""Run the Curtois & Qu benchmark (Instance1-24) and write benchmarks/results/nrp.json and nrp.md.

    .venv/bin/python benchmarks/nrp.py --instances 1-20 --seconds 60 --baseline
    .venv/bin/python benchmarks/nrp.py --instances 21-24 --seconds 600
    .venv/bin/python benchmarks/nrp.py --instances 1-10 --seconds 60 --open-ends

Results are merged into the existing JSON by instance, so runs over different ranges add up. Every
roster is re-scored by the independent evaluator; a mismatch or a hard violation is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from regiozorg.roster import nrp
from regiozorg.roster.evaluator import evaluate
from regiozorg.roster.problem import CostLine
from regiozorg.roster.solver import Limits, Solution, solve

RESULTS = Path(__file__).resolve().parent / "results"


def instance_numbers(text: str) -> list[int]:
    """'1-10', '2,5,7' or '1-3,21'."""
    numbers: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        numbers.extend(range(int(low), int(high or low) + 1))
    return numbers


def machine() -> dict[str, object]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "ortools": version("ortools"),
    }


def run_one(
    name: str, seconds: float, workers: int, *, plain: bool, open_ends: bool = False
) -> dict[str, object]:
    problem = nrp.load(name, open_ends=open_ends)
    solution: Solution = solve(problem, Limits(seconds=seconds, workers=workers, plain=plain))
    record: dict[str, object] = {
        "objective": solution.objective,
        "best_bound": solution.best_bound,
        "status": solution.status,
        "seconds": round(solution.seconds, 1),
        "limit": seconds,
    }
    if solution.roster is not None:
        evaluation = evaluate(problem, solution.roster)
        record["verified"] = evaluation.feasible and evaluation.objective == solution.objective
        record["cost_by_rule"] = cost_by_rule(evaluation.cost_lines)
    return record


def cost_by_rule(lines: Iterable[CostLine]) -> dict[str, dict[str, int]]:
    """What a roster's cost is made of: per rule, how many units and their cost."""
    totals: dict[str, dict[str, int]] = {}
    for line in lines:
        total = totals.setdefault(line.rule, {"count": 0, "cost": 0})
        total["count"] += line.count
        total["cost"] += line.cost
    return totals


def gap(objective: object, best: int) -> str:
    if not isinstance(objective, int):
        return "-"
    return f"{100 * (objective - best) / best:+.2f}%"


NOTES = """
The *Open ends* column is the engine under one change of rule (`--open-ends`,
`Problem.open_ends`): a run of shifts touching either end of the horizon may be shorter than the
minimum. The benchmark README says it may not; the published best values were found with it
allowed (see "Why the gaps remain").

## How the engine searches

*Plain model* (the baseline column): one Boolean per person, day and shift, every rule posted
directly (`regiozorg.roster.rules`), one CP-SAT search with 2 workers (CP-SAT's own choice of
workers) for the whole time limit.

*Engine*: the same rules, with these changes:

- no variable at all for a shift a person can never work (fixed day off, a maximum of zero);
  forbidden successions posted as one clique per distinct forbidden set instead of one
  constraint per pair. Instance24: 1.84M -> 1.04M shift variables.
- its two CP-SAT workers are `max_lp` (the full linear relaxation, with cuts) and `default_lp`,
  instead of CP-SAT's default pair, whose bound stays where the weak LP of this model puts it.
- up to 100,000 (person, day, shift) cells (Instances 1-20), a search over the whole problem.
  It stops at 30% of the time, or earlier once it has found nothing better for 10% of the time
  (it *stalls*). A stalled search is restarted from scratch with the next seed, each restart
  stopped when it stalls, until 60% of the time; the best roster goes on.
- above 100,000 cells (Instances 21-24), and when the whole search has no roster at 10% of the
  time (Instance20), a person-by-person start: every hard rule concerns one person, so each
  person is rostered alone against the cover the people before them left open; lawful by
  construction. A person's model holds only their hard rules and a linear objective (working a
  shift that is still short saves its under-weight, one already full costs its over-weight,
  plus their own requests), solved first for any lawful roster, then for the cover objective
  with that roster as hint, for an equal share of the time until 30% of the limit.
- then large-neighbourhood search for the rest of the time: free a set of (person, day) cells,
  freeze the others to the incumbent roster and solve the *sub-model* of the free cells with
  CP-SAT, the incumbent as hint; keep equal or better rosters. In a sub-model frozen cells are
  constants, only the people with a free cell get their hard rules, and a rule is posted only
  where it touches a free cell; every penalty is still there (as a constant where no free
  cell touches it), so its objective is the whole roster's cost. Three neighbourhoods: a few
  people over the whole horizon, everybody over a window of days (70% of the time centred on a
  day where the incumbent pays penalties), a block of people x weeks. Sizes adapt (grow when
  sub-problems are solved to optimality quickly, shrink when they time out); each kind is
  chosen in proportion to its improvements per second spent in it; a step takes at most
  1/60 of the limit, between 0.5 and 3 s.

The bound column is the best CP-SAT bound of the whole-problem searches (0 where there was
none).

## What was measured (60 s, 2 workers unless noted; one run each, so noisy)

Development runs, one each, with throwaway scripts; `benchmarks/nrp.py` does not repeat them.

This session (2026-11-29, quiet 2-core machine):
- the rules at the ends of the horizon. CP-SAT with one worker, `linearization_level` 2 and
  the LP built eagerly proves 833 optimal on Instance2 in 1.3 s and 1005 on Instance3 in 6.4 s
  under the README's rules; with runs of shifts touching the ends exempt from the minimum it
  proves 828 and 1001 optimal, exactly the published best values. Exempting runs of days off
  touching the ends too gives the same; also counting those (stricter than the README) gives
  930 and 1024. So the best known values of at least Instances 2 and 3 are infeasible under the
  README's rules: the engine's 833 and 1005 are optimal there.
- the worker pair, whole-problem search alone, 20 s: CP-SAT's default pair against
  `max_lp` + `default_lp`: Instance7 1466 (bound 29) against 1080 (bound 1048), Instance4 1721
  (200) against 1719 (1568), Instance5 1244 (1) against 1246 (1025). Eight workers on the two
  cores: Instance5 1254, Instance12 11292 (two: 8857). `linearization_level` 2 for both
  workers: Instance5 1346, bound 1.
- sub-models instead of the whole model with the frozen cells' domains fixed: building one
  for Instance24 takes 0.1-1.0 s (the whole model 23-24 s, and each step presolved all of it);
  on Instance20 at 60 s alone it made no difference (14399 against 14596). With the `max_lp`
  worker in the sub-solves too, Instance20 at 60 s: 8390.
- seeds: the whole-problem search of Instance5, 15 s, seeds 0-5: 1241, 1150, 1153, 1240, 1148,
  1151. Before restarts, the engine ended Instance5 at 1239-1241 in three runs (its first search
  stalled in the 1241 basin after 5 s; neighbourhood search found 1240 and 1239).
- a whole-problem search left to run while it improves, instead of handing over at 30%:
  Instance12 6282 at 60 s, against 4341 with neighbourhood search from 30%.
- Instance21 at 120 s: 31540 (start 52755 at 37 s, then 67 neighbourhood steps). Instance22
  at 120 s: no roster; its people need 2-5 s each for a first lawful roster.

Earlier sessions (kept):
- neighbourhood search after a 30% first search, windows aimed at costly days: Instance14 1525
  (plain model 2351), Instance8 1948 (plain 2145).
- the person-by-person start for Instances 20-24: the start alone on Instance20, 10 s 26569,
  20 s 23710; 210-235 units of under-cover (weight 100) make up most of it. One worker per
  person instead of two: 5 of 6 people had no roster after 2 s each. A light presolve (one
  round, no probing, no symmetry) finds the first roster of a person of Instance24 in
  0.35-0.47 s instead of 0.6-1.5 s; for Instance22 it finds none, so the full presolve follows.
- neighbourhoods chosen by improvements per second instead of by count of improvements:
  Instance20 at 60 s 17382 and 12238 against 25095 and 17188 (busy machine).

Dropped:
- windows at random days and a 25-50% first search: Instance14 1744, Instance8 1940.
- the run rules as one automaton per person instead of clauses (30 s): Instance5 1656,
  Instance7 2196, against 1239-1447 and about 1500 with clauses; as a redundant constraint
  next to the clauses: 1844 and 2392. In one person's model of the start: 4 of 6 people
  without a roster in 2 s.
- stratified search (first minimise under-cover only, then the full objective from that hint,
  30 s): Instance5 1250, Instance7 1312.
- CP-SAT core-based objective search (30 s): Instance5 1240 once, 1456 with core and LP workers.
- sweeps that take each person out in turn and roster them again alone against the others
  (Instance20: 16333 at 60 s against 14197 without).

Repeated runs of one configuration on Instance5 range over about 10% (1148-1241 above):
differences below that on one run are noise.

## Targets

Not all met. All rows and the open-ends column were measured on 2026-11-29, one run each,
on a quiet 2-core machine (21-24 at 600 s); the plain column is from the previous session
(the same plain model). Instances 13 and 20 were run again last, to record
the cost by rule.

- **Instances 1-10, best known at 60 s:** under the README's rules the engine proves 607, 833
  and 1005 optimal on Instances 1-3 (in 0.2, 1.3 and 3.1 s); the best known 828 and 1001 of
  Instances 2 and 3 are infeasible there (see below), and so is Instance6's 1950: the engine's
  bound under those rules is 1951. With open ends it reaches the best known
  on Instances 1, 2, 3, 4 and 6 (607, 828, 1001, 1716, 1950; 1-3 proven optimal) and ends
  within 3% on the others: Instance5 1148 (+0.4%), 7 1069 (+1.2%), 8 1338 (+2.9%), 9 442
  (+0.7%), 10 4640 (+0.2%). Under the README's rules: 4 1719, 5 1146, 6 2045, 7 1070, 8 1439,
  9 445, 10 4646.
- **Instances 11-20, within 2%:** met on Instance11 (3445 against 3443); Instance14 +3.0%,
  16 +9.9%, 17 +18.6%, 18 +23.6%, 12 +25.1%, 15 +42.8%, 19 +64.8%, 20 +79.1%, 13 +164.5%.
- **Instances 21-24, within 10% at 600 s:** met on Instance21 (22188 against 21133, +5.0%;
  the previous session had 32919 at 240 s); not on 22 (50061, +65.5%), 23 (42902, +146%) and
  24 (205019, +383%), each down from 173180, 115229 and 508856. All four lawful (verified by
  the evaluator) and still improving at the end.
- **Beat the plain model on every instance:** better on Instances 4-19 (Instance5 1146 against
  1249, Instance13 3565 against 7232); equal on 1 (both optimal); equal objective on 2 and 3,
  where the engine proves its 833 and 1005 optimal in seconds and the plain model does not
  (bound 211 and 300 after 60 s); the plain model has no roster at all on 20-24.

## Why the gaps remain

- *The rule at the ends of the horizon.* The README says a run of shifts touching either end
  must still reach the minimum run; the published best values were found with such runs
  allowed to be short. Under the README's rule CP-SAT proves 833 (Instance2) and 1005
  (Instance3) optimal, so 828 and 1001 cannot be reached; with open ends the engine reaches
  them, and 1716 and 1950 on Instances 4 and 6. The table keeps the README's rules as the
  benchmark and shows open ends beside them, rather than choose between the two.
- *Weak bounds, big instances.* The compact model's LP relaxation is weak (bound 1 on Instance5
  with CP-SAT's default workers); the `max_lp` worker lifts it (854-1951 on Instances 4-11,
  within 1% on 10 and 11), but on instances with many shift types or people (12, 13, 17-20) it
  does not finish a root LP in 60 s and the bound stays near 0. Search is then guided by the
  neighbourhoods alone.
- *Instances 13 and 19-24* start far away: the whole search on Instance13 (120 people, 18 shift
  types) and the person-by-person start on 20-24 leave hundreds of units of under-cover (weight
  100), mended a few shifts per neighbourhood step; every run was still improving at the end.
  The table's runs, cost by rule (`cost_by_rule` in nrp.json): Instance13 3565, of which 2900
  is 29 shifts short (the best known, 1348 in all, has at most 13), 659 for 320 unmet
  on-requests, 6 over-cover; Instance20 8543: 70 shifts short (7000), 757 over-cover, 772 for
  397 unmet on-requests, 14 for 9 met off-requests.
  The published values come from branch-and-price and long runs; a pattern (column-generation)
  formulation, whose LP bound is strong, is what this engine does not have.
"""


def markdown(results: dict[str, object]) -> str:
    best = nrp.best_known()
    runs = results["instances"]
    assert isinstance(runs, dict)
    info = results["machine"]
    assert isinstance(info, dict)
    lines = [
        "# Curtois & Qu benchmark (regiozorg roster engine)",
        "",
        f"Machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']}, "
        f"OR-Tools {info['ortools']}. Generated by `benchmarks/nrp.py`; "
        "every roster re-scored by the independent evaluator.",
        "",
        "| Instance | Best known | Engine | Gap | Bound | Seconds | Plain model | Plain gap "
        "| Open ends | Open-ends gap |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(runs, key=lambda n: int(n.removeprefix("Instance"))):
        row = runs[name]
        engine, plain = row.get("engine", {}), row.get("baseline", {})
        ends = row.get("engine_open_ends", {})
        lines.append(
            f"| {name} | {best[name]} | {engine.get('objective', '-')} "
            f"| {gap(engine.get('objective'), best[name])} | {engine.get('best_bound', '-')} "
            f"| {engine.get('seconds', '-')} (limit {engine.get('limit', '-')}) "
            f"| {plain.get('objective', '-')} | {gap(plain.get('objective'), best[name])} "
            f"| {ends.get('objective', '-')} | {gap(ends.get('objective'), best[name])} |"
        )
    return "\n".join(lines) + "\n" + NOTES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", default="1-24")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", action="store_true", help="also run the plain model")
    parser.add_argument(
        "--open-ends",
        action="store_true",
        help="run the engine with open ends instead (Problem.open_ends), as its own column",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "nrp.json")
    parser.add_argument(
        "--markdown-only", action="store_true", help="only rewrite the table from the JSON"
    )
    args = parser.parse_args()
    results: dict[str, object]
    if args.markdown_only:
        results = json.loads(args.output.read_text(encoding="utf-8"))
        args.output.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
        return

    results = {"instances": {}}
    if args.output.exists():
        results = json.loads(args.output.read_text(encoding="utf-8"))
    results["machine"] = machine()
    runs = results["instances"]
    assert isinstance(runs, dict)
    for number in instance_numbers(args.instances):
        name = f"Instance{number}"
        row = runs.setdefault(name, {})
        if args.open_ends:
            row["engine_open_ends"] = run_one(
                name, args.seconds, args.workers, plain=False, open_ends=True
            )
        else:
            row["engine"] = run_one(name, args.seconds, args.workers, plain=False)
        if args.baseline:
            row["baseline"] = run_one(name, args.seconds, args.workers, plain=True)
        row["updated"] = datetime.now(UTC).isoformat(timespec="seconds")
        print(name, json.dumps(row), flush=True)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        args.output.with_suffix(".md").write_text(markdown(results), encoding="utf-8")


if __name__ == "__main__":
    main()
