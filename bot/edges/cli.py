"""``helm-bot`` on the command line: generate a chart locally, answer a paused thread.

Wiring only: arguments in, runner calls, progress on stderr, one result on stdout. The exit codes
are a contract other tools script against: 0 chart produced and passed every gate; 2 no chart
because of the input or a human's decision (clarification needed, refused, rejected), explained;
3 waiting for a human decision; 1 internal failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.edges import console
from bot.edges.supervise import DEFAULT_WORKER_NICE
from bot.graph.build import build_graph
from bot.graph.state import Decision
from bot.jobs.runner import Graph, NotWaiting, RunOutcome, pending_review, resume, start
from bot.llm.settings import BadSetting
from bot.llm.usage import summarize
from bot.policy.choose import choose_policy
from bot.store import UnsupportedDatabase, open_checkpointer

EXIT_OK, EXIT_FAILURE, EXIT_INPUT, EXIT_WAITING = 0, 1, 2, 3
# --yes answers at most this many questions in one run, so an approval cannot loop for ever.
MAX_AUTO_APPROVALS = 3


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(
        prog="helm-bot", description="Turn a service description into a validated Helm chart."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="generate a chart from a description")
    gen.add_argument("text", nargs="?", help="the request, in plain words")
    gen.add_argument(
        "--request-file", metavar="FILE", help="read the request from FILE (- = stdin)"
    )
    gen.add_argument("--out", default="charts", help="directory for the chart (default: charts)")
    gen.add_argument("--thread-id", help="thread id to use (default: a new local-... id)")
    gen.add_argument(
        "--kube-version",
        action="append",
        dest="kube_versions",
        metavar="X.Y",
        help="Kubernetes version to validate against (repeatable; default 1.29 and 1.34)",
    )
    gen.add_argument(
        "--pin-digests",
        action="store_true",
        help="look up each image tag's digest in its registry and pin it (needs the network; "
        "an image that cannot be looked up keeps its tag, and the report says why)",
    )
    gen.add_argument(
        "--allow",
        action="append",
        dest="allowed",
        default=[],
        metavar="POWER",
        help="an elevated power the security gate may grant, as a refusal names it "
        "('hostPath /var/lib/vector', 'capability NET_ADMIN', 'hostNetwork'; repeatable)",
    )
    _common_flags(gen)

    res = sub.add_parser("resume", help="answer a thread that waits for a human decision")
    res.add_argument("thread_id")
    answer = res.add_mutually_exclusive_group(required=True)
    answer.add_argument("--approve", action="store_true", help="approve the pending decision")
    answer.add_argument("--reject", action="store_true", help="reject it")
    answer.add_argument("--retry", action="store_true", help="try the failed step again")
    answer.add_argument("--edit", metavar="INSTRUCTIONS", help="change the request, then go on")
    _common_flags(res)

    srv = sub.add_parser("serve", help="run the GitHub App: webhook server and workers")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on")
    srv.add_argument("--port", type=int, default=8080, help="port to listen on")
    srv.add_argument(
        "--workers",
        type=_count,
        default=2,
        help="worker threads, in a child process the server restarts if it dies (default 2; "
        "0: none here, run helm-bot worker elsewhere)",
    )
    srv.add_argument(
        "--worker-nice",
        type=_count,
        default=DEFAULT_WORKER_NICE,
        help="CPU niceness of the worker process, so that webhooks are answered first "
        f"(default {DEFAULT_WORKER_NICE})",
    )
    wrk = sub.add_parser("worker", help="run only workers, on the same database as a server")
    wrk.add_argument("--workers", type=_count, default=2, help="worker threads (default 2)")
    wrk.add_argument("--nice", type=_count, default=0, help="lower this process's CPU priority")
    wrk.add_argument(
        "--parent", type=int, metavar="PID", help="stop when process PID is gone (serve sets it)"
    )
    return parser


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _common_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--yes", action="store_true", help="approve every pending decision")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument(
        "--llm",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="let a model drive the agents (default: when OPENAI_API_KEY or OPENAI_BASE_URL "
        "is set); --no-llm forces the deterministic policy",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    if args.command in ("serve", "worker"):
        return _serve(args)
    settings = Settings.from_env()
    try:
        policy, note = choose_policy(args.llm)
    except BadSetting as exc:
        return _fail(args, EXIT_INPUT, str(exc))
    console.say(args, note)
    try:
        with open_checkpointer(settings.checkpoint_url) as saver:
            graph = build_graph(saver, policy)
            if args.command == "generate":
                return _generate(graph, args, settings)
            return _resume(graph, args)
    except UnsupportedDatabase as exc:
        return _fail(args, EXIT_INPUT, str(exc))
    except KeyboardInterrupt:
        return _fail(
            args, EXIT_FAILURE, "interrupted; the thread can be resumed from its checkpoint"
        )
    except Exception as exc:  # the contract: any internal failure is exit 1, explained
        if os.environ.get("HELM_BOT_DEBUG"):
            traceback.print_exc()
        return _fail(args, EXIT_FAILURE, f"internal error: {type(exc).__name__}: {exc}")


def _serve(args: argparse.Namespace) -> int:
    """Run the GitHub App's server or workers until interrupted."""
    import logging

    from bot.edges import serve
    from bot.github.app import NotConfigured

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        if args.command == "serve":
            serve.serve(args.host, args.port, args.workers, args.worker_nice)
        else:
            serve.work(args.workers, args.nice, args.parent)
    except (NotConfigured, UnsupportedDatabase, BadSetting) as exc:
        return _fail(args, EXIT_INPUT, str(exc))
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _generate(graph: Graph, args: argparse.Namespace, settings: Settings) -> int:
    request = _read_request(args)
    if not request.strip():
        return _fail(args, EXIT_INPUT, "no request given: pass TEXT or --request-file FILE")
    thread_id = args.thread_id or f"local-{uuid.uuid4().hex[:12]}"
    run_settings = {
        "out_dir": str(Path(args.out).resolve()),
        "kube_versions": args.kube_versions or list(settings.kube_versions),
        "pin_digests": args.pin_digests,
        "allowed_exceptions": list(args.allowed),
    }
    progress = None if args.quiet else console.Progress(sys.stderr)
    console.say(args, f"thread {thread_id}")
    result = start(graph, thread_id, request, run_settings, progress)  # type: ignore[arg-type]
    return _settle(graph, args, result, progress)


def _resume(graph: Graph, args: argparse.Namespace) -> int:
    action = "approve" if args.approve else "reject" if args.reject else "retry"
    decision = Decision(
        action="edit" if args.edit is not None else action,  # type: ignore[arg-type]
        instructions=args.edit or "",
        by="cli",
    )
    progress = None if args.quiet else console.Progress(sys.stderr)
    try:
        result = resume(graph, args.thread_id, decision, progress)
    except NotWaiting as exc:
        return _fail(args, EXIT_INPUT, str(exc))
    except KeyError as exc:
        return _fail(args, EXIT_INPUT, str(exc.args[0]))
    return _settle(graph, args, result, progress)


def _settle(graph: Graph, args: argparse.Namespace, result: RunOutcome, progress: Any) -> int:
    """Answer pending questions as the flags and the terminal allow, then report the outcome."""
    approvals = 0
    while result.status == "waiting" and result.review is not None:
        if args.yes and approvals < MAX_AUTO_APPROVALS:
            approvals += 1
            console.say(args, f"--yes: approving '{result.review['kind']}'")
            decision = Decision(action="approve", by="cli --yes")
        elif sys.stdin.isatty() and not args.json and not args.yes:
            decision = console.ask(result.review, sys.stdin, sys.stderr)
        else:
            break
        result = resume(graph, result.thread_id, decision, progress)
    payload = result_payload(result, pending_review(graph, result.thread_id))
    if args.json:
        print(json.dumps(payload, indent=2))
    else:
        console.print_summary(payload, sys.stdout)
    return _exit_code(payload)


def result_payload(result: RunOutcome, review: dict[str, Any] | None) -> dict[str, Any]:
    """Build the JSON object the CLI contract promises."""
    state = result.state
    out = state.get("result") or {}
    security = state.get("security") or {}
    findings = security.get("findings", [])
    by_severity = {s: 0 for s in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")}
    for f in findings:
        if not f.get("accepted"):
            by_severity[f["severity"]] += 1
    check = state.get("requirements_check") or {}
    return {
        "status": result.status,
        "thread_id": result.thread_id,
        "chart": out.get("chart"),
        "package": out.get("package"),
        "report": out.get("report_markdown"),
        "passed": bool(out.get("passed")),
        "validation": state.get("validation") or {},
        "security": {**security, "findings": findings, "by_severity": by_severity},
        "cost": state.get("cost") or {},
        "optimization": state.get("optimization") or {},
        "llm": summarize(state.get("llm")),
        "timings": {k: round(v, 4) for k, v in (state.get("timings") or {}).items()},
        "clarifications": check.get("clarifications_needed", [])
        + check.get("validation_errors", []),
        "refused": security.get("refused", []) if result.status == "refused" else [],
        "review": review,
        "resume": (
            f"helm-bot resume {result.thread_id} --approve | --reject | --edit '...'"
            if review
            else None
        ),
        "redactions": result.redactions,
    }


def _exit_code(payload: dict[str, Any]) -> int:
    status = payload["status"]
    if status == "waiting":
        return EXIT_WAITING
    if status in ("clarify", "refused", "rejected"):
        return EXIT_INPUT
    return EXIT_OK if payload["passed"] else EXIT_FAILURE


def _read_request(args: argparse.Namespace) -> str:
    if args.request_file == "-":
        return sys.stdin.read()
    if args.request_file:
        return Path(args.request_file).read_text(encoding="utf-8")
    return args.text or ""


def _fail(args: argparse.Namespace, code: int, message: str, out: TextIO = sys.stdout) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"status": "error", "error": message}), file=out)
    print(f"helm-bot: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
