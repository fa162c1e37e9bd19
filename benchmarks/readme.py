"""Writes the benchmark tables into README.md from benchmarks/results/, so every figure in the
README comes from a measured JSON file: ``.venv/bin/python -m benchmarks.readme``."""

from __future__ import annotations

import json
import re
import statistics
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


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _quick(result: dict[str, Any]) -> str:
    return " **(quick smoke run, not a measurement)**" if result.get("quick") else ""


def heartbeats_section() -> str:
    result = _load("heartbeats")
    if result is None:
        return "_not measured yet: run `python -m benchmarks.heartbeats`_"
    lines = [
        f"Heartbeats over HTTP against a real server process on {result['database']}, measured "
        f"by `benchmarks/heartbeats.py` on {_machine(result)}{_quick(result)}:",
        "",
        "| protocol | clients | heartbeats/s | CPU ms per heartbeat (server, PostgreSQL) "
        "| p50 / p99 ms | errors | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in result.get("throughput", []):
        cpu = run["cpu_ms_per_heartbeat"]
        errors = sum(n for c, n in run["status_codes"].items() if c not in ("200", "202"))
        lines.append(
            f"| {run['protocol']} | {run['clients']} | {run['heartbeats_per_second']} "
            f"| {cpu['server']}, {cpu['postgres']} | {run['latency_p50_ms']} / "
            f"{run['latency_p99_ms']} | {errors} | ≥ 2000/s |"
        )
    storm = result.get("storm")
    if storm:
        alarms = storm["alarms"]
        lines += [
            "",
            f"- Storm: {storm['controllers']} controllers ({storm['already_down']} with their "
            f"link already down) reconnecting in {storm['window_seconds']:.0f} s over "
            f"{storm['clients']} connections took {storm['storm_seconds']} s; heartbeat latency "
            f"p50 {storm['latency_p50_ms']} ms, p99 {storm['latency_p99_ms']} ms; the last "
            f"answered {storm['answered_after_planned_max_s']} s after its planned moment; "
            f"status codes {storm['status_codes']}. False link failures: "
            f"{storm['false_link_failures']} (heartbeats answered after their deadline: "
            f"{storm['reconnects_answered_after_their_deadline']}, sent after it: "
            f"{storm['reconnects_sent_after_their_deadline']}); links restored "
            f"{storm['down_ones_restored']} of {storm['already_down']} (escalation steps taken "
            "after their link was restored: "
            f"{storm.get('escalation_steps_taken_after_the_link_was_restored', '-')}); silent "
            "controllers "
            f"with exactly one failure {storm['silent_ones_with_exactly_one_failure']} of "
            f"{storm['silent']}. Alarms posted during it: {alarms['alarms']}, stored exactly "
            f"once: {'yes' if alarms['exactly_once'] else 'NO'} (target: 10,000 in 60 s, "
            "no false link failure, no alarm lost or doubled).",
        ]
    return "\n".join(lines)


def soak_section() -> str:
    result = _load("soak")
    if result is None:
        return "_not measured yet: run `python -m benchmarks.soak`_"
    memory, alarms, holds = result["memory"], result["alarms"], result["holds"]
    requests = sum(sum(codes.values()) for codes in result["status_codes"].values())
    return "\n".join(
        [
            f"Soak of {result['load']['minutes']:g} minutes on {result['database']}, measured by "
            f"`benchmarks/soak.py` on {_machine(result)}{_quick(result)}:",
            "",
            f"- {requests} requests; unexpected status codes: "
            f"{result['unexpected_status'] or 'none'} (target: none, no 5xx, no transport "
            "error).",
            f"- Alarms: {alarms['alarms']} sent, {alarms['retries_sent']} retried; stored "
            f"exactly once: {'yes' if alarms['exactly_once'] else 'NO'}; retries answered as "
            f"the first: {alarms['answered_duplicate']}.",
            f"- Holds: {holds['holds']} ({holds['by_fate']}), end states {holds['by_state']}, "
            f"not as decided: {holds['not_as_decided_count']}; overlapping occupations: "
            f"{result['overlapping_occupations']}.",
            f"- Memory of the server after {memory['warmup_seconds']:g} s of warm-up: "
            f"{memory['start_mb']} MB, max {memory['max_mb']}, end {memory['end_mb']} "
            f"(growth {memory['growth_mb']} MB, slope {memory['slope_mb_per_hour']} MB/h; "
            f"bound {memory['bound_mb']:g} MB: {'met' if memory['flat'] else 'NOT met'}).",
            f"- Live streams: events received {result['stream_events']}, ended early "
            f"{result['streams_ended_early']}; link failures of heartbeating controllers: "
            f"{result['link_failures_of_heartbeating_controllers']}.",
        ]
    )


def board_section() -> str:
    result = _load("board")
    if result is None:
        return "_not measured yet: run `python -m benchmarks.board`_"
    targets = result["targets"]
    sqlite, postgres = result.get("sqlite", {}), result.get("postgresql", {})
    loads = [
        f"{name} {section['load_average_before'][0]:.1f}"
        for name, section in (("SQLite", sqlite), ("PostgreSQL", postgres))
        if section.get("load_average_before")
    ]
    lines = [
        f"The bed board on the national demo (2,510 locations, 122,094 beds), over HTTP against "
        f"a real server process (one uvicorn worker), measured by `benchmarks/board.py` on "
        f"{_machine(result)}; 1-minute load average before each run: {', '.join(loads)}:",
        "",
        "| page | SQLite p50 / p95 ms | PostgreSQL p50 / p95 ms | app process CPU ms per "
        "request, SQLite / PostgreSQL (PostgreSQL's own not counted) | size KiB | target |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("board_page", "board_fragment", "board_filtered", "board_other_place", "reports"):
        row = [section.get("pages", {}).get(name) for section in (sqlite, postgres)]
        known = next((r for r in row if r), None)
        if known is None:
            continue
        cells = [f"{r['p50_ms']} / {r['p95_ms']}" if r else "-" for r in row]
        target = (
            f"≤ {targets['reports_ms']} ms"
            if name == "reports"
            else f"≤ {targets['board_ms']} ms, ≤ {targets['board_kib']} KiB"
        )
        size = max(r["kib"] for r in row if r)
        cpu = " / ".join(str(r.get("cpu_ms_per_request", "-")) if r else "-" for r in row)
        lines.append(f"| `{known['path']}` | {cells[0]} | {cells[1]} | {cpu} | {size} | {target} |")
    counts = [section.get("count") for section in (sqlite, postgres)]
    if any(counts):

        def pair(count: dict[str, Any] | None, way: str) -> str:
            return f"{count[way]['p50_ms']} / {count[way]['p95_ms']}" if count else "-"

        same = all(count["same_answer"] for count in counts if count)
        for way, words in (
            ("counted_bed_by_bed", "the national count, bed by bed (as before migration 0009)"),
            ("read_from_the_tally", "the national count read from the kept tally (0009)"),
        ):
            lines.append(
                f"| {words}, in process | {pair(counts[0], way)} | {pair(counts[1], way)} | | | "
                f"same answer: {'yes' if same else 'NO'} |"
            )
    for name, section in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        fan = section.get("fanout")
        if not fan:
            continue
        rounds = fan["rounds"]
        boards = sorted(run["all_boards_ms"] for run in rounds)
        figure = (
            f"{fan['worst_all_events_ms']} / {boards[len(boards) // 2]} (worst "
            f"{fan['worst_all_boards_ms']})"
        )
        columns = f"{figure} | -" if name == "SQLite" else f"- | {figure}"
        cpu = statistics.median(run.get("server_cpu_ms", 0) for run in rounds)
        lines.append(
            f"| a bed status change reaching {rounds[0]['clients']} open boards "
            f"({len(rounds)} rounds): all events worst / all new boards median, ms | {columns} | "
            f"{cpu:g} app CPU per round ({name}) | | ≤ {targets['fanout_ms']} ms; every board "
            f"right: {'yes' if fan['every_board_right'] else 'NO'} |"
        )
    return "\n".join(lines)


def replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name} -->\n).*?(\n<!-- /{name} -->)", re.DOTALL)
    if not pattern.search(text):
        return text.rstrip() + f"\n\n<!-- {name} -->\n{body}\n<!-- /{name} -->\n"
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> None:
    text = README.read_text()
    text = replace(text, "beds", beds_section())
    text = replace(text, "board", board_section())
    text = replace(text, "night", night_section())
    text = replace(text, "heartbeats", heartbeats_section())
    text = replace(text, "soak", soak_section())
    text = replace(text, "nrp", nrp_section())
    README.write_text(text)
    print(f"updated {README}")


if __name__ == "__main__":
    main()
