"""Benchmark: what LLM mode costs per chart — model calls, tokens, and time next to the engine's.

Run: ``.venv/bin/python bench/llm_calls.py [--rounds N] [--no-trivy] [--latency S]``

Every chart request of the fixture corpus runs three times through the whole graph: under the
deterministic policy; under the LLM policy with a well-behaved scripted model (it echoes the
parser's reading, makes no planner choice, sets one harmless value and explains every
optimization); and under the LLM policy with a model that answers garbage. The model is the
test suite's scripted endpoint, mocked at the HTTP layer, so the figures are the bot's own cost:
calls and tokens per agent, and wall time. ``--latency`` adds a fixed delay per model answer to
see how a slow endpoint adds up. Tokens are estimated as characters / 4 (there is no tokenizer
here), so read them as an order of magnitude. The garbage run must produce the same chart files
as the deterministic one; any difference is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import chart_requests, generate, percentile  # noqa: E402
from bot.graph.build import build_graph  # noqa: E402
from bot.llm.settings import LLMSettings  # noqa: E402
from bot.llm.usage import summarize  # noqa: E402
from bot.policy.deterministic import DeterministicPolicy  # noqa: E402
from bot.policy.llm import LLMPolicy  # noqa: E402
from bot.store import open_checkpointer  # noqa: E402
from tests.scripted_model import (  # noqa: E402
    BASE_URL,
    Reply,
    ScriptedModel,
    calls,
    computed,
    garbage,
    json_after,
    prompt_of,
    serve,
    text,
)


def _reading(body: dict[str, Any]) -> list[tuple[str, Any]]:
    sure = json_after("What the deterministic parser is sure of (JSON):", prompt_of(body))
    return [("Reading", {"requirements": sure, "clarifications": []})]


def _explanations(body: dict[str, Any]) -> list[tuple[str, Any]]:
    suggestions = json_after("The optimizer's suggestions (JSON):", prompt_of(body))
    return [
        ("explain", {"optimization_id": s["id"], "tradeoff": f"Trades cost for {s['category']}."})
        for s in suggestions
    ]


def slowed(reply: Reply, latency: float) -> Reply:
    """Delay an answer the way a remote model does."""

    def answer(body: dict[str, Any]) -> Any:
        time.sleep(latency)
        return reply(body)

    return answer


def helpful_model(latency: float) -> ScriptedModel:
    """A model that follows the prompts and changes little, so every agent makes one call."""
    model = ScriptedModel(fallback=slowed(text("DONE"), latency))
    model.script("coordinator", slowed(computed(_reading), latency))
    annotation = {"path": "podAnnotations", "value": {"example.com/team": "platform"}}
    model.script(
        "template",
        slowed(calls(("set_value", {**annotation, "reason": "team ownership"})), latency),
    )
    model.script("optimizer", slowed(computed(_explanations), latency))
    return model


def run_all(policy: Any, scratch: Path, tag: str, model: Any = None) -> list[dict[str, Any]]:
    """Generate every corpus chart under ``policy``; one record per request."""
    records = []
    with open_checkpointer(f"sqlite:///{scratch / f'{tag}.sqlite'}") as saver:
        graph = build_graph(saver, policy)
        for path in chart_requests():
            scripted = model() if model else ScriptedModel()
            with serve(scripted) if model else contextlib.nullcontext():
                wall, state = generate(
                    graph, f"{tag}-{path.stem}", path.read_text(), str(scratch / tag)
                )
            records.append(
                {
                    "name": path.name,
                    "wall": wall,
                    "passed": bool((state.get("result") or {}).get("passed")),
                    "files": dict((state.get("draft") or {}).get("files") or {}),
                    "usage": summarize(state.get("llm")),
                    "by_agent": scripted.by_agent(),
                    "requests": list(scripted.requests),
                }
            )
    return records


def tokens_by_agent(records: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Estimated prompt tokens per agent per chart (characters / 4 of the request body)."""
    per: dict[str, list[int]] = defaultdict(list)
    for record in records:
        chart: dict[str, int] = defaultdict(int)
        for agent, body in record["requests"]:
            chart[agent] += len(str(body.get("messages", ""))) // 4
        for agent, tokens in chart.items():
            per[agent].append(tokens)
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="passes over the corpus")
    parser.add_argument("--no-trivy", action="store_true", help="run without Trivy")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per model answer")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="helm-bot-bench-llm-"))
    if args.no_trivy:
        os.environ["TRIVY"] = str(scratch / "no-trivy")
    for name in [
        n for n in os.environ if n.startswith(("OPENAI_", "HELM_BOT_MODEL", "HELM_BOT_LLM"))
    ]:
        del os.environ[name]
    settings = LLMSettings(api_key="bench", base_url=BASE_URL)
    # Each fallback logs a warning, as it should in a server; here they are counted instead.
    logging.getLogger("bot").setLevel(logging.ERROR)

    # Warm-up, so imports and the first schema loads are not counted against the first policy.
    run_all(DeterministicPolicy(), scratch, "warm-up")
    det: list[dict[str, Any]] = []
    helpful: list[dict[str, Any]] = []
    broken: list[dict[str, Any]] = []
    for round_no in range(args.rounds):
        det += run_all(DeterministicPolicy(), scratch, f"det{round_no}")
        helpful += run_all(
            LLMPolicy(settings), scratch, f"llm{round_no}", lambda: helpful_model(args.latency)
        )
        broken += run_all(
            LLMPolicy(settings),
            scratch,
            f"bad{round_no}",
            lambda: ScriptedModel(fallback=slowed(garbage(), args.latency)),
        )

    def walls(records: list[dict[str, Any]]) -> str:
        w = [r["wall"] for r in records]
        return f"median {statistics.median(w):6.3f}s  p90 {percentile(w, 0.9):6.3f}s"

    print(f"charts per policy: {len(det)} ({len(chart_requests())} requests x {args.rounds})")
    print(f"model latency per answer: {args.latency:.3f}s (scripted endpoint)")
    print(f"  deterministic        {walls(det)}")
    print(f"  llm, helpful model   {walls(helpful)}")
    print(f"  llm, garbage model   {walls(broken)}")

    helpful_calls = [r["usage"].get("calls", 0) for r in helpful]
    print(
        f"model calls per chart (helpful): median {statistics.median(helpful_calls):.0f}"
        f"  max {max(helpful_calls)}"
    )
    print("per agent (helpful model):     calls/chart   est. prompt tokens/chart (chars/4)")
    per_tokens = tokens_by_agent(helpful)
    for agent in sorted(per_tokens):
        counts = [r["by_agent"].get(agent, 0) for r in helpful]
        print(
            f"  {agent:<14} {statistics.median(counts):>14.0f}"
            f"   median {statistics.median(per_tokens[agent]):7.0f}"
            f"  max {max(per_tokens[agent]):7.0f}"
        )
    spent = [r["usage"].get("tokens", 0) for r in helpful]
    print(f"tokens per chart as the endpoint reported them: median {statistics.median(spent):.0f}")

    sent = [len(r["requests"]) for r in broken]
    fallbacks = [len(r["usage"].get("fallbacks", [])) for r in broken]
    print(
        f"garbage model: HTTP requests per chart median {statistics.median(sent):.0f}"
        f" max {max(sent)}; agents fallen back per chart median {statistics.median(fallbacks):.0f}"
    )
    print("  (the circuit breaker opens after the first failures and spares later charts a call)")
    ratio = [b["wall"] / d["wall"] for b, d in zip(broken, det, strict=True)]
    print(
        f"garbage / deterministic wall time: median {statistics.median(ratio):.2f}x"
        f"  max {max(ratio):.2f}x"
    )
    differing = [b["name"] for b, d in zip(broken, det, strict=True) if b["files"] != d["files"]]
    failed = [r["name"] for r in det + helpful + broken if not r["passed"]]
    print("garbage model's charts identical to deterministic:", "yes" if not differing else "NO")
    for name in differing:
        print(f"  differs: {name}")
    if failed:
        print("did not pass:", *sorted(set(failed)), sep="\n  ")


if __name__ == "__main__":
    main()
