"""Impact drives routing (a major change sends the chart back to the validator), so the one
rule that classifies it lives on its own, where the rules that propose changes and the step that
applies them both use it and neither can quietly redefine it.
"""

from __future__ import annotations

from typing import Literal

from bot.tools.cost import effective_values, get_path
from bot.tools.models import ChartDraft, ValueChange
from bot.tools.optimize.tables import _TUNING_KEYS

# --------------------------------------------------------------------------- impact rule


def _scalar(value: object) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def _is_tuning(draft: ChartDraft, change: ValueChange) -> bool:
    """Tell whether a change only retunes a number or quantity the chart already renders."""
    if not (change.path.startswith("resources.") or change.path in _TUNING_KEYS):
        return False
    current = get_path(effective_values(draft, change.environment), change.path)
    if not (_scalar(change.value) and _scalar(current)):
        return False
    return isinstance(change.value, str) == isinstance(current, str)


def change_impact(draft: ChartDraft, changes: list[ValueChange]) -> Literal["minor", "major"]:
    """Classify a set of changes: minor only when every one retunes an existing number."""
    return "minor" if all(_is_tuning(draft, c) for c in changes) else "major"
