"""Template: write the chart from the plan, replaying every fix, edit and added file so far.

A fresh plan is tailored (by a model, under the LLM policy); a re-render after a gate sent the
chart back only replays what was accepted, minus any added file the gate's findings point at: a
customisation that fails a gate is dropped rather than allowed to hold the chart back.
"""

from __future__ import annotations

import time

from langgraph.types import Command

from bot.graph.nodes._common import handoff, settings_of, toolbox
from bot.graph.state import ChartState
from bot.policy.base import Policy
from bot.tools.models import Plan, ValueChange


def template(state: ChartState, *, policy: Policy) -> Command[str]:
    """Assemble the chart files and send them to the validator."""
    started, box = time.perf_counter(), toolbox("template", state)
    changes = [ValueChange.model_validate(c) for c in state.get("value_changes") or []]
    named = {f.get("file") for f in state.get("feedback") or []}
    kept = {p: c for p, c in (state.get("extra_files") or {}).items() if p not in named}
    dropped = sorted(set(state.get("extra_files") or {}) - set(kept))
    history = state.get("history") or []
    made = policy.template(
        box,
        Plan.model_validate(state["plan"]),
        changes,
        kept,
        request=state["request"],
        tailor=bool(history) and history[-1].get("agent") == "planner",
        kube_versions=settings_of(state)["kube_versions"],
    )
    added = made.changes[len(changes) :]
    summary = f"{len(made.draft.files)} files, {len(changes)} values edit(s) replayed"
    if added or made.files != kept:
        summary += f", {len(added)} edit(s) and {len(set(made.files) - set(kept))} file(s) added"
    if dropped:
        summary += f"; dropped {', '.join(dropped)} (failed a gate)"
    return handoff(
        "template",
        started,
        box,
        "validator",
        summary,
        {
            "draft": made.draft.model_dump(mode="json"),
            "value_changes": [c.model_dump(mode="json") for c in added],
            "extra_files": made.files,
            "feedback": [],
        },
    )
