"""Production availability (replicas, disruption budget, spreading, readiness, graceful
shutdown) is judged on the prod values alone and is what the scaling rules must not contradict;
it lives on its own so that scaling can build on its proposals.
"""

from __future__ import annotations

from bot.tools.cost import effective_values, get_path
from bot.tools.models import ChartDraft, Optimization, OptimizationReport, Plan, Probe, ValueChange
from bot.tools.optimize.helpers import (
    Values,
    _baseline_replicas,
    _int,
    _label,
    _optimization,
    _prod_env,
    _target,
)
from bot.tools.optimize.tables import _HANDLERS
from bot.tools.planning import pdb_min_available
from bot.tools.values_layout import spread_constraints

# --------------------------------------------------------------------------- availability


def _has_service(plan: Plan) -> bool:
    return any(r.kind == "Service" for r in plan.architecture.resources)


def _probe_handler(probe: Probe) -> dict[str, object]:
    port: object = probe.port or "http"
    if probe.kind == "http":
        return {"httpGet": {"path": probe.path, "port": port}}
    if probe.kind == "grpc":
        return {"grpc": {"port": int(probe.port) if probe.port.isdigit() else port}}
    if probe.kind == "exec":
        return {"exec": {"command": list(probe.command)}}
    return {"tcpSocket": {"port": port}}


def check_ha_readiness(draft: ChartDraft, plan: Plan) -> OptimizationReport:
    """Check production for replicas, PDB, topology spread, readiness and graceful shutdown."""
    workload = plan.architecture.workload
    if workload in ("DaemonSet", "CronJob", "Job"):
        return OptimizationReport(
            notes=[
                f"{workload}: replica, PDB and spread checks do not apply",
            ]
        )
    env = _prod_env(draft)
    values = effective_values(draft, env)
    found: list[Optimization] = []
    baseline = _baseline_replicas(values)
    if baseline < 2:
        found.append(_replica_floor(draft, plan, env, values))
        baseline = 2 if found[-1].changes else baseline
    if baseline >= 2:
        found += _pdb_and_spread(draft, env, values, baseline)
    found += _readiness_and_shutdown(draft, plan, env, values)
    notes = []
    if any(o.id.startswith("availability.topology-spread") for o in found):
        notes.append(
            "topologySpreadConstraints are emitted without labelSelector: the chart template "
            "adds its selector labels (app.kubernetes.io/name, app.kubernetes.io/instance)"
        )
    return OptimizationReport(optimizations=found, notes=notes)


def _replica_floor(draft: ChartDraft, plan: Plan, env: str, values: Values) -> Optimization:
    label = _label(env)
    if not plan.analysis.horizontally_scalable:
        return _optimization(
            draft,
            f"availability.single-replica:{label}",
            "availability",
            f"{label} runs one replica by design (its state is not shared between pods): a node "
            "failure means downtime until it is rescheduled. For HA the data itself must be "
            "replicated (a clustered datastore or a managed service)",
        )
    stated = plan.requirements.replicas
    if stated is not None and stated.min < 2:
        # The request set the count (or the HPA's floor); availability advice must not
        # overrule it.
        running = (
            f"runs {stated.max or 1} replica"
            if stated.max < 2
            else f"may scale down to {max(stated.min, 1)} replica"
        )
        return _optimization(
            draft,
            f"availability.single-replica:{label}",
            "availability",
            f"{label} {running} as requested: every rollout, node drain or crash at one "
            "replica is an outage. Ask for at least 2 replicas to make it highly available",
        )
    changes = [
        ValueChange(
            path="replicaCount", value=2, environment=env, reason="survive the loss of one pod"
        )
    ]
    if get_path(values, "autoscaling.enabled") is True:
        changes = [
            ValueChange(
                path="autoscaling.minReplicas",
                value=2,
                environment=env,
                reason="survive the loss of one pod",
            )
        ]
        top = _int(get_path(values, "autoscaling.maxReplicas")) or 0
        if top < 2:
            changes.append(
                ValueChange(
                    path="autoscaling.maxReplicas",
                    value=2,
                    environment=env,
                    reason="maxReplicas >= minReplicas",
                )
            )
    return _optimization(
        draft,
        f"availability.replicas:{label}",
        "availability",
        f"{label} runs a single replica: every rollout, node drain or crash is an outage. "
        "Raised to 2 replicas",
        changes,
    )


def _pdb_and_spread(
    draft: ChartDraft,
    env: str,
    values: Values,
    baseline: int,
) -> list[Optimization]:
    label = _label(env)
    found: list[Optimization] = []
    if get_path(values, "podDisruptionBudget.enabled") is not True:
        keep = pdb_min_available(baseline)
        found.append(
            _optimization(
                draft,
                f"availability.pdb:{label}",
                "availability",
                f"{label} has {baseline} replicas but no PodDisruptionBudget: a node drain may "
                f"evict them all at once. PDB with minAvailable {keep}",
                [
                    ValueChange(
                        path="podDisruptionBudget.enabled",
                        value=True,
                        environment=env,
                        reason="limit voluntary disruptions",
                    ),
                    ValueChange(
                        path="podDisruptionBudget.minAvailable",
                        value=keep,
                        environment=env,
                        reason="half the baseline, drains still proceed",
                    ),
                ],
            )
        )
    spread = values.get("topologySpreadConstraints")
    anti = get_path(values, "affinity.podAntiAffinity")
    if not spread and not anti:
        constraints = spread_constraints()
        found.append(
            _optimization(
                draft,
                f"availability.topology-spread:{label}",
                "availability",
                f"{label}: nothing keeps the {baseline} replicas apart, so they may share one node "
                "or zone. Spread across zones and nodes (ScheduleAnyway: never blocks scheduling "
                "on small clusters); the template fills in the selector labels",
                [
                    ValueChange(
                        path="topologySpreadConstraints",
                        value=constraints,
                        environment=env,
                        reason="spread replicas across failure domains",
                    )
                ],
            )
        )
    return found


def _readiness_and_shutdown(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    values: Values,
) -> list[Optimization]:
    label = _label(env)
    found: list[Optimization] = []
    probe = plan.analysis.probe
    readiness = values.get("readinessProbe")
    block = readiness if isinstance(readiness, dict) else {}
    has_handler = any(k in block for k in _HANDLERS)
    if (
        _has_service(plan)
        and probe.kind != "none"
        and not (has_handler and block.get("enabled", True) is not False)
    ):
        target = _target(draft, env, "readinessProbe", False)
        if has_handler:
            changes = [
                ValueChange(
                    path="readinessProbe.enabled",
                    value=True,
                    environment=target,
                    reason="gate traffic on readiness",
                )
            ]
        else:
            full: dict[str, object] = {
                "enabled": True,
                **_probe_handler(probe),
                "initialDelaySeconds": 5,
                "periodSeconds": 10,
                "timeoutSeconds": 3,
                "failureThreshold": 3,
            }
            changes = [
                ValueChange(
                    path="readinessProbe",
                    value=full,
                    environment=target,
                    reason="gate traffic on readiness",
                )
            ]
        found.append(
            _optimization(
                draft,
                f"availability.readiness:{label}",
                "availability",
                f"{label}: no readiness probe, so the Service sends traffic to pods that are still "
                f"starting or overloaded. {probe.kind} readiness probe enabled",
                changes,
            )
        )
    grace = _int(values.get("terminationGracePeriodSeconds"))
    wanted = plan.analysis.graceful_shutdown_seconds
    if grace is None or grace < wanted:
        found.append(
            _optimization(
                draft,
                f"availability.graceful-shutdown:{label}",
                "availability",
                f"{label}: terminationGracePeriodSeconds {grace if grace is not None else 'unset'} "
                f"is shorter than the {wanted}s the runtime needs to drain in-flight work before "
                "SIGKILL",
                [
                    ValueChange(
                        path="terminationGracePeriodSeconds",
                        value=wanted,
                        environment=_target(draft, env, "terminationGracePeriodSeconds", False),
                        reason="let in-flight requests finish",
                    )
                ],
            )
        )
    return found
