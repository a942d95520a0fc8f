"""Coordinator: understand the request, ask for what is missing, or hand over to the planner."""

from __future__ import annotations

import time

from langgraph.graph import END
from langgraph.types import Command

from bot.graph.nodes._common import handoff, settings_of, toolbox
from bot.graph.state import ChartState, Review, ReviewOption
from bot.policy.base import Policy, Understanding
from bot.tools.digests import pin_digests
from bot.tools.models import DEFAULT_ENVIRONMENTS, ValueChange


def coordinator(state: ChartState, *, policy: Policy) -> Command[str]:
    """Parse and check the request; route to the planner, a human, or the end."""
    started, box = time.perf_counter(), toolbox("coordinator", state)
    understood = policy.coordinate(box, state["request"], state.get("edits") or [])
    requirements = understood.requirements
    # The repository's environments apply when the request does not narrow the default set.
    if requirements.environments == list(DEFAULT_ENVIRONMENTS) and settings_of(state).get(
        "environments"
    ):
        requirements = requirements.model_copy(
            update={"environments": settings_of(state)["environments"]}
        )
    check = understood.check
    if settings_of(state).get("pin_digests") and check.valid:
        requirements, pinned = box.call(pin_digests, requirements)
        check = check.model_copy(update={"assumptions": [*check.assumptions, *pinned]})
    update = {
        "requirements": requirements.model_dump(mode="json"),
        "requirements_check": check.model_dump(mode="json"),
        "complexity": understood.complexity.model_dump(mode="json"),
        "value_changes": [c.model_dump(mode="json") for c in _new_value_changes(state, understood)],
        "edit_log": [e.model_dump(mode="json") for e in understood.edits],
    }
    if not understood.check.valid:
        problems = understood.check.validation_errors + understood.check.clarifications_needed
        summary = "needs clarification: " + "; ".join(problems)
        return handoff("coordinator", started, box, END, summary, {**update, "status": "clarify"})
    reviewed = any(d.get("kind") == "request_review" for d in state.get("decisions") or [])
    reasons = list(understood.complexity.review_reasons)
    if settings_of(state).get("review_exposure"):
        reasons += understood.complexity.exposures  # the repository wants a look at each one
    # Elevated powers are the security gate's to refuse; a human cannot approve them here. The
    # other reasons stand: a secret pasted beside an allowed power still has to be rotated.
    if understood.requirements.elevated.requested():
        reasons = [r for r in reasons if not r.startswith("elevated access requested")]
    if reasons and not reviewed:
        review = Review(
            kind="request_review",
            agent="coordinator",
            question="This request needs a human look before a chart is generated.",
            options=[
                ReviewOption(action="approve", label="Generate the chart as understood"),
                ReviewOption(action="edit", label="Correct the request, then generate"),
                ReviewOption(action="reject", label="Do not generate a chart"),
            ],
            details=reasons,
        )
        update["review"] = review.model_dump(mode="json")
        return handoff("coordinator", started, box, "human_review", "asks for review", update)
    summary = (
        f"{understood.requirements.name}: {understood.complexity.level} request, "
        f"{len(understood.check.assumptions)} assumption(s)"
    )
    return handoff("coordinator", started, box, "planner", summary, update)


def _new_value_changes(state: ChartState, understood: Understanding) -> list[ValueChange]:
    """The values edits of the edits not read before: earlier ones are in the state already."""
    seen = len(state.get("edit_log") or [])
    return [change for edit in understood.edits[seen:] for change in edit.value_changes]
