"""Security: the safety gate. Refuse elevated powers, send fixable findings back, or ask."""

from __future__ import annotations

import time

from langgraph.graph import END
from langgraph.types import Command

from bot.graph.nodes._common import handoff, settings_of, toolbox
from bot.graph.state import ChartState, Review, ReviewOption, attempts_after, budget_left
from bot.policy.base import Policy
from bot.tools.models import ChartDraft, Finding, Requirements, SecurityReport
from bot.tools.validate import failing
from bot.tools.workspace import workspace


def _same_finding(a: Finding, b: dict[str, object]) -> bool:
    """Tell whether a finding is one a human already accepted (same rule, place and object)."""
    return (a.rule, a.file, a.resource) == (b.get("rule"), b.get("file"), b.get("resource"))


def apply_accepted(report: SecurityReport, accepted: list[dict[str, object]]) -> SecurityReport:
    """Mark findings a human accepted as accepted, and recompute whether the gate passes."""
    for finding in report.findings:
        if any(_same_finding(finding, a) for a in accepted):
            finding.accepted = True
            finding.explanation = finding.explanation or "risk accepted by a reviewer"
    report.passed = not failing(report.findings) and not report.refused
    return report


def security(state: ChartState, *, policy: Policy) -> Command[str]:
    """Run every security check and route on severities."""
    started, box = time.perf_counter(), toolbox("security", state)
    draft = ChartDraft.model_validate(state["draft"])
    requirements = Requirements.model_validate(state["requirements"])
    settings = settings_of(state)
    with workspace(draft) as (chart_dir, env_files):
        report, fixes = policy.secure(
            box, draft, chart_dir, env_files, requirements, settings["allowed_exceptions"]
        )
    report = apply_accepted(report, state.get("accepted_risks") or [])
    update: dict[str, object] = {"security": report.model_dump(mode="json")}
    counts = report.by_severity()
    tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no open findings"

    if report.refused:
        summary = "refused: " + "; ".join(report.refused)
        return handoff("security", started, box, END, summary, {**update, "status": "refused"})
    if report.passed:
        return handoff("security", started, box, "optimizer", f"passed ({tally})", update)

    broken = failing(report.findings)
    if fixes.changes and budget_left(state, "security"):
        update |= {
            "value_changes": [c.model_dump(mode="json") for c in fixes.changes],
            "feedback": [f.model_dump(mode="json") for f in broken],
            "attempts": attempts_after(state, "security"),
        }
        summary = f"{tally}: {len(fixes.changes)} fix(es) sent to the template"
        return handoff("security", started, box, "template", summary, update)

    review = Review(
        kind="security_issue",
        agent="security",
        question="These security findings could not be fixed automatically. Accept the risk?",
        options=[
            ReviewOption(action="approve", label="Accept the risk; it is recorded in the report"),
            ReviewOption(action="edit", label="Give instructions for the template agent"),
            ReviewOption(action="reject", label="Stop; no chart is published"),
        ],
        details=[f"{f.severity} {f.rule}: {f.message}" for f in broken],
        findings=[f.model_dump(mode="json") for f in broken],
        files=[{"file": f.file, "line": f.line} for f in broken if f.file],
    )
    update["review"] = review.model_dump(mode="json")
    return handoff("security", started, box, "human_review", f"{tally}: asks a human", update)
