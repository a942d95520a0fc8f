"""Human review: the one node that pauses the graph, and nothing else.

The gates decide *that* a human is needed and prepare the question in ``state["review"]``; this
node only calls ``interrupt()`` and routes on the answer. Keeping the interrupt here means that a
resume re-runs nothing expensive: LangGraph re-executes a node from its top when it resumes.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END
from langgraph.types import Command, interrupt

from bot.graph.nodes.security import apply_accepted
from bot.graph.state import ChartState, Decision, Review
from bot.tools.models import SecurityReport

# Where each kind of review goes on each answer ("edit" always re-reads the request).
ROUTES: dict[str, dict[str, str]] = {
    "request_review": {"approve": "planner", "retry": "planner"},
    "validation_failure": {"approve": "template", "retry": "template"},
    "security_issue": {"approve": "optimizer", "retry": "template"},
    "major_optimization": {"approve": "validator", "retry": "validator", "reject": "finalize"},
}


def human_review(state: ChartState) -> Command[str]:
    """Pause for a human decision on the prepared review, then route on it."""
    review = Review.model_validate(state["review"])
    answer = interrupt(review.model_dump(mode="json"))
    decision = Decision.model_validate(answer if isinstance(answer, dict) else {"action": answer})
    record = {"kind": review.kind, **decision.model_dump()}
    update: dict[str, Any] = {"decisions": [record], "review": {}}

    if decision.action == "edit":
        # A fresh budget: the human changed the input, so earlier failures say nothing about it.
        edits = [*(state.get("edits") or []), decision.instructions]
        update |= {"edits": edits, "attempts": {}}
        return Command(goto="coordinator", update=update)
    goto = ROUTES[review.kind].get(decision.action, END)
    if goto == END:
        return Command(goto=END, update={**update, "status": "rejected"})
    if review.kind == "validation_failure":
        update["attempts"] = {**(state.get("attempts") or {}), "template": 0, "autofix": 0}
    elif review.kind == "security_issue" and decision.action == "approve":
        accepted = [*(state.get("accepted_risks") or []), *review.findings]
        report = apply_accepted(SecurityReport.model_validate(state["security"]), accepted)
        update |= {"accepted_risks": accepted, "security": report.model_dump(mode="json")}
    elif review.kind == "major_optimization" and decision.action == "approve":
        update["draft"] = state["proposed"]
    if review.kind == "major_optimization":
        update["proposed"] = {}
    return Command(goto=goto, update=update)
