"""An HPA's utilisation target and scale-down behaviour depend on the runtime and on what the
chart's template renders, not on replica counts; those two rules live apart from the rest of the
scaling checks so each module stays about one question.
"""

from __future__ import annotations

from bot.tools.cost import get_path
from bot.tools.models import ChartDraft, Optimization, Plan, ValueChange
from bot.tools.optimize.helpers import Values, _int, _label, _optimization
from bot.tools.optimize.tables import HPA_CPU_TARGET_RANGE, SLOW_START_SECONDS
from bot.tools.planning import runtime_for
from bot.tools.validate.resources import template_reads

# --------------------------------------------------------------------------- scaling


def _template_reads(draft: ChartDraft, key: str) -> bool:
    return template_reads(list(draft.files.values()), key)


def _hpa_targets(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    values: Values,
    target: str,
) -> list[Optimization]:
    label = _label(env)
    found: list[Optimization] = []
    cpu = get_path(values, "autoscaling.targetCPUUtilizationPercentage")
    memory = get_path(values, "autoscaling.targetMemoryUtilizationPercentage")
    if not runtime_for(plan.requirements).memory_follows_load:
        memory = None  # removed by _memory_target, whatever this file says
    spec = plan.scaling.environments.get(env or "prod")
    wanted = spec.target_cpu if spec else 70
    low, high = HPA_CPU_TARGET_RANGE
    if cpu is None and memory is None:
        found.append(
            _optimization(
                draft,
                f"scaling.hpa-target:{label}",
                "scaling",
                f"{label}: the HPA has no utilisation target; {wanted}% CPU set",
                [
                    ValueChange(
                        path="autoscaling.targetCPUUtilizationPercentage",
                        value=wanted,
                        environment=target,
                        reason="give the HPA a metric",
                    )
                ],
            )
        )
    elif isinstance(cpu, int) and not low <= cpu <= high:
        why = (
            "leaves no headroom for the time a new pod takes to become ready"
            if cpu > high
            else "keeps most reserved CPU idle and pays for it"
        )
        found.append(
            _optimization(
                draft,
                f"scaling.hpa-target:{label}",
                "scaling",
                f"{label}: CPU target {cpu}% {why}; set to {wanted}%",
                [
                    ValueChange(
                        path="autoscaling.targetCPUUtilizationPercentage",
                        value=wanted,
                        environment=target,
                        reason=f"target within {low}-{high}%",
                    )
                ],
            )
        )
    return found


def _hpa_behaviour(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    values: Values,
    target: str,
) -> list[Optimization]:
    label = _label(env)
    if plan.analysis.startup_seconds < SLOW_START_SECONDS:
        return []
    current = get_path(values, "autoscaling.behavior.scaleDown")
    scale_down = current if isinstance(current, dict) else {}
    if scale_down.get("policies"):
        return []  # a rate someone chose on purpose
    window = max(_int(scale_down.get("stabilizationWindowSeconds")) or 0, 600)
    why = (
        f"{label}: pods take ~{plan.analysis.startup_seconds}s to start, so capacity removed "
        "on a dip is slow to come back, and the default scale-down may drop every extra pod "
        f"within 15s. Scale down at most 25% per minute after a {window // 60}-minute "
        "stabilisation window"
    )
    if not _template_reads(draft, "autoscaling.behavior"):
        return [
            _optimization(
                draft,
                f"scaling.hpa-behavior:{label}",
                "scaling",
                why + " (the chart's HPA template does not render autoscaling.behavior yet)",
            )
        ]
    wanted = {
        **scale_down,
        "stabilizationWindowSeconds": window,
        "policies": [{"type": "Percent", "value": 25, "periodSeconds": 60}],
    }
    return [
        _optimization(
            draft,
            f"scaling.hpa-behavior:{label}",
            "scaling",
            why,
            [
                ValueChange(
                    path="autoscaling.behavior.scaleDown",
                    value=wanted,
                    environment=target,
                    reason="slow scale-down for a slow starter",
                )
            ],
        )
    ]
