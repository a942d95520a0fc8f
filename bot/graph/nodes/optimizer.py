"""Optimizer: tune the validated chart; big changes are revalidated, or shown to a human first.

A change is shown to a human when it overrides something the request stated (the replica range,
the resources) or when there are more major changes than a reviewer would expect unannounced.
Other major changes go straight back through the validator, within the loop's budget.
"""

from __future__ import annotations

import time

from langgraph.types import Command

from bot.graph.nodes._common import handoff, toolbox
from bot.graph.state import ChartState, Review, ReviewOption, attempts_after, budget_left
from bot.policy.base import Policy
from bot.tools.models import ChartDraft, Optimization, Plan, Requirements

MAJOR_CHANGES_WITHOUT_REVIEW = 5


def overrides_stated_facts(optimization: Optimization, requirements: Requirements) -> bool:
    """Tell whether an applied optimization changes a value the request stated explicitly."""
    stated: list[str] = []
    if requirements.replicas is not None:
        stated += ["replicaCount", "autoscaling.minReplicas", "autoscaling.maxReplicas"]
    if requirements.resources is not None:
        stated += ["resources"]
    return any(
        change.environment in ("", "prod") and change.path.startswith(tuple(stated))
        for change in optimization.changes
    )


def optimizer(state: ChartState, *, policy: Policy) -> Command[str]:
    """Suggest and apply optimizations, price the chart, and route on the size of the change."""
    started, box = time.perf_counter(), toolbox("optimizer", state)
    draft = ChartDraft.model_validate(state["draft"])
    plan = Plan.model_validate(state["plan"])
    result = policy.optimize(box, draft, plan)
    report = result.report
    update: dict[str, object] = {
        "optimization": report.model_dump(mode="json"),
        "cost": result.cost.model_dump(mode="json"),
    }
    applied = [o for o in report.optimizations if o.applied]
    if report.major_changes == 0:
        update["draft"] = result.draft.model_dump(mode="json")
        summary = f"{len(applied)} minor change(s)"
        return handoff("optimizer", started, box, "finalize", summary, update)

    major = [o for o in applied if o.impact == "major"]
    overriding = [o for o in major if overrides_stated_facts(o, plan.requirements)]
    if overriding or len(major) > MAJOR_CHANGES_WITHOUT_REVIEW:
        review = Review(
            kind="major_optimization",
            agent="optimizer",
            question=(
                "The optimizer proposes major changes"
                + (" that override what the request stated" if overriding else "")
                + ". Apply them?"
            ),
            options=[
                ReviewOption(action="approve", label="Apply them and revalidate"),
                ReviewOption(action="reject", label="Skip them; keep the validated chart"),
                ReviewOption(action="edit", label="Give instructions for the template agent"),
            ],
            details=[o.description for o in major],
            files=[{"file": "values.yaml", "line": None}],
        )
        update |= {"review": review.model_dump(mode="json"), "proposed": result.draft.model_dump()}
        summary = f"{len(major)} major change(s): asks a human"
        return handoff("optimizer", started, box, "human_review", summary, update)

    if budget_left(state, "optimizer"):
        update |= {
            "draft": result.draft.model_dump(mode="json"),
            "attempts": attempts_after(state, "optimizer"),
        }
        summary = f"{len(major)} major change(s): revalidate"
        return handoff("optimizer", started, box, "validator", summary, update)
    # Out of rounds: keep the chart that last passed the gates rather than an unvalidated one.
    for optimization in report.optimizations:
        optimization.applied = False
    update["optimization"] = report.model_dump(mode="json")
    summary = f"{len(major)} major change(s) left unapplied: optimizer budget spent"
    return handoff("optimizer", started, box, "finalize", summary, update)
