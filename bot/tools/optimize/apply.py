"""Applying optimizations is where proposals meet the draft: it refuses what the security
gate owns and re-derives each impact, whoever proposed the change; it sits above the rules so
that no rule can apply its own changes.
"""

from __future__ import annotations

from bot.tools.models import ENVIRONMENTS, ChartDraft, Optimization, OptimizationReport, ValueChange
from bot.tools.optimize.impact import change_impact
from bot.tools.optimize.tables import _PROTECTED_KEYS
from bot.tools.values import apply_value_changes

# --------------------------------------------------------------------------- applying


def _refusal(change: ValueChange) -> str:
    if change.environment and change.environment not in ENVIRONMENTS:
        return f"unknown environment '{change.environment}'"
    if change.path.split(".")[0] in _PROTECTED_KEYS:
        return f"{change.path} belongs to the security gate"
    return ""


def apply_optimizations(
    draft: ChartDraft,
    optimizations: list[Optimization],
) -> tuple[ChartDraft, OptimizationReport]:
    """Apply each optimization's value changes and count the major ones applied."""
    current = draft
    done: list[Optimization] = []
    notes: list[str] = []
    for item in optimizations:
        if not item.changes:
            done.append(item.model_copy(update={"applied": False}))
            continue
        refused = [r for r in map(_refusal, item.changes) if r]
        if refused:
            notes.append(f"{item.id} not applied: {'; '.join(refused)}")
            done.append(item.model_copy(update={"applied": False}))
            continue
        # The rule decides the impact, whatever the proposer claimed: it drives routing.
        impact = change_impact(current, item.changes)
        after = apply_value_changes(current, item.changes)
        changed = (after.values, after.environment_values) != (
            current.values,
            current.environment_values,
        )
        if not changed:
            notes.append(f"{item.id} already in place")
        current = after
        done.append(item.model_copy(update={"applied": changed, "impact": impact}))
    major = sum(1 for o in done if o.applied and o.impact == "major")
    return current, OptimizationReport(optimizations=done, major_changes=major, notes=notes)
