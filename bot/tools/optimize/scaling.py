"""Scaling rules must judge the values as they will be after the availability fixes, so the
entry point and the rules that weigh the HPA against replicas and the PDB live here, above the
availability module, apart from the HPA's own targets and behaviour.
"""

from __future__ import annotations

from bot.tools.cost import draft_environments, effective_values, get_path
from bot.tools.models import ChartDraft, Optimization, OptimizationReport, Plan, ValueChange
from bot.tools.optimize.availability import check_ha_readiness
from bot.tools.optimize.helpers import (
    Values,
    _baseline_replicas,
    _int,
    _label,
    _optimization,
    _overlay,
    _target,
)
from bot.tools.optimize.hpa import _hpa_behaviour, _hpa_targets
from bot.tools.planning import parse_cpu_m, pdb_min_available, runtime_for

# --------------------------------------------------------------------------- scaling


def suggest_scaling_improvements(plan: Plan, draft: ChartDraft) -> OptimizationReport:
    """Check HPA bounds, targets and behaviour, and that the PDB never blocks node drains."""
    pending = [c for o in check_ha_readiness(draft, plan).optimizations for c in o.changes]
    found: list[Optimization] = []
    notes: list[str] = []
    found += _memory_target(draft, plan)
    for env in draft_environments(draft):
        # Judge the values as they will be after the availability fixes, so the two tools
        # never propose conflicting edits of the same key.
        values = _overlay(effective_values(draft, env), pending, env)
        if get_path(values, "autoscaling.enabled") is True:
            found += _hpa_rules(draft, plan, env, values, notes)
        found += _pdb_consistency(draft, plan, env, values)
    return OptimizationReport(optimizations=found, notes=sorted(set(notes)))


def _memory_target(draft: ChartDraft, plan: Plan) -> list[Optimization]:
    """Drop memory HPA targets everywhere for runtimes whose memory does not follow load."""
    runtime = runtime_for(plan.requirements)
    if runtime.memory_follows_load:
        return []
    key = "autoscaling.targetMemoryUtilizationPercentage"
    files = {"": draft.values, **draft.environment_values}
    # Removing the key from one file would only uncover the value another file sets.
    holders = [env for env, values in files.items() if get_path(values, key) is not None]
    if not holders:
        return []
    return [
        _optimization(
            draft,
            "scaling.hpa-memory-target:all",
            "scaling",
            f"{runtime.label} keeps its heap after a spike, so a memory target never falls "
            "back and the HPA would not scale down; memory target removed",
            [
                ValueChange(
                    path=key, value=None, environment=env, reason="memory does not follow load"
                )
                for env in holders
            ],
        )
    ]


def _hpa_rules(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    values: Values,
    notes: list[str],
) -> list[Optimization]:
    label = _label(env)
    workload = plan.architecture.workload
    if workload not in ("Deployment", "StatefulSet") or not plan.analysis.horizontally_scalable:
        return [
            _optimization(
                draft,
                f"scaling.hpa-not-applicable:{label}",
                "scaling",
                f"{label}: HPA enabled on a {workload} whose replicas are not interchangeable; "
                "adding pods would not add capacity and removing one loses its state. Disabled",
                [
                    ValueChange(
                        path="autoscaling.enabled",
                        value=False,
                        environment=_target(draft, env, "autoscaling", True),
                        reason="not horizontally scalable",
                    )
                ],
            )
        ]
    target = _target(draft, env, "autoscaling", True)
    found: list[Optimization] = []
    low = _int(get_path(values, "autoscaling.minReplicas")) or 1
    high = _int(get_path(values, "autoscaling.maxReplicas")) or 0
    if high < low:
        found.append(
            _optimization(
                draft,
                f"scaling.hpa-bounds:{label}",
                "scaling",
                f"{label}: maxReplicas {high} is below minReplicas {low}; the API server rejects "
                f"the HPA. maxReplicas set to {low}",
                [
                    ValueChange(
                        path="autoscaling.maxReplicas",
                        value=low,
                        environment=target,
                        reason="maxReplicas >= minReplicas",
                    )
                ],
            )
        )
    elif high == low:
        found.append(
            _optimization(
                draft,
                f"scaling.hpa-inert:{label}",
                "scaling",
                f"{label}: minReplicas equals maxReplicas ({low}), so the HPA never scales; raise "
                "maxReplicas or disable autoscaling and set replicaCount",
            )
        )
    found += _hpa_targets(draft, plan, env, values, target)
    found += _hpa_behaviour(draft, plan, env, values, target)
    if high >= 10 and any(
        d.kind in ("postgresql", "mysql", "mariadb") for d in plan.requirements.dependencies
    ):
        found.append(
            _optimization(
                draft,
                f"scaling.connection-budget:{label}",
                "scaling",
                f"{label}: up to {high} replicas each open their own database pool; keep "
                "maxReplicas x pool size under the server's max_connections (PostgreSQL and MySQL "
                "default to 100 and 151) or put a connection pooler in front",
            )
        )
    if parse_cpu_m(get_path(values, "resources.requests.cpu")) is None:
        notes.append(f"{label}: the HPA needs a CPU request to compute utilisation")
    return found


def _pdb_consistency(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    values: Values,
) -> list[Optimization]:
    label = _label(env)
    if get_path(values, "podDisruptionBudget.enabled") is not True:
        return []
    keep = _int(get_path(values, "podDisruptionBudget.minAvailable"))
    baseline = _baseline_replicas(values)
    if keep is None or keep < baseline:
        return []
    target = _target(draft, env, "podDisruptionBudget", True)
    if baseline >= 2:
        wanted = pdb_min_available(baseline)
        return [
            _optimization(
                draft,
                f"scaling.pdb-blocks-drains:{label}",
                "scaling",
                f"{label}: PDB minAvailable {keep} with {baseline} replicas at the HPA floor "
                f"allows no eviction, so node drains hang. minAvailable set to {wanted}",
                [
                    ValueChange(
                        path="podDisruptionBudget.minAvailable",
                        value=wanted,
                        environment=target,
                        reason="allow one eviction at a time",
                    )
                ],
            )
        ]
    return [
        _optimization(
            draft,
            f"scaling.pdb-single-replica:{label}",
            "scaling",
            f"{label}: a PDB on a single replica allows no eviction at all and blocks node drains; "
            "disabled here",
            [
                ValueChange(
                    path="podDisruptionBudget.enabled",
                    value=False,
                    environment=target,
                    reason="a lone pod cannot be protected by a PDB",
                )
            ],
        )
    ]
