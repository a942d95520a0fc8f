"""What a person sees at the terminal: progress per agent, questions, and the final summary."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from bot.graph.state import Decision

_ACTIONS = {"a": "approve", "r": "reject", "e": "edit", "t": "retry"}


class Progress:
    """Print one line when an agent starts and one when it hands off, with its time."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started: dict[str, float] = {}

    def __call__(self, event: str, node: str, update: dict[str, Any]) -> None:
        if event == "start":
            self.started[node] = time.perf_counter()
            if node != "human_review":
                print(f"  → {node} …", file=self.stream, flush=True)
            return
        for entry in update.get("history") or []:
            goto = entry["goto"] if entry["goto"] != "__end__" else "end"
            print(
                f"  ✓ {node:<12} {entry['seconds']:6.2f}s  {entry['summary']}  [→ {goto}]",
                file=self.stream,
                flush=True,
            )


def say(args: argparse.Namespace, message: str) -> None:
    """Print a progress note on stderr unless --quiet."""
    if not args.quiet:
        print(f"helm-bot: {message}", file=sys.stderr, flush=True)


def describe_review(review: dict[str, Any]) -> list[str]:
    """Return the lines that explain a pending decision."""
    lines = [f"Decision needed ({review['kind']}, from the {review['agent']}):", review["question"]]
    lines += [f"  - {d}" for d in review.get("details", [])]
    lines += ["Options:"] + [f"  {o['action']:<8} {o['label']}" for o in review["options"]]
    return lines


def ask(review: dict[str, Any], stdin: TextIO, stderr: TextIO) -> Decision:
    """Ask at the terminal until the answer is one of the review's options."""
    allowed = {o["action"] for o in review["options"]}
    print("\n".join(describe_review(review)), file=stderr)
    while True:
        print(f"Your choice [{'/'.join(sorted(allowed))}]: ", end="", file=stderr, flush=True)
        line = stdin.readline()
        if not line:
            raise KeyboardInterrupt
        answer = line.strip().lower()
        action = _ACTIONS.get(answer, answer)
        if action not in allowed:
            print(f"Please answer one of: {', '.join(sorted(allowed))}", file=stderr)
            continue
        instructions = ""
        if action == "edit":
            print("Instructions: ", end="", file=stderr, flush=True)
            instructions = stdin.readline().strip()
        return Decision(action=action, instructions=instructions, by="terminal")  # type: ignore[arg-type]


def print_summary(payload: dict[str, Any], out: TextIO) -> None:
    """Print what was built, the gates' verdicts, the cost and what to do next."""
    status = payload["status"]
    if status == "waiting":
        print("\n".join(describe_review(payload["review"])), file=out)
        print(f"\nThread {payload['thread_id']} is waiting. Answer with:", file=out)
        print(f"  {payload['resume']}", file=out)
        return
    if status == "clarify":
        print("The request needs clarification before a chart can be generated:", file=out)
        print("\n".join(f"  - {q}" for q in payload["clarifications"]), file=out)
        return
    if status == "refused":
        print("The security gate refused this request:", file=out)
        print("\n".join(f"  - {r}" for r in payload["refused"]), file=out)
        return
    if status == "rejected":
        print(f"Thread {payload['thread_id']} was rejected; no chart was published.", file=out)
        return
    verdict = "passed every gate" if payload["passed"] else "DID NOT PASS every gate"
    print(f"Chart {payload['chart']} {verdict}.", file=out)
    print(f"  package:    {payload['package']}", file=out)
    print(f"  report:     {payload['report']}", file=out)
    validation = payload["validation"]
    checks = ", ".join(f"{k} {v}" for k, v in sorted(validation.get("checks", {}).items()))
    print(f"  validation: {checks}", file=out)
    counts = payload["security"]["by_severity"]
    print(
        "  security:   " + ", ".join(f"{n} {s}" for s, n in counts.items()) + " open finding(s)",
        file=out,
    )
    for env, cost in payload["cost"].get("environments", {}).items():
        print(
            f"  cost {env:<7} ${cost['monthly_usd_min']:.2f}–${cost['monthly_usd_max']:.2f}/month",
            file=out,
        )
    total = sum(payload["timings"].values())
    print(f"  time:       {total:.2f}s over {len(payload['timings'])} agents", file=out)
