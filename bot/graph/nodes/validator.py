"""Validator: the quality gate. Fix what it can itself, send the rest back, or ask a human."""

from __future__ import annotations

import time

from langgraph.types import Command

from bot.graph.nodes._common import handoff, settings_of, toolbox
from bot.graph.state import ChartState, Review, ReviewOption, attempts_after, budget_left
from bot.policy.base import Policy
from bot.tools import values
from bot.tools.models import ChartDraft
from bot.tools.validate import failing
from bot.tools.workspace import workspace


def validator(state: ChartState, *, policy: Policy) -> Command[str]:
    """Run every validation check and route on the findings."""
    started, box = time.perf_counter(), toolbox("validator", state)
    draft = ChartDraft.model_validate(state["draft"])
    settings = settings_of(state)
    with workspace(draft) as (chart_dir, env_files):
        report, fixes = policy.validate(box, draft, chart_dir, env_files, settings["kube_versions"])
    update: dict[str, object] = {"validation": report.model_dump(mode="json")}
    broken = failing(report.findings)
    if report.passed and not broken:
        summary = f"passed ({', '.join(f'{k} {v}' for k, v in sorted(report.checks.items()))})"
        return handoff("validator", started, box, "security", summary, update)

    if fixes.changes and not fixes.unfixable and budget_left(state, "autofix"):
        fixed = box.call(values.apply_value_changes, draft, fixes.changes)
        update |= {
            "draft": fixed.model_dump(mode="json"),
            "value_changes": [c.model_dump(mode="json") for c in fixes.changes],
            "attempts": attempts_after(state, "autofix"),
        }
        summary = f"{len(broken)} finding(s), {len(fixes.changes)} fixed automatically"
        return handoff("validator", started, box, "validator", summary, update)

    if budget_left(state, "template"):
        update |= {
            "feedback": [f.model_dump(mode="json") for f in broken],
            "attempts": attempts_after(state, "template"),
        }
        summary = f"{len(broken)} finding(s) the auto-fix cannot mend: back to the template"
        return handoff("validator", started, box, "template", summary, update)

    review = Review(
        kind="validation_failure",
        agent="validator",
        question=(
            f"The chart still fails validation after {state.get('attempts', {}).get('template', 0)}"
            " regeneration(s). How should helm-bot go on?"
        ),
        options=[
            ReviewOption(action="retry", label="Regenerate and validate once more"),
            ReviewOption(action="edit", label="Give instructions for the template agent"),
            ReviewOption(action="reject", label="Stop; no chart is published"),
        ],
        details=[f.message for f in broken],
        findings=[f.model_dump(mode="json") for f in broken],
        files=[{"file": f.file, "line": f.line} for f in broken if f.file],
    )
    update["review"] = review.model_dump(mode="json")
    summary = f"{len(broken)} finding(s) remain: asks a human"
    return handoff("validator", started, box, "human_review", summary, update)
