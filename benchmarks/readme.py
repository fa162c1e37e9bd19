"""Writes the benchmark tables into README.md from benchmarks/results/, so every figure in the
README comes from a measured JSON file: ``.venv/bin/python -m benchmarks.readme``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS

README = Path(__file__).resolve().parents[1] / "README.md"


def _machine(result: dict[str, Any]) -> str:
    m = result["machine"]
    load = ", ".join(f"{x:.1f}" for x in m.get("load_average_at_start", []))
    return (
        f"{m['cores']} cores, {m['cpu']}, Python {m['python']}, {m['when']} (load average {load})"
    )


def beds_section() -> str:
    path = RESULTS / "beds.json"
    if not path.exists():
        return "_not measured yet: run `python -m benchmarks.beds`_"
    result = json.loads(path.read_text())
    lines = [
        f"Bed coordination on the national demo, measured by `benchmarks/beds.py` on "
        f"{_machine(result)}:",
        "",
        "| measure | SQLite | PostgreSQL | target |",
        "|---|---|---|---|",
    ]
    sqlite, postgres = result.get("sqlite", {}), result.get("postgresql", {})

    def cell(section: dict[str, Any], key: str, field: str) -> str:
        value = section.get(key, {}).get(field)
        return "-" if value is None else str(value)

    for label, field in (
        ("match latency p50 (ms)", "p50_ms"),
        ("match latency p95 (ms)", "p95_ms"),
    ):
        lines.append(
            f"| {label} | {cell(sqlite, 'match_latency', field)} | "
            f"{cell(postgres, 'match_latency', field)} | p95 ≤ 50 |"
        )
    runs = postgres.get("hold_release") or []
    for cycles in runs if isinstance(runs, list) else [runs]:
        lines.append(
            f"| hold-and-release cycles/s, {cycles['threads']} threads | - | "
            f"{cycles['cycles_per_second']} | ≥ 200 |"
        )
    lines.append("")
    for section_name, section in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        race = section.get("http_race")
        if race:
            lines.append(
                f"- Race over HTTP on {section_name}: {race['clients']} concurrent clients for "
                f"the last {race['free_beds']} free beds: {race['holds_succeeded']} holds, "
                f"{race['conflicts_409']} answered 409, status codes {race['status_codes']}; "
                f"overlapping occupations in the database afterwards: "
                f"{race['overlapping_pairs_in_database']} (target: exactly "
                f"{race['free_beds']} holds, no double booking)."
            )
    return "\n".join(lines)


def _busy(result: dict[str, Any]) -> str:
    """The 1-minute load average before each run: a busy machine lowers every figure."""
    loads = [
        run["load_average_before"][0]
        for key in ("ingest", "latency")
        for run in result.get(key, [])
        if "load_average_before" in run
    ]
    if not loads:
        return ""
    return f", 1-minute load average before the runs {min(loads):.1f} to {max(loads):.1f}"


def _retried(run: dict[str, Any]) -> str:
    retried = run.get("status_codes", {}).get("retried")
    return f"; {retried} posts retried after a dropped connection" if retried else ""


def _cpu(run: dict[str, Any]) -> str:
    cpu = run.get("cpu_ms_per_alarm")
    if not cpu:
        return ""
    return (
        f" (CPU ms per alarm: server {cpu['server']}, PostgreSQL {cpu['postgres']}, "
        f"client {cpu['client']})"
    )


def night_section() -> str:
    path = RESULTS / "night.json"
    if not path.exists():
        return "_not measured yet: run `python -m benchmarks.night`_"
    result = json.loads(path.read_text())
    lines = [
        f"Night service over HTTP against a real server process on PostgreSQL, measured by "
        f"`benchmarks/night.py` on {_machine(result)}{_busy(result)}; the load client shares "
        f"the cores"
        + (
            " (a `--quick` smoke run with small counts, not the measurement):"
            if result.get("quick")
            else ":"
        ),
        "",
        "| measure | uvicorn workers | clients | result | target |",
        "|---|---|---|---|---|",
    ]
    for run in result.get("ingest", []):
        lines.append(
            f"| alarms/s ingested ({run['alarms']} alarms, each stored once: "
            f"{'yes' if run['ok'] else 'NO'}{_retried(run)}) | {run['workers']} | "
            f"{run['clients']} | "
            f"{run['alarms_per_second']}{_cpu(run)} | ≥ 500 |"
        )
    for run in result.get("latency", []):
        lines.append(
            f"| POST to SSE event, p50 / p99 ms ({run['alarms']} alarms at "
            f"{run['rate_per_second']:g}/s, {run['missed']} missed) | {run['workers']} | "
            f"{run['subscribers']} subscribers | {run['p50_ms']} / {run['p99_ms']} | p99 ≤ 1000 |"
        )
    restart = result.get("restart")
    if restart:
        escalation = restart["escalation"]
        lines += [
            "",
            f"- Restart: {restart['alarms']} alarms posted with retries while the server was "
            f"killed (SIGKILL) {restart['kills']} times (no server process for "
            f"{restart['seconds_without_server']} s, then its start-up): "
            f"{restart['failed_attempts']} failed attempts retried, "
            f"{restart['answered_duplicate']} retries answered as duplicates; stored "
            f"{restart['stored']['messages']} messages and {restart['stored']['incidents']} "
            f"incidents, {restart['references_stored_twice']} references twice (target: every "
            f"alarm exactly once). {escalation['steps_due_while_down']} escalation steps fell "
            f"due while the server was down, {escalation['of_those_taken_after_restart']} "
            f"were taken after the restart; incidents without every step exactly once: "
            f"{escalation['incidents_without_every_step_exactly_once']}.",
        ]
    return "\n".join(lines)


def nrp_section() -> str:
    path = RESULTS / "nrp.md"
    return path.read_text().strip() if path.exists() else "_not measured yet_"


def replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name} -->\n).*?(\n<!-- /{name} -->)", re.DOTALL)
    if not pattern.search(text):
        return text.rstrip() + f"\n\n<!-- {name} -->\n{body}\n<!-- /{name} -->\n"
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> None:
    text = README.read_text()
    text = replace(text, "beds", beds_section())
    text = replace(text, "night", night_section())
    text = replace(text, "nrp", nrp_section())
    README.write_text(text)
    print(f"updated {README}")


if __name__ == "__main__":
    main()
