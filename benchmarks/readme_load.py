"""README sections for the heartbeat and soak benchmarks, from benchmarks/results/heartbeats.json
and soak.json: ``.venv/bin/python -m benchmarks.readme_load`` writes them between
``<!-- heartbeats -->`` and ``<!-- soak -->`` markers (appended when missing), as
``benchmarks.readme`` does for the others. A quick (``--quick``) result says so in its line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS
from benchmarks.readme import README, _machine, replace


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


def main(readme: Path = README) -> None:
    text = readme.read_text()
    text = replace(text, "heartbeats", heartbeats_section())
    text = replace(text, "soak", soak_section())
    readme.write_text(text)
    print(f"updated {readme}")


if __name__ == "__main__":
    main()
