"""Every optimizer rule builds its optimizations, picks the values file a change belongs in
and reads replica counts the same way; these helpers sit below all the rules so that they agree
on that without any rule importing another.
"""

from __future__ import annotations

from typing import Literal

from bot.tools.cost import get_path
from bot.tools.models import ChartDraft, Optimization, Plan, ValueChange
from bot.tools.optimize.impact import change_impact
from bot.tools.values import set_path

Category = Literal["resources", "availability", "scaling", "best-practice", "cost"]
Values = dict[str, object]


# --------------------------------------------------------------------------- helpers


def _label(env: str) -> str:
    return env or "default"


def _optimization(
    draft: ChartDraft,
    ident: str,
    category: Category,
    description: str,
    changes: list[ValueChange] | None = None,
) -> Optimization:
    changes = changes or []
    return Optimization(
        id=ident,
        category=category,
        description=description,
        impact=change_impact(draft, changes) if changes else "minor",
        changes=changes,
        applied=False,
    )


def _target(draft: ChartDraft, env: str, key: str, per_environment: bool) -> str:
    """Return the values file a change belongs in: the env file if it owns the key."""
    if env and key.split(".")[0] in draft.environment_values.get(env, {}):
        return env
    return env if per_environment else ""


def _prod_env(draft: ChartDraft) -> str:
    return "prod" if "prod" in draft.environment_values else ""


def _overlay(values: Values, changes: list[ValueChange], env: str) -> Values:
    """Return values as they will be once changes aimed at this environment are applied."""
    for change in [c for c in changes if c.environment == ""] + [
        c for c in changes if c.environment and c.environment == env
    ]:
        set_path(values, change.path, change.value)
    return values


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _baseline_replicas(values: Values) -> int:
    """Return the replica count the workload never goes below."""
    if get_path(values, "autoscaling.enabled") is True:
        return _int(get_path(values, "autoscaling.minReplicas")) or 1
    return _int(values.get("replicaCount")) or 1


def _plan_spec_key(plan: Plan, env: str) -> str:
    keys = plan.resources.environments
    return env if env in keys else ("prod" if "prod" in keys else next(iter(keys), "prod"))
