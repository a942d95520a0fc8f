"""What a chart costs to run, from its values, with every price stated.

The estimate prices what the chart *reserves* (resource requests × replicas, plus volumes), which
is what a cluster must provision for it; real usage and discounts vary, so the prices and rules
are listed in the estimate's assumptions where the pull request shows them. This module also holds
the small readers the optimizer shares: effective values per environment and the workload kind.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, cast

from bot.tools.models import ENVIRONMENTS, ChartDraft, CostEstimate, EnvironmentCost, WorkloadKind
from bot.tools.planning import DATASTORES, parse_cpu_m, parse_memory_mi

HOURS_PER_MONTH = 730
# OpenCost's default price sheet (configs/default.json, "Default prices based on GCP
# us-central1"), the same order as AWS m6i.large on-demand ($0.096/h for 2 vCPU + 8 GiB).
USD_PER_VCPU_HOUR = 0.031611
USD_PER_GIB_HOUR = 0.004237
# SSD-backed default storage classes: GCP pd-balanced and AWS EBS gp2 list at $0.10/GiB-month.
USD_PER_GIB_MONTH_STORAGE = 0.10
DAEMONSET_NODES = 3

_KINDS: tuple[WorkloadKind, ...] = ("Deployment", "StatefulSet", "CronJob", "DaemonSet", "Job")


# --------------------------------------------------------------------------- reading values


def get_path(values: dict[str, object], path: str) -> object:
    """Return the value at a dotted path, or None when any part is missing."""
    node: object = values
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _merge(base: dict[str, object], override: dict[str, object]) -> dict[str, object]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _merge(cast(dict[str, object], current), cast(dict[str, object], value))
        elif value is None:
            # Helm deletes a key that an override file sets to null.
            merged.pop(key, None)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def effective_values(draft: ChartDraft, environment: str) -> dict[str, object]:
    """Return values.yaml merged with values-<environment>.yaml, the way Helm combines them."""
    if not environment:
        return copy.deepcopy(draft.values)
    return _merge(draft.values, draft.environment_values.get(environment, {}))


def draft_environments(draft: ChartDraft) -> list[str]:
    """Return the environments the draft has override files for; [''] when it has none."""
    found: list[str] = [env for env in ENVIRONMENTS if env in draft.environment_values]
    return found or [""]


def draft_workload(draft: ChartDraft) -> WorkloadKind:
    """Return the workload kind the chart renders, read from its values or file names."""
    for key in ("workload", "kind"):
        value = draft.values.get(key)
        if isinstance(value, str) and value in _KINDS:
            return value
        if isinstance(value, dict):
            nested = value.get("kind")
            if isinstance(nested, str) and nested in _KINDS:
                return nested
    named = [k for k in _KINDS if f"templates/{k.lower()}.yaml" in draft.files]
    if len(named) == 1:
        return named[0]
    # The values layout differs by kind: batch kinds carry a `cronjob` block (with a schedule
    # for CronJob), only Deployment/StatefulSet have replicaCount, and only a Deployment's
    # rolling update has maxSurge.
    values = draft.values
    batch = values.get("cronjob")
    if isinstance(batch, dict):
        return "CronJob" if "schedule" in batch else "Job"
    strategy = values.get("updateStrategy")
    if isinstance(strategy, dict):
        if "replicaCount" not in values:
            return "DaemonSet"
        if get_path(strategy, "rollingUpdate.maxSurge") is None:
            return "StatefulSet"
    return "Deployment"


def replica_bounds(values: dict[str, object], workload: WorkloadKind) -> tuple[int, int]:
    """Return the fewest and most pods the workload runs with these values."""
    if workload in ("CronJob", "Job"):
        return 0, 1
    if workload == "DaemonSet":
        return DAEMONSET_NODES, DAEMONSET_NODES
    replicas = _int(values.get("replicaCount"), 1)
    if get_path(values, "autoscaling.enabled") is True:
        low = _int(get_path(values, "autoscaling.minReplicas"), replicas)
        return low, max(low, _int(get_path(values, "autoscaling.maxReplicas"), low))
    return replicas, replicas


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


# --------------------------------------------------------------------------- pricing


def _requests(block: object) -> tuple[float, float]:
    """Return (millicores, MiB) requested by a resources block; missing parts count as 0."""
    requests = block.get("requests") if isinstance(block, dict) else None
    if not isinstance(requests, dict):
        return 0.0, 0.0
    return parse_cpu_m(requests.get("cpu")) or 0.0, parse_memory_mi(requests.get("memory")) or 0.0


def _pod_requests(values: dict[str, object]) -> tuple[float, float]:
    cpu, memory = _requests(values.get("resources"))
    sidecars = values.get("sidecars")
    for sidecar in sidecars if isinstance(sidecars, list) else []:
        if isinstance(sidecar, dict):
            extra_cpu, extra_memory = _requests(sidecar.get("resources"))
            cpu, memory = cpu + extra_cpu, memory + extra_memory
    return cpu, memory


def _size_gib(value: object) -> float:
    return (parse_memory_mi(value) or 0.0) / 1024


def _subchart(name: str, block: dict[str, object]) -> tuple[float, float, float, int]:
    """Return (millicores, MiB, GiB of storage, replicas) for an enabled bundled subchart."""
    store = DATASTORES[name]
    cpu, memory = _requests(block.get("resources") or get_path(block, "primary.resources"))
    cpu = cpu or store.cpu_m
    memory = memory or store.memory_mi
    persistence = block.get("persistence") or get_path(block, "primary.persistence")
    if isinstance(persistence, dict):
        size = _size_gib(persistence.get("size")) if persistence.get("enabled", True) else 0.0
    else:
        size = float(store.storage_gi)
    return cpu, memory, size, _int(block.get("replicaCount"), 1)


def _monthly(cpu_m: float, memory_mi: float) -> float:
    per_hour = cpu_m / 1000 * USD_PER_VCPU_HOUR + memory_mi / 1024 * USD_PER_GIB_HOUR
    return per_hour * HOURS_PER_MONTH


@dataclass
class _Reserved:
    """What workloads reserve at their fewest and most pods: millicores, MiB, GiB of volumes."""

    cpu: tuple[float, float] = (0.0, 0.0)
    memory: tuple[float, float] = (0.0, 0.0)
    storage: tuple[float, float] = (0.0, 0.0)
    pods: tuple[int, int] = (0, 0)

    def __add__(self, other: _Reserved) -> _Reserved:
        def pair(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
            return a[0] + b[0], a[1] + b[1]

        return _Reserved(
            pair(self.cpu, other.cpu),
            pair(self.memory, other.memory),
            pair(self.storage, other.storage),
            pair(self.pods, other.pods),
        )


def _claimed_gib(values: dict[str, object]) -> float:
    """The volumes one pod claims: its persistence block and any further sized volumes."""
    size = 0.0
    if get_path(values, "persistence.enabled") is True:
        size += _size_gib(get_path(values, "persistence.size"))
    extra = values.get("extraVolumes")
    for volume in extra if isinstance(extra, list) else []:
        if isinstance(volume, dict) and volume.get("size"):
            size += _size_gib(volume.get("size"))
    return size


def _workload_reserved(values: dict[str, object], workload: WorkloadKind) -> _Reserved:
    """One workload's reservation; a hook Job runs for moments at install and upgrade only."""
    if values.get("hook"):
        return _Reserved()
    low, high = replica_bounds(values, workload)
    cpu, memory = _pod_requests(values)
    volume = _claimed_gib(values)
    # A StatefulSet claims one volume per replica; a Deployment shares its single claim.
    per_replica = workload == "StatefulSet"
    return _Reserved(
        (cpu * low, cpu * high),
        (memory * low, memory * high),
        (volume * low, volume * high) if per_replica else (volume, volume),
        (low, high),
    )


def _components_reserved(values: dict[str, object]) -> _Reserved:
    total = _Reserved()
    components = values.get("components")
    for block in components.values() if isinstance(components, dict) else []:
        kind = block.get("kind") if isinstance(block, dict) else None
        if isinstance(block, dict) and block.get("enabled") is True and kind in _KINDS:
            total += _workload_reserved(block, cast(WorkloadKind, kind))
    return total


def _datastores_reserved(values: dict[str, object]) -> _Reserved:
    total = _Reserved()
    for name in DATASTORES:
        block = values.get(name)
        if isinstance(block, dict) and block.get("enabled") is True:
            cpu, memory, storage, replicas = _subchart(name, block)
            total += _Reserved(
                (cpu * replicas,) * 2, (memory * replicas,) * 2, (storage * replicas,) * 2
            )
    return total


def _environment_cost(values: dict[str, object], workload: WorkloadKind) -> EnvironmentCost:
    main = _workload_reserved(values, workload)
    total = main + _components_reserved(values) + _datastores_reserved(values)
    storage_price = USD_PER_GIB_MONTH_STORAGE
    return EnvironmentCost(
        replicas_min=main.pods[0],
        replicas_max=main.pods[1],
        cpu_cores=round(total.cpu[0] / 1000, 3),
        memory_gib=round(total.memory[0] / 1024, 3),
        storage_gib=round(total.storage[0], 3),
        monthly_usd_min=round(
            _monthly(total.cpu[0], total.memory[0]) + total.storage[0] * storage_price, 2
        ),
        monthly_usd_max=round(
            _monthly(total.cpu[1], total.memory[1]) + total.storage[1] * storage_price, 2
        ),
    )


def calculate_cost_estimate(draft: ChartDraft) -> CostEstimate:
    """Estimate the monthly cost per environment from requests, replicas and storage."""
    workload = draft_workload(draft)
    environments = {
        env or "default": _environment_cost(effective_values(draft, env), workload)
        for env in draft_environments(draft)
    }
    assumptions = [
        f"on-demand list prices: ${USD_PER_VCPU_HOUR}/vCPU-hour and ${USD_PER_GIB_HOUR}/GiB-hour "
        "(OpenCost default price sheet, GCP us-central1; close to AWS m6i.large at $0.096/h)",
        f"block storage ${USD_PER_GIB_MONTH_STORAGE:.2f}/GiB-month (GCP pd-balanced, AWS EBS gp2; "
        "gp3 lists at $0.08), billed for the full claimed size",
        f"{HOURS_PER_MONTH} hours per month",
        "priced on resource requests (what the cluster reserves), not limits or measured usage",
        "minimum = minReplicas (or replicaCount), maximum = maxReplicas when the HPA is enabled",
        "bundled datastores counted at their values' requests and volume size, else the "
        "planner's defaults",
        "every enabled component counted like the main workload; replicas are the main "
        "workload's; hook Jobs (migrations) not counted: they run only at install and upgrade",
        "not included: control plane, load balancers, network egress, node overhead, discounts",
    ]
    if workload == "DaemonSet":
        assumptions.append(f"DaemonSet priced for {DAEMONSET_NODES} nodes")
    if workload in ("CronJob", "Job"):
        assumptions.append(
            f"{workload}: minimum 0 (pods exist only while a run lasts), maximum as if one pod "
            "ran all month"
        )
    return CostEstimate(currency="USD", environments=environments, assumptions=assumptions)
