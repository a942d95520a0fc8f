"""Requests, limits, replicas, autoscaling and disruption budgets per environment.

What the request states holds in every environment: a stated request, limit, replica range,
autoscaling target or disruption budget is the same in dev, staging and prod. Only what the
request leaves open is sized per environment, from the runtime's footprint: dev and staging
reserve less than production, and dev runs one replica.
"""

from __future__ import annotations

from bot.tools.models import (
    AppAnalysis,
    ResourceEstimate,
    ResourceHint,
    ResourceSpec,
    ScalingSpec,
    ScalingStrategy,
    Workload,
)
from bot.tools.planning.analysis import BATCH_KINDS, cpu_limit_floor_m, pdb_min_available
from bot.tools.planning.architecture import autoscales, choose_workload, prod_replica_range
from bot.tools.planning.quantities import (
    format_cpu,
    format_memory,
    parse_cpu_m,
    parse_memory_mi,
    round_up,
)
from bot.tools.planning.runtimes import runtime_for

# Share of the production request reserved in each environment: CPU is compressible and
# cheap to under-reserve; memory is not, so it shrinks less.
_CPU_SHARE = {"dev": 0.25, "staging": 0.5, "prod": 1.0}
_MEMORY_SHARE = {"dev": 0.5, "staging": 0.75, "prod": 1.0}
_CPU_REQUEST_FLOOR_M = 50
_MEMORY_REQUEST_FLOOR_MI = 64
CPU_LIMIT_FACTOR = 4
MEMORY_LIMIT_FACTOR = 1.5
DEFAULT_ENVIRONMENTS = ["dev", "staging", "prod"]
# The widest limit/request ratios the optimizer accepts (bot/tools/optimize/tables.py).
_CPU_LIMIT_RATIO = 8.0
_MEMORY_LIMIT_RATIO = 2.0


def memory_limit_mi(request_mi: float) -> int:
    """Return the memory limit the planner pairs with a memory request."""
    return round_up(request_mi * MEMORY_LIMIT_FACTOR, 32)


def cpu_limit_m(request_m: float, analysis: AppAnalysis) -> int:
    """Return the CPU limit the planner pairs with a CPU request."""
    return max(round_up(request_m * CPU_LIMIT_FACTOR, 50), cpu_limit_floor_m(analysis))


def _stated(hint: ResourceHint | None, label: str, why: list[str]) -> float | None:
    """Return a stated quantity in base units, or None (saying why a bad one is ignored)."""
    value = getattr(hint, label, "") if hint else ""
    if not value:
        return None
    parsed = parse_cpu_m(value) if label == "cpu" else parse_memory_mi(value)
    if not parsed:
        why.append(
            f"ignored {'CPU' if label == 'cpu' else 'memory'} hint '{value}': "
            "not a Kubernetes quantity"
        )
        return None
    return parsed


def environments_of(workload: Workload) -> list[str]:
    """Return the environments of the chart a workload belongs to."""
    return list(getattr(workload, "environments", None) or DEFAULT_ENVIRONMENTS)


def estimate_resources(
    requirements: Workload, analysis: AppAnalysis, environments: list[str] | None = None
) -> ResourceEstimate:
    """Size requests and limits per environment; stated requests and limits hold everywhere."""
    why = [f"typical footprint {analysis.typical_cpu_m}m CPU / {analysis.typical_memory_mi}Mi"]
    cpu_req = _stated(requirements.resources, "cpu", why)
    mem_req = _stated(requirements.resources, "memory", why)
    cpu_lim = _stated(requirements.limits, "cpu", why)
    mem_lim = _stated(requirements.limits, "memory", why)
    for label, value in (("CPU request", cpu_req), ("memory request", mem_req)):
        if value is not None:
            why.append(f"{label} as stated, in every environment")
    for label, value in (("CPU limit", cpu_lim), ("memory limit", mem_lim)):
        if value is not None:
            why.append(f"{label} as stated, in every environment")
    if mem_req is not None and mem_req < analysis.typical_memory_mi / 2:
        why.append("stated memory is well below the runtime's typical footprint")
    # With only a limit stated, the request follows the footprint but never exceeds the limit,
    # nor falls so far below it that the stated limit breaks the request/limit ratio policy
    # (the optimizer would then lower a limit the request asked for).
    cpu = cpu_req or min(
        max(float(analysis.typical_cpu_m), (cpu_lim or 0) / _CPU_LIMIT_RATIO),
        cpu_lim or float("inf"),
    )
    memory = mem_req or min(
        max(float(analysis.typical_memory_mi), (mem_lim or 0) / _MEMORY_LIMIT_RATIO),
        mem_lim or float("inf"),
    )
    prod_memory = max(round_up(memory, 16), _MEMORY_REQUEST_FLOOR_MI)
    envs: dict[str, ResourceSpec] = {}
    for env in environments or environments_of(requirements):
        cpu_env = cpu if cpu_req or cpu_lim else max(round_up(cpu * _CPU_SHARE[env], 5), 50)
        mem_env = (
            memory
            if mem_req or mem_lim
            else max(round_up(memory * _MEMORY_SHARE[env], 16), _MEMORY_REQUEST_FLOOR_MI)
        )
        # Dev reserves half the memory but may still reach the full typical footprint.
        default_mem_lim = prod_memory if env == "dev" else memory_limit_mi(prod_memory)
        envs[env] = ResourceSpec(
            requests=ResourceHint(
                cpu=requirements.resources.cpu
                if requirements.resources and cpu_req
                else format_cpu(max(cpu_env, 1)),
                memory=requirements.resources.memory
                if requirements.resources and mem_req
                else format_memory(mem_env),
            ),
            limits=ResourceHint(
                cpu=requirements.limits.cpu
                if requirements.limits and cpu_lim
                else format_cpu(cpu_limit_m(cpu_env, analysis)),
                memory=requirements.limits.memory
                if requirements.limits and mem_lim
                else format_memory(max(default_mem_lim, mem_env)),
            ),
        )
    why += [
        "what is not stated: dev/staging reserve 25%/50% of the production CPU and 50%/75% of "
        "its memory",
        f"CPU limit {CPU_LIMIT_FACTOR}x the request, at least {cpu_limit_floor_m(analysis)}m so "
        f"a {analysis.startup_seconds}s startup is not throttled",
        f"memory limit {MEMORY_LIMIT_FACTOR}x the production request (dev: the request itself), "
        "so a spike is OOM-killed in the pod rather than starving the node",
    ]
    return ResourceEstimate(environments=envs, reasoning="; ".join(why))


def define_scaling_strategy(
    requirements: Workload, analysis: AppAnalysis, environments: list[str] | None = None
) -> ScalingStrategy:
    """Decide replicas, HPA and PDB per environment; what is stated holds in every one."""
    workload, _ = choose_workload(requirements, analysis)
    low, high, why = prod_replica_range(requirements, analysis, workload)
    runtime = runtime_for(requirements)
    scales = workload in ("Deployment", "StatefulSet")
    elastic = scales and autoscales(requirements, analysis, workload)
    staging_low = min(low, 2)
    staging_high = min(high, max(staging_low + 1, high // 2)) if high > low else staging_low
    ranges = {"prod": (low, high), "staging": (staging_low, staging_high), "dev": (1, 1)}
    if requirements.replicas is not None:
        ranges = {env: (low, high) for env in ranges}
    stated_memory = requirements.target_memory
    envs: dict[str, ScalingSpec] = {}
    for env in environments or environments_of(requirements):
        lo, hi = ranges[env]
        hpa = elastic and hi > lo
        follows = runtime.memory_follows_load
        # A stated minAvailable over a single replica the request did not ask for (dev) would
        # block every node drain: that environment runs without the budget.
        stated = requirements.disruption
        blocking = (
            stated is not None
            and requirements.replicas is None
            and hi < 2
            and stated.min_available not in ("", "0", "0%")
        )
        budget = scales and not blocking
        envs[env] = ScalingSpec(
            replicas=lo,
            autoscaling=hpa,
            min_replicas=lo,
            max_replicas=max(lo, hi),
            target_cpu=requirements.target_cpu or (80 if env == "dev" else 70),
            target_memory=stated_memory or (80 if hpa and follows else None),
            pdb_min_available=(
                pdb_min_available(lo) if (lo >= 2 or requirements.disruption) and budget else None
            ),
            pdb=requirements.disruption if budget else None,
        )
    reasons = [f"production: {why}"]
    if requirements.replicas is not None:
        reasons.append("the stated replica range holds in every environment")
    if workload in ("DaemonSet", *BATCH_KINDS):
        reasons.append(f"{workload}: no HPA and no PodDisruptionBudget")
    else:
        reasons += [
            "staging mirrors production at a smaller scale; dev runs one replica without HPA "
            "or PDB",
            f"HPA targets {requirements.target_cpu or 70}% CPU"
            + (
                " as stated"
                if requirements.target_cpu
                else ": headroom for the minute a new pod needs to become ready"
            ),
            "PDB as stated"
            if requirements.disruption
            else "PDB minAvailable is half the baseline (at least 1) so drains proceed",
        ]
        if any(spec.autoscaling for spec in envs.values()) and not stated_memory:
            reasons.append(
                f"{runtime.label} gives memory back after load: memory target 80% as well"
                if runtime.memory_follows_load
                else f"{runtime.label} keeps its heap after load: CPU target only"
            )
    return ScalingStrategy(environments=envs, reasoning="; ".join(reasons))
