"""Requests and limits are the rules tuned most often, and they amend one working copy of an
environment's resources in order; they live together here, apart from availability and scaling,
so that the ratios they enforce read as one policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from bot.tools.cost import draft_environments, effective_values, get_path
from bot.tools.models import ChartDraft, Optimization, OptimizationReport, Plan, ValueChange
from bot.tools.optimize.helpers import Values, _label, _optimization, _plan_spec_key, _target
from bot.tools.optimize.jvm import _heap_mi, _java_options, _jvm_heap_flag
from bot.tools.optimize.tables import (
    JVM_HEAP_SHARE,
    MAX_CPU_LIMIT_RATIO,
    MAX_MEMORY_LIMIT_RATIO,
    MIN_CPU_LIMIT_RATIO_LATENCY,
)
from bot.tools.planning import (
    cpu_limit_floor_m,
    cpu_limit_m,
    format_cpu,
    format_memory,
    memory_limit_mi,
    parse_cpu_m,
    parse_memory_mi,
    runtime_for,
)
from bot.tools.values import set_path

_ChangeFn = Callable[[str, str, str], ValueChange]


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
    elif limit > math.ceil(MAX_MEMORY_LIMIT_RATIO * request) and not _stated_memory(plan):
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


def _stated_memory(plan: Plan) -> bool:
    """A memory request and limit the request states are the person's choice: kept as said."""
    said, cap = plan.requirements.resources, plan.requirements.limits
    return bool(said and said.memory and cap and cap.memory)


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
    said, cap = plan.requirements.resources, plan.requirements.limits
    stated = bool(said and said.cpu and cap and cap.cpu)  # the person's choice, kept as said
    if limit > math.ceil(MAX_CPU_LIMIT_RATIO * request) and limit > floor and not stated:
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
    limited = bool(cap and cap.cpu)  # a CPU limit the request states is kept as said
    if _latency_sensitive(plan) and limit < MIN_CPU_LIMIT_RATIO_LATENCY * request and not limited:
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
