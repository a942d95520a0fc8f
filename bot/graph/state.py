"""The graph's state: plain JSON that checkpoints, resumes and crosses processes unchanged.

Tool results are pydantic models; the state keeps their ``model_dump(mode="json")`` so that a
checkpoint written by one process (or one version of the code) is read back by another without
custom serializers. Counters that bound the loops live here too, because a loop's budget must
survive an interrupt and a resume from another process.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, Field

from bot.llm.usage import add_usage

# How many times each loop may run before the graph asks a human instead of trying again.
BUDGETS: dict[str, int] = {
    "autofix": 3,  # validator -> validator after applying its own fixes
    "template": 2,  # validator -> template on errors the auto-fix cannot mend
    "security": 2,  # security -> template on critical findings
    "optimizer": 2,  # optimizer -> validator after major changes
}
# The graph never needs more steps than the budgets allow; this only stops a wiring mistake.
RECURSION_LIMIT = 80

ReviewKind = Literal["request_review", "validation_failure", "security_issue", "major_optimization"]
Action = Literal["approve", "reject", "edit", "retry"]


def add_seconds(left: dict[str, float], right: dict[str, float]) -> dict[str, float]:
    """Sum per-agent wall times, so loops show the total time each agent took."""
    merged = dict(left or {})
    for agent, seconds in (right or {}).items():
        merged[agent] = round(merged.get(agent, 0.0) + seconds, 6)
    return merged


class Settings(TypedDict, total=False):
    """What the edge (CLI, server, Action) decides for this run."""

    out_dir: str
    kube_versions: list[str]
    environments: list[str]
    allowed_exceptions: list[str]
    review_exposure: bool
    pin_digests: bool
    release_name: str
    namespace: str


class ChartState(TypedDict, total=False):
    """Everything the agents hand to one another, as JSON."""

    # input
    request: str  # the request with secret values already redacted
    thread_id: str
    settings: Settings
    # coordinator
    requirements: dict[str, Any]
    requirements_check: dict[str, Any]
    complexity: dict[str, Any]
    edits: list[str]  # every human /edit instruction, in order; re-applied on each reading
    edit_log: list[dict[str, Any]]  # what each of those edits changed (EditRecord)
    # planner
    plan: dict[str, Any]
    # template
    draft: dict[str, Any]
    value_changes: Annotated[list[dict[str, Any]], operator.add]  # replayed on every re-render
    feedback: list[dict[str, Any]]  # findings the template agent must address next
    extra_files: dict[str, str]  # template files a model added, replayed on every re-render
    # gates
    validation: dict[str, Any]
    security: dict[str, Any]
    optimization: dict[str, Any]
    proposed: dict[str, Any]  # optimizer's draft awaiting a human decision
    cost: dict[str, Any]
    accepted_risks: list[dict[str, Any]]
    # human in the loop
    review: dict[str, Any]  # the payload of the pending interrupt
    decisions: Annotated[list[dict[str, Any]], operator.add]
    # bookkeeping
    attempts: dict[str, int]
    history: Annotated[list[dict[str, Any]], operator.add]
    timings: Annotated[dict[str, float], add_seconds]
    llm: Annotated[dict[str, dict[str, Any]], add_usage]  # model calls and tokens per agent
    status: str  # running | done | clarify | refused | rejected
    result: dict[str, Any]  # finalize's output: paths, passed, report


class ReviewOption(BaseModel):
    action: Action
    label: str


class Review(BaseModel):
    """The JSON payload of an ``interrupt()``: what a human must decide, and the choices."""

    kind: ReviewKind
    agent: str
    question: str
    options: list[ReviewOption]
    details: list[str] = Field(default_factory=list)
    findings: list[dict[str, Any]] = Field(default_factory=list)
    files: list[dict[str, Any]] = Field(
        default_factory=list, description="{file, line} pairs the decision is about"
    )


class Decision(BaseModel):
    """What a human answered: the value given to ``Command(resume=...)``."""

    action: Action
    instructions: str = ""
    by: str = ""


def attempts_after(state: ChartState, loop: str) -> dict[str, int]:
    """Return the attempt counters with one more run of ``loop``."""
    counters = dict(state.get("attempts") or {})
    counters[loop] = counters.get(loop, 0) + 1
    return counters


def budget_left(state: ChartState, loop: str) -> bool:
    """Tell whether ``loop`` may run once more."""
    return (state.get("attempts") or {}).get(loop, 0) < BUDGETS[loop]
