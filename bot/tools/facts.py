"""Where each fact the request stated landed in the chart, or why it did not.

A reviewer should not have to diff a request against a values file to see that the chart says
what was asked. Every stated fact (image, ports, probes, sizes, env, Secrets, mounts, scaling,
placement, schedule, ingress, datastores) is looked up in the written ``values.yaml`` at the key
the chart reads it from, and compared with what was stated: found, it is reported with its key
and line; missing or different, it goes to the report's "not applied" list with what the chart
holds instead. Nothing here trusts the planner: it reads the file a user will install.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.tools.models import Model, Requirements, Workload
from bot.tools.planning.quantities import parse_cpu_m, parse_memory_mi

# A path into values: map keys, or ``(field, value)`` to pick the list item whose field matches.
Step = str | tuple[str, Any]
Path_ = tuple[Step, ...]
VALUES_FILE = "values.yaml"


class PlacedFact(Model):
    fact: str
    value: str
    key: str = ""
    file: str = VALUES_FILE
    line: int | None = None


class FactsReport(Model):
    facts: list[PlacedFact]
    unapplied: list[str]


def _workload_facts(w: Workload, prefix: Path_) -> Iterator[tuple[str, Any, Path_]]:
    """Yield (fact, stated value, values path) for what the request states about ``w``."""
    if w.image is not None:
        if w.image.registry:
            yield "image registry", w.image.registry, (*prefix, "image", "registry")
        yield "image", w.image.repository, (*prefix, "image", "repository")
        if w.image.tag:
            yield "image tag", w.image.tag, (*prefix, "image", "tag")
    for port in w.ports:
        ports = (*prefix, "containerPorts", ("containerPort", port.port))
        yield f"port {port.port}", port.port, (*ports, "containerPort")
        if port.protocol != "TCP":
            yield f"port {port.port} protocol", port.protocol, (*ports, "protocol")
    for env in w.env:
        yield f"env {env.name}", env.value, (*prefix, "env", ("name", env.name), "value")
    for ref in w.secrets:
        entry = (*prefix, "secretEnv", ("name", ref.env))
        yield f"env {ref.env} from a Secret", ref.key, (*entry, "key")
        if ref.secret_name:
            yield f"env {ref.env} Secret name", ref.secret_name, (*entry, "secretName")
    for kind in ("readiness", "liveness", "startup"):
        probe = getattr(w, kind)
        if probe is not None and probe.kind == "http" and probe.path:
            yield f"{kind} path", probe.path, (*prefix, f"{kind}Probe", "httpGet", "path")
    for group, hint in (("requests", w.resources), ("limits", w.limits)):
        for resource in ("cpu", "memory"):
            value = getattr(hint, resource, "") if hint else ""
            if value:
                yield f"{resource} {group}", value, (*prefix, "resources", group, resource)
    if w.gpu:
        yield "GPU", w.gpu, (*prefix, "resources", "limits", "nvidia.com/gpu")
    yield from _scaling_facts(w, prefix)
    if w.termination_grace_seconds is not None:
        grace = w.termination_grace_seconds
        yield "termination grace", grace, (*prefix, "terminationGracePeriodSeconds")
    for key, value in w.node_selector.items():
        yield f"nodeSelector {key}", value, (*prefix, "nodeSelector", key)
    for tol in w.tolerations:
        field = "effect" if tol.effect else "operator"
        path = (*prefix, "tolerations", ("key", tol.key), field)
        yield f"toleration {tol.key}", getattr(tol, field), path
    yield from _schedule_facts(w, prefix)
    for mount in w.config_mounts:
        path = (*prefix, "configMounts", ("mountPath", mount.mount_path), "configMap")
        yield f"ConfigMap at {mount.mount_path}", mount.config_map, path
    for smount in w.secret_mounts:
        path = (*prefix, "secretMounts", ("mountPath", smount.mount_path), "mountPath")
        yield f"Secret mounted at {smount.mount_path}", smount.mount_path, path
    for host in w.host_mounts:
        path = (*prefix, "hostMounts", ("hostPath", host.host_path), "readOnly")
        access = "read-only" if host.read_only else "writable"
        yield f"host path {host.host_path} {access}", host.read_only, path
    for volume in w.volumes:
        if volume.persistent and volume.size:
            yield f"volume at {volume.mount_path}", volume.size, (*prefix, "@volume", volume)
        elif volume.existing_claim:
            said = f"existing claim at {volume.mount_path}"
            yield said, volume.existing_claim, (*prefix, "@volume", volume)
    if w.service_type:
        yield "Service type", w.service_type, (*prefix, "service", "type")
    if w.command:
        yield "command", w.command, (*prefix, "command")
    if w.args:
        yield "args", w.args, (*prefix, "args")


def _scaling_facts(w: Workload, prefix: Path_) -> Iterator[tuple[str, Any, Path_]]:
    if w.replicas is not None and w.replicas.max > w.replicas.min:
        yield "min replicas", max(1, w.replicas.min), (*prefix, "autoscaling", "minReplicas")
        yield "max replicas", w.replicas.max, (*prefix, "autoscaling", "maxReplicas")
    elif w.replicas is not None and w.workload not in ("DaemonSet", "CronJob", "Job"):
        yield "replicas", w.replicas.min, (*prefix, "replicaCount")
    if w.target_cpu:
        path = (*prefix, "autoscaling", "targetCPUUtilizationPercentage")
        yield "HPA CPU target", w.target_cpu, path
    if w.target_memory:
        path = (*prefix, "autoscaling", "targetMemoryUtilizationPercentage")
        yield "HPA memory target", w.target_memory, path
    if w.disruption is not None:
        for field, key in (
            ("min_available", "minAvailable"),
            ("max_unavailable", "maxUnavailable"),
        ):
            value = getattr(w.disruption, field)
            if value:
                yield f"PDB {key}", value, (*prefix, "podDisruptionBudget", key)


def _schedule_facts(w: Workload, prefix: Path_) -> Iterator[tuple[str, Any, Path_]]:
    if not w.schedule:
        return
    yield "schedule", w.schedule, (*prefix, "cronjob", "schedule")
    cron = w.cron
    if cron is None:
        return
    for field, key in (
        ("time_zone", "timeZone"),
        ("concurrency_policy", "concurrencyPolicy"),
        ("successful_jobs_history_limit", "successfulJobsHistoryLimit"),
        ("failed_jobs_history_limit", "failedJobsHistoryLimit"),
        ("starting_deadline_seconds", "startingDeadlineSeconds"),
    ):
        value = getattr(cron, field)
        if value not in ("", None):
            yield f"CronJob {key}", value, (*prefix, "cronjob", key)


def stated_facts(req: Requirements) -> Iterator[tuple[str, Any, Path_]]:
    """Yield every fact the request states, with the values path the chart reads it from."""
    yield from _workload_facts(req, ())
    for component in req.components:
        for fact, value, path in _workload_facts(component, ("components", component.name)):
            yield f"{component.name}: {fact}", value, path
    ingress = req.ingress
    if ingress is not None:
        for host in ingress.hosts:
            yield f"ingress host {host}", host, ("ingress", "hosts", ("host", host), "host")
        if ingress.class_name:
            yield "ingress class", ingress.class_name, ("ingress", "className")
        if ingress.cluster_issuer:
            yield "cert-manager issuer", ingress.cluster_issuer, ("ingress", "clusterIssuer")
        if ingress.tls_secret:
            path = ("ingress", "tls", ("secretName", ingress.tls_secret), "secretName")
            yield "TLS Secret", ingress.tls_secret, path
    for dep in req.dependencies:
        if dep.external:
            continue  # managed elsewhere: the app reaches it, the chart does not bundle it
        yield f"bundled {dep.kind}", True, (dep.kind, "enabled")
        for field, key in (
            ("database", "database"),
            ("user", "username"),
            ("existing_secret", "existingSecret"),
            ("password_key", "key"),
        ):
            if getattr(dep, field):
                yield f"{dep.kind} {key}", getattr(dep, field), (dep.kind, "auth", key)


# ----------------------------------------------------------------------------- lookup


def _same(stated: Any, held: Any) -> bool:
    if isinstance(stated, bool) or isinstance(held, bool):
        return stated == held
    if stated == held or str(stated) == str(held):
        return True
    for parse in (parse_cpu_m, parse_memory_mi):
        a, b = parse(stated), parse(held)
        if a is not None and b is not None and a == b:
            return True
    return False


def _resolve(values: Any, path: Path_) -> tuple[list[str | int], Any] | None:
    """Follow ``path`` through ``values``; return the concrete key path and the value held."""
    here: Any = values
    concrete: list[str | int] = []
    for step in path:
        if isinstance(step, tuple):
            field, wanted = step
            if not isinstance(here, list):
                return None
            found = [
                i
                for i, item in enumerate(here)
                if isinstance(item, dict) and _same(wanted, item.get(field))
            ]
            if not found:
                return None
            concrete.append(found[0])
            here = here[found[0]]
        else:
            if not isinstance(here, dict) or step not in here:
                return None
            concrete.append(step)
            here = here[step]
    return concrete, here


def _volume(values: dict[str, Any], prefix: Path_, volume: Any) -> Path_:
    """Return where a stated volume's size (or existing claim) is: the main persistence, or
    one of extraVolumes."""
    here = _resolve(values, prefix)
    block = here[1] if here else {}
    persistence = block.get("persistence") or {}
    key = "size" if volume.size else "existingClaim"
    if persistence.get("mountPath") == volume.mount_path:
        return (*prefix, "persistence", key)
    return (*prefix, "extraVolumes", ("mountPath", volume.mount_path), key)


def _key(concrete: list[str | int]) -> str:
    out = ""
    for part in concrete:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "." in part or "/" in part:
            out += f'["{part}"]'
        else:
            out += ("." if out else "") + part
    return out


def _line(root: yaml.Node | None, concrete: list[str | int]) -> int | None:
    node = root
    for part in concrete:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            return None
    return node.start_mark.line + 1 if node is not None else None


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def place_facts(req: Requirements, chart_dir: Path) -> FactsReport:
    """Look each stated fact up in the chart's values.yaml; list what is not there as unapplied."""
    text = (chart_dir / VALUES_FILE).read_text(encoding="utf-8")
    values = yaml.safe_load(text) or {}
    root = yaml.compose(text)
    placed: list[PlacedFact] = []
    unapplied = list(req.unapplied)
    for fact, stated, path in stated_facts(req):
        if len(path) >= 2 and path[-2] == "@volume":
            path = _volume(values, path[:-2], path[-1])
        found = _resolve(values, path)
        if found is not None and _same(stated, found[1]):
            concrete = found[0]
            placed.append(
                PlacedFact(
                    fact=fact, value=_shown(stated), key=_key(concrete), line=_line(root, concrete)
                )
            )
        else:
            held = f"it holds {_shown(found[1])!r}" if found else "the chart has no such setting"
            unapplied.append(f"{fact} = {_shown(stated)}: {held}")
    return FactsReport(facts=placed, unapplied=unapplied)
