"""Start a chart thread or resume a paused one, and say how it ended.

Every edge (CLI, webhook worker, Action) runs the graph through these two functions, so the rules
live in one place: requests are redacted before they enter the state, a resume is only sent to a
thread that is actually waiting, and the outcome is read from the checkpoint, not from the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, RunnableConfig

from bot.graph.state import RECURSION_LIMIT, ChartState, Decision, Settings
from bot.tools.requirements import redact_secrets

Status = Literal["done", "waiting", "clarify", "refused", "rejected"]
# (event, node, payload): event is "start" when a node begins and "end" when it hands off.
Progress = Callable[[str, str, dict[str, Any]], None]


class NotWaiting(RuntimeError):
    """A decision was sent to a thread that has no pending question."""


@dataclass(frozen=True)
class RunOutcome:
    thread_id: str
    status: Status
    state: dict[str, Any]
    review: dict[str, Any] | None = None
    redactions: int = 0
    notes: list[str] = field(default_factory=list)


Graph = CompiledStateGraph[ChartState, None, ChartState, ChartState]


def config_for(thread_id: str) -> RunnableConfig:
    """Return the run config for a thread, with the recursion limit that backs the budgets."""
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": RECURSION_LIMIT}


def start(
    graph: Graph,
    thread_id: str,
    request: str,
    settings: Settings,
    progress: Progress | None = None,
) -> RunOutcome:
    """Run a new thread on ``request`` until it finishes or waits for a human."""
    redacted, count = redact_secrets(request)
    initial: ChartState = {
        "request": redacted,
        "thread_id": thread_id,
        "settings": settings,
        "status": "running",
    }
    _drive(graph, initial, thread_id, progress)
    return outcome(graph, thread_id, redactions=count)


def resume(
    graph: Graph, thread_id: str, decision: Decision, progress: Progress | None = None
) -> RunOutcome:
    """Answer a waiting thread's question and run it on from its checkpoint."""
    if pending_review(graph, thread_id) is None:
        raise NotWaiting(f"thread {thread_id!r} is not waiting for a decision")
    _drive(graph, Command(resume=decision.model_dump()), thread_id, progress)
    return outcome(graph, thread_id)


def proceed(graph: Graph, thread_id: str, progress: Progress | None = None) -> RunOutcome:
    """Run a thread on from its last checkpoint if a crash stopped it between nodes.

    A thread that finished or waits for a human is left as it is; either way the outcome is
    read back, so a job taken over from a dead worker picks up where that worker stopped.
    """
    snapshot = graph.get_state(config_for(thread_id))
    if not snapshot.created_at:
        raise KeyError(f"no thread {thread_id!r}")
    if snapshot.next and not snapshot.interrupts:
        _drive(graph, None, thread_id, progress)
    return outcome(graph, thread_id)


def exists(graph: Graph, thread_id: str) -> bool:
    """Tell whether a thread has any checkpoint."""
    return bool(graph.get_state(config_for(thread_id)).created_at)


def pending_review(graph: Graph, thread_id: str) -> dict[str, Any] | None:
    """Return the question a thread is waiting on, or None."""
    snapshot = graph.get_state(config_for(thread_id))
    for pending in snapshot.interrupts:
        value = pending.value
        if isinstance(value, dict):
            return value
    return None


def outcome(graph: Graph, thread_id: str, redactions: int = 0) -> RunOutcome:
    """Read how a thread stands from its latest checkpoint."""
    snapshot = graph.get_state(config_for(thread_id))
    if not snapshot.created_at:
        raise KeyError(f"no thread {thread_id!r}")
    state = dict(snapshot.values)
    review = pending_review(graph, thread_id)
    status: Status = "waiting" if review else state.get("status", "done")
    return RunOutcome(thread_id, status, state, review, redactions)


def _drive(graph: Graph, payload: Any, thread_id: str, progress: Progress | None) -> None:
    """Stream the graph to its next stop, reporting each node's start and hand-off."""
    for mode, chunk in graph.stream(
        payload, config_for(thread_id), stream_mode=["tasks", "updates"]
    ):
        if progress is None:
            continue
        if mode == "tasks" and "result" not in chunk:
            progress("start", chunk["name"], {})
        elif mode == "updates":
            for node, update in chunk.items():
                if node != "__interrupt__" and isinstance(update, dict):
                    progress("end", node, update)
