"""The optimizer agent's tools: explainable improvements to a generated chart's values.

Each rule reads the draft's structured values (``values`` merged with ``values-<env>``), never its
YAML, and proposes ``ValueChange`` edits with the reason in the optimization's description. A
rule only fires when the values violate it and its fix satisfies it, so a second pass over an
optimized draft proposes nothing new: that keeps the optimizer -> validator loop bounded.

Impact drives routing, so it follows one explicit rule (``change_impact``): retuning a number
the chart already renders under ``resources``, the HPA targets or the grace period is *minor*;
anything that adds, removes or switches a field or object, changes replica counts, probes, the
PDB or topology spread is *major* and sends the chart back to the validator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Literal, cast

from bot.tools.cost import (
    calculate_cost_estimate,
    draft_environments,
    draft_workload,
    effective_values,
    get_path,
)
from bot.tools.models import (
    ENVIRONMENTS,
    ChartDraft,
    Optimization,
    OptimizationReport,
    Plan,
    Probe,
    ValueChange,
)
from bot.tools.planning import (
    cpu_limit_floor_m,
    cpu_limit_m,
    format_cpu,
    format_memory,
    memory_limit_mi,
    parse_cpu_m,
    parse_memory_mi,
    pdb_min_available,
    runtime_for,
)
from bot.tools.values import apply_value_changes, set_path
from bot.tools.values_layout import spread_constraints

__all__ = [
    "apply_optimizations",
    "calculate_cost_estimate",
    "change_impact",
    "check_ha_readiness",
    "suggest_best_practices",
    "suggest_resource_optimization",
    "suggest_scaling_improvements",
]

Category = Literal["resources", "availability", "scaling", "best-practice", "cost"]
Values = dict[str, object]
_ChangeFn = Callable[[str, str, str], ValueChange]

MAX_MEMORY_LIMIT_RATIO = 2.0
MAX_CPU_LIMIT_RATIO = 8.0
MIN_CPU_LIMIT_RATIO_LATENCY = 2.0
JVM_HEAP_SHARE = 0.75
HPA_CPU_TARGET_RANGE = (50, 85)
SLOW_START_SECONDS = 30

_TUNING_KEYS = frozenset(
    {
        "autoscaling.targetCPUUtilizationPercentage",
        "autoscaling.targetMemoryUtilizationPercentage",
        "terminationGracePeriodSeconds",
    }
)
# The optimizer tunes availability and cost; it never touches what the security gate owns.
_PROTECTED_KEYS = (
    "image",
    "imagePullSecrets",
    "podSecurityContext",
    "containerSecurityContext",
    "serviceAccount",
    "networkPolicy",
    "existingSecret",
    "secretEnv",
)
_JAVA_OPTION_VARS = ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS")
_HEAP_FLAG = "-XX:MaxRAMPercentage=75.0"


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


# --------------------------------------------------------------------------- resources


def suggest_resource_optimization(draft: ChartDraft, plan: Plan) -> OptimizationReport:
    """Check requests and limits per environment: presence, ratios, throttling, JVM heap."""
    optimizations: list[Optimization] = []
    for env in draft_environments(draft):
        optimizations += _resource_rules(draft, plan, env)
    if runtime_for(plan.requirements).jvm:
        optimizations += _jvm_heap_flag(draft)
    return OptimizationReport(optimizations=optimizations)


class _Resources:
    """A working copy of one environment's resources that rules read and amend in order."""

    def __init__(self, values: Values) -> None:
        block = values.get("resources")
        self.block = block if isinstance(block, dict) else {}

    def cpu(self, kind: str) -> float | None:
        return parse_cpu_m(get_path(self.block, f"{kind}.cpu"))

    def memory(self, kind: str) -> float | None:
        return parse_memory_mi(get_path(self.block, f"{kind}.memory"))

    def set(self, path: str, value: str) -> None:
        set_path(self.block, path, value)


def _resource_rules(draft: ChartDraft, plan: Plan, env: str) -> list[Optimization]:
    values = effective_values(draft, env)
    spec = plan.resources.environments.get(_plan_spec_key(plan, env))
    res = _Resources(values)
    label = _label(env)
    found: list[Optimization] = []

    def change(path: str, value: str, reason: str) -> ValueChange:
        res.set(path.removeprefix("resources."), value)
        return ValueChange(
            path=path,
            value=value,
            environment=_target(draft, env, "resources", True),
            reason=reason,
        )

    missing = []
    for name, parse in (("cpu", res.cpu), ("memory", res.memory)):
        if parse("requests") is None and spec is not None:
            wanted = getattr(spec.requests, name)
            missing.append(change(f"resources.requests.{name}", wanted, "planner's estimate"))
    if missing:
        found.append(
            _optimization(
                draft,
                f"resources.missing-requests:{label}",
                "resources",
                f"{label}: no {'/'.join(c.path.rsplit('.', 1)[1] for c in missing)} request; the "
                "scheduler cannot place the pod sensibly and the HPA cannot compute utilisation",
                missing,
            )
        )
    heap = _heap_mi(_java_options(values)[1]) if runtime_for(plan.requirements).jvm else None
    found += _memory_rules(draft, plan, env, res, change, heap)
    found += _cpu_rules(draft, plan, env, res, change)
    return found


def _memory_rules(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    res: _Resources,
    change: _ChangeFn,
    heap: float | None,
) -> list[Optimization]:
    label = _label(env)
    request = res.memory("requests")
    limit = res.memory("limits")
    spec = plan.resources.environments.get(_plan_spec_key(plan, env))
    found: list[Optimization] = []
    if request is None:
        return found
    if heap is not None and limit is not None and heap > JVM_HEAP_SHARE * limit:
        limit = float(math.ceil(heap / JVM_HEAP_SHARE / 32) * 32)
        found.append(
            _optimization(
                draft,
                f"resources.jvm-heap-vs-limit:{label}",
                "resources",
                f"{label}: -Xmx {format_memory(heap)} leaves under 25% of the memory limit for "
                "metaspace, thread stacks and direct buffers, so the JVM would be OOM-killed. "
                f"Memory limit raised to {format_memory(limit)}",
                [change("resources.limits.memory", format_memory(limit), "heap <= 75% of limit")],
            )
        )
    if limit is None:
        planned = parse_memory_mi(spec.limits.memory) if spec else None
        wanted = (
            planned if planned and request <= planned <= 2 * request else memory_limit_mi(request)
        )
        found.append(
            _optimization(
                draft,
                f"resources.memory-limit-missing:{label}",
                "resources",
                f"{label}: no memory limit; a leak would grow until the node is under pressure and "
                f"evicts neighbours. Limit set to {format_memory(wanted)}",
                [change("resources.limits.memory", format_memory(wanted), "bound memory per pod")],
            )
        )
    elif limit < request:
        wanted = memory_limit_mi(request)
        found.append(
            _optimization(
                draft,
                f"resources.memory-limit-below-request:{label}",
                "resources",
                f"{label}: memory limit {format_memory(limit)} is below the request "
                f"{format_memory(request)}, which the API server rejects; raised to "
                f"{format_memory(wanted)}",
                [change("resources.limits.memory", format_memory(wanted), "limit >= request")],
            )
        )
    elif limit > math.ceil(MAX_MEMORY_LIMIT_RATIO * request):
        wanted = math.ceil(limit / MAX_MEMORY_LIMIT_RATIO)
        found.append(
            _optimization(
                draft,
                f"resources.memory-overcommit:{label}",
                "resources",
                f"{label}: memory limit {format_memory(limit)} is more than "
                f"{MAX_MEMORY_LIMIT_RATIO:g}x the request {format_memory(request)}; pods using "
                "more than they request are evicted first under node memory pressure. Request "
                "raised to "
                f"{format_memory(wanted)} (lowering the limit instead would risk OOM kills)",
                [change("resources.requests.memory", format_memory(wanted), "bound overcommit")],
            )
        )
    return found


def _latency_sensitive(plan: Plan) -> bool:
    return plan.requirements.app_type in ("web", "api", "frontend") or (
        plan.analysis.probe.kind in ("http", "grpc")
    )


def _cpu_rules(
    draft: ChartDraft,
    plan: Plan,
    env: str,
    res: _Resources,
    change: _ChangeFn,
) -> list[Optimization]:
    label = _label(env)
    request = res.cpu("requests")
    limit = res.cpu("limits")
    floor = cpu_limit_floor_m(plan.analysis)
    if request is None or limit is None:
        return []
    if limit < request:
        wanted = cpu_limit_m(request, plan.analysis)
        return [
            _optimization(
                draft,
                f"resources.cpu-limit-below-request:{label}",
                "resources",
                f"{label}: CPU limit {format_cpu(limit)} is below the request "
                f"{format_cpu(request)}, which the API server rejects; raised to "
                f"{format_cpu(wanted)}",
                [change("resources.limits.cpu", format_cpu(wanted), "limit >= request")],
            )
        ]
    if limit > math.ceil(MAX_CPU_LIMIT_RATIO * request) and limit > floor:
        wanted = max(math.ceil(MAX_CPU_LIMIT_RATIO * request), floor)
        return [
            _optimization(
                draft,
                f"resources.cpu-overcommit:{label}",
                "resources",
                f"{label}: CPU limit {format_cpu(limit)} is more than {MAX_CPU_LIMIT_RATIO:g}x the "
                f"request {format_cpu(request)}; the pod's speed would depend on idle neighbours. "
                f"Limit lowered to {format_cpu(wanted)}",
                [change("resources.limits.cpu", format_cpu(wanted), "bound CPU overcommit")],
            )
        ]
    if _latency_sensitive(plan) and limit < MIN_CPU_LIMIT_RATIO_LATENCY * request:
        wanted = max(math.ceil(4 * request), floor)
        return [
            _optimization(
                draft,
                f"resources.cpu-throttling:{label}",
                "resources",
                f"{label}: CPU limit {format_cpu(limit)} leaves no burst room over the request "
                f"{format_cpu(request)}; CFS throttling then adds tail latency to a serving app. "
                "Trade-off: dropping the limit avoids throttling entirely but the security "
                f"baseline expects one, so the limit is raised to {format_cpu(wanted)} (4x the "
                "request)",
                [change("resources.limits.cpu", format_cpu(wanted), "burst room for latency")],
            )
        ]
    return []


_HEAP = re.compile(r"-Xmx(\d+)([kKmMgG]?)")
_HEAP_UNITS_MI = {"": 1 / 1024**2, "k": 1 / 1024, "m": 1.0, "g": 1024.0}


def _java_options(values: Values) -> tuple[str, str]:
    """Return (where, options): where is 'env', 'config' or '' when none are set."""
    env = values.get("env")
    for item in env if isinstance(env, list) else []:
        if isinstance(item, dict) and item.get("name") in _JAVA_OPTION_VARS:
            return "env", str(item.get("value", ""))
    config = values.get("config")
    if isinstance(config, dict):
        for name in _JAVA_OPTION_VARS:
            if isinstance(config.get(name), str):
                return "config", str(config[name])
    return "", ""


def _heap_mi(options: str) -> float | None:
    match = _HEAP.search(options)
    if not match:
        return None
    return int(match.group(1)) * _HEAP_UNITS_MI[match.group(2).lower()]


def _jvm_heap_flag(draft: ChartDraft) -> list[Optimization]:
    found: list[Optimization] = []
    # Heap flags live in the shared env list unless an environment overrides that list.
    for env in ["", *[e for e in draft_environments(draft) if e]]:
        if env and not ({"env", "config"} & set(draft.environment_values.get(env, {}))):
            continue
        values = effective_values(draft, env)
        where, options = _java_options(values)
        if "-Xmx" in options or "MaxRAM" in options:
            continue
        found.append(
            _optimization(
                draft,
                f"resources.jvm-heap-flag:{_label(env)}",
                "resources",
                "JVM without heap sizing: the default max heap is 25% of the container memory. "
                f"{_HEAP_FLAG} sizes it from the memory limit and leaves room for non-heap memory",
                [_heap_flag_change(values, where, options, env)],
            )
        )
    return found


def _heap_flag_change(values: Values, where: str, options: str, env: str) -> ValueChange:
    flagged = f"{options} {_HEAP_FLAG}".strip()
    if where == "config":
        config = cast(Values, values["config"])
        name = next(n for n in _JAVA_OPTION_VARS if isinstance(config.get(n), str))
        return ValueChange(
            path=f"config.{name}",
            value=flagged,
            environment=env,
            reason="size the heap from the memory limit",
        )
    current = values.get("env")
    items = [dict(i) for i in current if isinstance(i, dict)] if isinstance(current, list) else []
    for item in items:
        if item.get("name") in _JAVA_OPTION_VARS:
            item["value"] = flagged
            break
    else:
        items.append({"name": "JAVA_TOOL_OPTIONS", "value": flagged})
    return ValueChange(
        path="env", value=items, environment=env, reason="size the heap from the memory limit"
    )


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


_HANDLERS = ("httpGet", "tcpSocket", "grpc", "exec")


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
    if stated is not None and stated.max < 2:
        # The request fixed the count; availability advice must not overrule it.
        return _optimization(
            draft,
            f"availability.single-replica:{label}",
            "availability",
            f"{label} runs {stated.max or 1} replica as requested: every rollout, node drain or "
            "crash is an outage. Ask for at least 2 replicas to make it highly available",
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


# --------------------------------------------------------------------------- scaling


def _template_reads(draft: ChartDraft, key: str) -> bool:
    return any(f".Values.{key}" in text for text in draft.files.values())


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


# --------------------------------------------------------------------------- best practices


def suggest_best_practices(draft: ChartDraft) -> OptimizationReport:
    """Give advice that needs a human decision: digests, startup probes, priority, TLS."""
    env = _prod_env(draft)
    values = effective_values(draft, env)
    label = _label(env)
    found: list[Optimization] = []

    def advise(ident: str, text: str) -> None:
        found.append(_optimization(draft, f"best-practice.{ident}", "best-practice", text))

    if not get_path(values, "image.digest"):
        advise(
            "image-digest",
            "pin the image by digest (image.digest): a tag can be moved to "
            "different content, a digest cannot",
        )
    liveness = values.get("livenessProbe")
    delay = _int(get_path(values, "livenessProbe.initialDelaySeconds")) or 0
    if delay >= SLOW_START_SECONDS and get_path(values, "startupProbe.enabled") is not True:
        advise(
            "startup-probe",
            f"liveness waits {delay}s before the first check; a startupProbe "
            "(startupProbe.enabled) protects the slow start and lets liveness react quickly "
            "afterwards",
        )
    if not values.get("priorityClassName") and draft_workload(draft) != "CronJob":
        advise(
            "priority-class",
            f"{label}: set priorityClassName so these pods are not the "
            "first preempted when the cluster is full",
        )
    readiness = values.get("readinessProbe")
    if isinstance(liveness, dict) and isinstance(readiness, dict):
        same = [k for k in _HANDLERS if k in liveness and liveness.get(k) == readiness.get(k)]
        if same and liveness.get("enabled", True) is not False:
            advise(
                "liveness-endpoint",
                "liveness and readiness hit the same endpoint; if it "
                "checks dependencies, a database outage restarts every pod. Give liveness an "
                "endpoint that only proves the process is alive",
            )
    if get_path(values, "ingress.enabled") is True and not get_path(values, "ingress.tls"):
        advise(
            "ingress-tls",
            "the Ingress serves plain HTTP; add ingress.tls (cert-manager can "
            "issue the certificate)",
        )
    if _exposes_metrics(values) and not _scraped(values):
        advise(
            "metrics-scrape",
            "a metrics port is exposed but nothing scrapes it; add a "
            "ServiceMonitor or prometheus.io/* pod annotations",
        )
    if get_path(values, "tests.enabled") is False and get_path(values, "service.enabled"):
        advise("helm-test", "enable tests.enabled so `helm test` checks a release end to end")
    return OptimizationReport(optimizations=found)


def _exposes_metrics(values: Values) -> bool:
    ports = values.get("containerPorts")
    return any(
        isinstance(p, dict) and "metrics" in str(p.get("name", ""))
        for p in (ports if isinstance(ports, list) else [])
    )


def _scraped(values: Values) -> bool:
    annotations = values.get("podAnnotations")
    names = annotations if isinstance(annotations, dict) else {}
    return any(str(k).startswith("prometheus.io/") for k in names) or bool(
        get_path(values, "metrics.serviceMonitor.enabled")
    )


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
