"""Benchmark: generate a chart for every request in the fixture corpus and print where time goes.

Run: ``.venv/bin/python bench/generate.py [--rounds N] [--no-trivy] [--warm]``

For each request the whole graph runs in-process (SQLite checkpoints in a scratch directory,
every human decision approved). Printed: median and p90 wall time per chart and per agent, and the
share of time spent inside Helm (lint, render/dry run, package), Kubernetes schema validation and
Trivy, against the rest — the orchestration overhead of the graph, the checkpoints and our own
Python. The tool times come from the tool boxes' own records in each thread's history.

Then the fidelity corpus (``tests/fixtures/fidelity``, skip with ``--no-fidelity``): each request
is generated and its stated facts are looked for in the rendered chart (``tests/fidelity.py``);
printed: the share of facts found over the corpus and per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.graph.build import build_graph  # noqa: E402
from bot.graph.state import Decision  # noqa: E402
from bot.jobs.runner import resume, start  # noqa: E402
from bot.store import open_checkpointer  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "requests"
FIDELITY = ROOT / "tests" / "fixtures" / "fidelity"
# Which tool's time counts as which external component.
# Trivy runs in the background from the first validator tool on; the secret scan is the tool
# that waits for it, so its time is Trivy's time on the critical path.
BUCKETS = {
    "helm": {"run_helm_lint", "run_dry_run_validation", "package_chart"},
    "schemas": {"validate_with_kubeconform"},
    "trivy": {"trivy_scan_templates", "detect_hardcoded_secrets"},
}


def percentile(values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) by linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def chart_requests() -> list[Path]:
    """Return the corpus files whose expected outcome is a chart."""
    expected = yaml.safe_load((CORPUS / "expected.yaml").read_text())
    return [CORPUS / name for name, facts in expected.items() if facts.get("outcome") == "chart"]


def generate(
    graph: Any, thread_id: str, request: str, out_dir: str
) -> tuple[float, dict[str, Any]]:
    """Run one request to the end, approving every question; return wall time and state."""
    started = time.perf_counter()
    outcome = start(graph, thread_id, request, {"out_dir": out_dir})
    for _ in range(3):
        if outcome.status != "waiting":
            break
        outcome = resume(graph, thread_id, Decision(action="approve", by="bench"))
    return time.perf_counter() - started, outcome.state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="passes over the corpus")
    parser.add_argument("--no-trivy", action="store_true", help="run without Trivy")
    parser.add_argument("--verbose", action="store_true", help="print each request's time")
    parser.add_argument("--no-fidelity", action="store_true", help="skip the fact score")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="reuse Trivy results cached by earlier runs (by default every chart is scanned, "
        "as a new request's chart is)",
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="helm-bot-bench-"))
    if args.no_trivy:
        os.environ["TRIVY"] = str(scratch / "no-trivy")
    elif not args.warm:
        os.environ["HELM_BOT_TRIVY_CACHE"] = str(scratch / "trivy-cache")

    walls: list[float] = []
    per_agent: dict[str, list[float]] = {}
    buckets = {name: 0.0 for name in (*BUCKETS, "other tools")}
    failures: list[str] = []
    with open_checkpointer(f"sqlite:///{scratch / 'bench.sqlite'}") as saver:
        graph = build_graph(saver)
        # One warm-up run, so imports and the first schema loads are not counted.
        generate(graph, "warm-up", chart_requests()[0].read_text(), str(scratch / "warm"))
        for round_no in range(args.rounds):
            for path in chart_requests():
                wall, state = generate(
                    graph, f"{path.stem}-{round_no}", path.read_text(), str(scratch / "out")
                )
                walls.append(wall)
                if args.verbose:
                    route = " ".join(h["agent"][:3] for h in state.get("history") or [])
                    print(f"  {wall:6.2f}s  {path.name:<34} {route}")
                if not (state.get("result") or {}).get("passed"):
                    failures.append(f"{path.name}: {state.get('status')}")
                for agent, seconds in (state.get("timings") or {}).items():
                    per_agent.setdefault(agent, []).append(seconds)
                for entry in state.get("history") or []:
                    for call in entry["tools"]:
                        bucket = next(
                            (b for b, tools in BUCKETS.items() if call["tool"] in tools),
                            "other tools",
                        )
                        buckets[bucket] += call["seconds"]

    total = sum(walls)
    print(f"charts: {len(walls)} ({len(chart_requests())} requests x {args.rounds} rounds)")
    print(
        f"wall per chart: median {statistics.median(walls):.3f}s  p90 {percentile(walls, 0.9):.3f}s"
        f"  max {max(walls):.3f}s"
    )
    print("per agent (seconds):   median     p90")
    for agent, seconds in per_agent.items():
        print(f"  {agent:<14} {statistics.median(seconds):9.3f} {percentile(seconds, 0.9):7.3f}")
    print("share of total wall time:")
    for bucket, seconds in buckets.items():
        print(f"  {bucket:<14} {seconds:8.2f}s  {100 * seconds / total:5.1f}%")
    overhead = total - sum(buckets.values())
    print(
        f"  {'orchestration':<14} {overhead:8.2f}s  {100 * overhead / total:5.1f}%"
        "  (graph, checkpoints, scratch files: wall time outside any tool)"
    )
    if failures:
        print("did not pass:", *failures, sep="\n  ")
    if not args.no_fidelity:
        fidelity_score(scratch, args.verbose)


def fidelity_score(scratch: Path, verbose: bool) -> None:
    """Generate each fidelity request and print the share of its stated facts in the chart."""
    from tests import fidelity

    requests = sorted(
        p
        for p in FIDELITY.iterdir()
        if p.suffix in (".md", ".txt", ".yaml")
        and not p.name.endswith(".facts.yaml")
        and p.name != "README.md"
    )
    found = total = 0
    walls: list[float] = []
    with open_checkpointer(f"sqlite:///{scratch / 'fidelity.sqlite'}") as saver:
        graph = build_graph(saver)
        for path in requests:
            facts = yaml.safe_load((FIDELITY / f"{path.stem}.facts.yaml").read_text()) or {}
            wall, state = generate(graph, path.stem, path.read_text(), str(scratch / "fid"))
            walls.append(wall)
            chart = (state.get("result") or {}).get("chart")
            held, _ = fidelity.score(facts, Path(chart)) if chart else ({}, [])
            count = len(held) if chart else len(list(fidelity.check(facts, [])))
            found, total = found + sum(held.values()), total + count
            if verbose:
                print(f"  {path.stem:<32} {sum(held.values())}/{count}  {wall:.2f}s")
    print(
        f"fidelity: {found}/{total} stated facts in the rendered charts = {found / total:.1%} "
        f"over {len(requests)} requests; median {statistics.median(walls):.2f}s per chart"
    )


if __name__ == "__main__":
    main()
