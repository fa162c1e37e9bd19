"""`regiozorg roster ...`: the rostering engine from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress as ProgressBar
from rich.progress import TextColumn, TimeElapsedColumn
from rich.table import Table

from regiozorg.config import get_settings
from regiozorg.roster import nrp as nrp_format
from regiozorg.roster.labels import say_explanation
from regiozorg.roster.problem import Problem
from regiozorg.roster.solver import Limits, Progress, Solution, solve

roster_app = typer.Typer(help="Rostering engine: solve shift-rostering problems and benchmarks.")


@roster_app.callback()
def roster() -> None:
    """Rostering engine: solve shift-rostering problems and benchmarks."""
    # A callback keeps `nrp` a subcommand even while it is the only one.


def solution_json(problem: Problem, solution: Solution) -> dict[str, object]:
    assignments = solution.roster.assignments if solution.roster else {}
    return {
        "instance": problem.name,
        "objective": solution.objective,
        "best_bound": solution.best_bound,
        "status": solution.status,
        "seconds": round(solution.seconds, 2),
        "assignments": {who: list(days) for who, days in assignments.items()},
    }


def _roster_table(problem: Problem, solution: Solution) -> Table:
    table = Table(title=f"{problem.name}: roster", show_lines=False)
    table.add_column("staff")
    for day in range(problem.days):
        table.add_column(problem.day_label(day).replace(" ", "\n"), justify="center")
    if solution.roster:
        for who, days in solution.roster.assignments.items():
            table.add_row(who, *(shift or "·" for shift in days))
    return table


def show(console: Console, problem: Problem, solution: Solution, locale: str = "en") -> None:
    """The roster and its costs, or why there is none (in `locale`), and the search's figures."""
    if solution.roster is not None:
        if problem.days <= 56:
            console.print(_roster_table(problem, solution))
        else:
            for who, days in solution.roster.assignments.items():
                console.print(f"{who:>6} " + " ".join(shift or "·" for shift in days))
        console.print("Cost breakdown:")
        for line in sorted(solution.cost_lines, key=lambda line: -line.cost):
            console.print(f"  {line.describe()}")
    if solution.explanation is not None:
        for reason in say_explanation(locale, problem, solution.explanation):
            console.print(reason)
    console.print(
        f"status {solution.status}, objective {solution.objective}, "
        f"bound {solution.best_bound}, {solution.seconds:.1f} s"
    )


@roster_app.command()
def nrp(
    instance: Annotated[str, typer.Argument(help="A name like Instance2, or a file path.")],
    seconds: Annotated[float, typer.Option(help="Time limit in seconds.")] = 60.0,
    workers: Annotated[int, typer.Option(help="CP-SAT worker threads.")] = 2,
    work: Annotated[
        float | None,
        typer.Option(
            help="A budget of CP-SAT's deterministic time instead of --seconds, in one thread: "
            "the same roster on any machine."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plain: Annotated[bool, typer.Option(help="The plain baseline model only.")] = False,
    open_ends: Annotated[
        bool,
        typer.Option(help="Runs of shifts touching either end of the horizon may be short."),
    ] = False,
    locale: Annotated[
        str | None,
        typer.Option(help="Language of the explanations (nl, en); default the app's language."),
    ] = None,
) -> None:
    """Solve a Curtois & Qu benchmark instance."""
    try:
        problem = nrp_format.load(instance, open_ends=open_ends)
    except (FileNotFoundError, nrp_format.NrpFormatError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    limits = Limits(seconds=seconds, workers=workers, plain=plain, work=work)
    if as_json:
        solution = solve(problem, limits)
        typer.echo(json.dumps(solution_json(problem, solution)))
        return
    console = Console()
    with ProgressBar(
        TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task(f"{problem.name}: searching", total=None)

        def report(progress: Progress) -> None:
            bar.update(
                task,
                description=f"{problem.name}: best {progress.objective}, "
                f"bound {progress.best_bound}",
            )

        solution = solve(problem, limits, on_progress=report)
    show(console, problem, solution, locale or get_settings().default_locale)
