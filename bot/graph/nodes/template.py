"""Template: write the chart from the plan, replaying every fix and edit accepted so far."""

from __future__ import annotations

import time

from langgraph.types import Command

from bot.graph.nodes._common import handoff, toolbox
from bot.graph.state import ChartState
from bot.policy.base import Policy
from bot.tools.models import Plan, ValueChange


def template(state: ChartState, *, policy: Policy) -> Command[str]:
    """Assemble the chart files and send them to the validator."""
    started, box = time.perf_counter(), toolbox("template")
    changes = [ValueChange.model_validate(c) for c in state.get("value_changes") or []]
    draft = policy.template(box, Plan.model_validate(state["plan"]), changes)
    summary = f"{len(draft.files)} files, {len(changes)} values edit(s) replayed"
    return handoff(
        "template",
        started,
        box,
        "validator",
        summary,
        {"draft": draft.model_dump(mode="json"), "feedback": []},
    )
