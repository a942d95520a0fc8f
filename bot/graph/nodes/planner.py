"""Planner: turn requirements into an architecture, sizes, scaling and dependencies."""

from __future__ import annotations

import time

from langgraph.types import Command

from bot.graph.nodes._common import handoff, toolbox
from bot.graph.state import ChartState
from bot.policy.base import Policy
from bot.tools.models import Requirements


def planner(state: ChartState, *, policy: Policy) -> Command[str]:
    """Plan the chart and hand it to the template agent."""
    started, box = time.perf_counter(), toolbox("planner", state)
    plan = policy.plan(box, Requirements.model_validate(state["requirements"]), state["request"])
    kinds = ", ".join(r.kind for r in plan.architecture.resources)
    summary = f"{plan.architecture.workload} with {kinds}"
    return handoff(
        "planner", started, box, "template", summary, {"plan": plan.model_dump(mode="json")}
    )
