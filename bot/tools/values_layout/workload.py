"""The values of one workload: its container, probes, sizes, scaling, exposure and storage.

The main workload's keys sit at the top of values.yaml (the familiar ``helm create`` layout) and
each further component has the same keys under ``components.<name>``; both are built here from
the same plan pieces, so a fact lands the same way whichever workload states it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.tools.datastores import DATASTORES
from bot.tools.models import (
    AppAnalysis,
    Connection,
    ExtraContainer,
    HelmDependency,
    Image,
    ResourceEstimate,
    ScalingSpec,
    ScalingStrategy,
    Volume,
    Workload,
    WorkloadKind,
)

Values = dict[str, Any]
UID = 10001  # above 10000: no clash with host users (Trivy KSV020/KSV021)
TOPOLOGY_KEYS = ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
UNPRIVILEGED_PORT_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


@dataclass
class Part:
    """One workload as the values see it: its facts and the planner's decisions about it."""

    name: str
    w: Workload
    analysis: AppAnalysis
    kind: WorkloadKind
    resources: ResourceEstimate
    scaling: ScalingStrategy
    connections: list[Connection]
    init_containers: list[ExtraContainer] = field(default_factory=list)
    sidecars: list[ExtraContainer] = field(default_factory=list)


def spread_constraints() -> list[Values]:
    """Spread replicas over zones and nodes without ever blocking scheduling on small clusters."""
    return [
        {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway"}
        for key in TOPOLOGY_KEYS
    ]


def image_values(image: Image) -> Values:
    """Return an image reference in the chart's registry/repository/tag/digest shape."""
    return {
        "registry": image.registry or "docker.io",
        "repository": image.repository
        if "/" in image.repository or image.registry
        else f"library/{image.repository}",
        "tag": image.tag,
        "digest": image.digest,
    }


def pod_security_context(low_port: int | None = None) -> Values:
    """Restricted pod security; a port below 1024 lowers the unprivileged-port floor instead
    of adding NET_BIND_SERVICE (a safe sysctl that Pod Security baseline and restricted allow)."""
    context: Values = {
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "fsGroup": UID,
        "fsGroupChangePolicy": "OnRootMismatch",
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    if low_port is not None:
        context["sysctls"] = [{"name": UNPRIVILEGED_PORT_SYSCTL, "value": str(low_port)}]
    return context


def container_security_context() -> Values:
    """Restricted container security: never a capability added back."""
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def low_port(part: Part) -> int | None:
    """Return the lowest port below 1024 the workload listens on, if any."""
    low = [p.port for p in part.w.ports if p.port < 1024]
    return min(low) if low else None


def _probe(part: Part, kind: str) -> Values:
    """Return one probe's values: the one stated for this kind, else the workload's probe."""
    probe = part.analysis.probes.get(kind, part.analysis.probe)
    ports = part.w.ports
    port: str | int = probe.port or (ports[0].name if ports else "http")
    if probe.kind == "none" or part.kind in ("CronJob", "Job"):
        return {"enabled": False}
    handler: Values
    if probe.kind == "http":
        handler = {"httpGet": {"path": probe.path or "/", "port": port}}
    elif probe.kind == "grpc":
        number = next((p.port for p in ports if p.name == port), ports[0].port if ports else 50051)
        handler = {"grpc": {"port": int(port) if str(port).isdigit() else number}}
    elif probe.kind == "exec":
        handler = {"exec": {"command": probe.command}}
    else:
        handler = {"tcpSocket": {"port": port}}
    timing = {
        "liveness": {"periodSeconds": 10, "timeoutSeconds": 3, "failureThreshold": 3},
        "readiness": {"periodSeconds": 5, "timeoutSeconds": 3, "failureThreshold": 3},
        "startup": {
            "periodSeconds": 5,
            "timeoutSeconds": 3,
            "failureThreshold": max(6, part.analysis.startup_seconds // 5 * 2 + 6),
        },
    }[kind]
    return {"enabled": True, **handler, **timing}


def extra_container(extra: ExtraContainer, fallback: Image | None) -> Values:
    """Return an init container or sidecar in the values' container shape."""
    image = extra.image or fallback
    container: Values = {"name": extra.name}
    if image is not None:
        container["image"] = image_values(image)
    if extra.command:
        container["command"] = extra.command
    return container


def scaling_values(spec: ScalingSpec) -> tuple[int, Values, Values]:
    """Return replicaCount, autoscaling and podDisruptionBudget values for one environment."""
    autoscaling: Values = {
        "enabled": spec.autoscaling,
        "minReplicas": spec.min_replicas,
        "maxReplicas": spec.max_replicas,
        "targetCPUUtilizationPercentage": spec.target_cpu,
        "targetMemoryUtilizationPercentage": spec.target_memory,
    }
    pdb: Values = {
        "enabled": spec.pdb_min_available is not None or spec.pdb is not None,
        "minAvailable": spec.pdb_min_available or 1,
    }
    if spec.pdb is not None:
        if spec.pdb.max_unavailable:
            pdb["maxUnavailable"] = _int_or_percent(spec.pdb.max_unavailable)
        elif spec.pdb.min_available:
            pdb["minAvailable"] = _int_or_percent(spec.pdb.min_available)
    return spec.replicas, autoscaling, pdb


def _int_or_percent(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def resources_values(part: Part, env: str) -> Values:
    """Return requests and limits for one environment; a GPU is an extended-resource limit."""
    spec = part.resources.environments[env]
    limits: Values = {"cpu": spec.limits.cpu, "memory": spec.limits.memory}
    if part.w.gpu:
        limits["nvidia.com/gpu"] = part.w.gpu
    return {
        "requests": {"cpu": spec.requests.cpu, "memory": spec.requests.memory},
        "limits": limits,
    }


def _claim(volume: Volume) -> Values:
    return {
        "enabled": True,
        "size": volume.size,
        "storageClass": volume.storage_class,
        "accessModes": [volume.access_mode],
        "mountPath": volume.mount_path,
        "existingClaim": volume.existing_claim,
    }


def persistence_values(part: Part) -> tuple[Values, list[Values]]:
    """Return the workload's first persistent volume and the further ones."""
    volumes = [v for v in part.w.volumes if v.claimed]
    if not volumes:
        return {
            "enabled": False,
            "size": "8Gi",
            "storageClass": "",
            "accessModes": ["ReadWriteOnce"],
            "mountPath": "/data",
            "existingClaim": "",
        }, []
    names: set[str] = {"data"}
    extra = []
    for volume in volumes[1:]:
        name = volume.name if volume.name not in names else f"{volume.name}-{len(names)}"
        names.add(name)
        extra.append({"name": name, **_claim(volume)})
    return _claim(volumes[0]), extra


def _writable_dirs(part: Part, persistence: Values, extra: list[Values]) -> list[Values]:
    taken = {persistence["mountPath"]} if persistence["enabled"] else set()
    taken |= {v["mountPath"] for v in extra}
    taken |= {m.mount_path for m in part.w.config_mounts}
    taken |= {m.mount_path or m.host_path for m in part.w.host_mounts}
    taken |= {m.mount_path for m in part.w.secret_mounts}
    paths = [*part.analysis.writable_paths]
    paths += [v.mount_path for v in part.w.volumes if not v.claimed]
    dirs = []
    for index, path in enumerate(dict.fromkeys(paths)):
        if path in taken:
            continue
        name = "tmp" if path == "/tmp" else f"scratch-{index}"
        dirs.append({"name": name, "mountPath": path, "sizeLimit": "256Mi"})
    return dirs


def ports_values(part: Part) -> tuple[list[Values], list[Values]]:
    """Return the container ports and the Service ports that target them by name."""
    ports = part.w.ports
    container = [{"name": p.name, "containerPort": p.port, "protocol": p.protocol} for p in ports]
    service = [
        {
            "name": p.name,
            "port": p.service_port or (80 if i == 0 and p.name == "http" else p.port),
            "targetPort": p.name,
            "protocol": p.protocol,
        }
        for i, p in enumerate(ports)
        if p.expose
    ]
    return container, service


def connection_values(part: Part, deps: list[HelmDependency]) -> list[Values]:
    """Group the workload's connection variables by the bundled datastore they reach."""
    by_kind = {d.kind: d for d in reversed(deps)} | {d.name: d for d in deps}
    grouped: dict[str, Values] = {}
    for conn in part.connections:
        dep = by_kind.get(conn.dependency)
        if dep is None:
            continue
        entry = grouped.setdefault(
            dep.name, {"name": dep.name, "port": dep.port, "scheme": "", "env": [], "urlPath": ""}
        )
        env: Values = {"name": conn.env, "from": conn.part}
        if conn.with_port:
            env["withPort"] = True
        entry["env"].append(env)
        if conn.part == "url":
            entry["scheme"] = conn.url_scheme or DATASTORES[dep.kind].url_scheme
            entry["urlPath"] = conn.url_path
    return list(grouped.values())


def cronjob_values(part: Part) -> Values:
    """Return the CronJob or Job settings, with what the request states about them."""
    if part.kind == "Job":
        return {"backoffLimit": 2, "activeDeadlineSeconds": 3600, "ttlSecondsAfterFinished": 86400}
    cron = part.w.cron
    said = cron.model_dump() if cron else {}
    return {
        "schedule": part.w.schedule or "0 3 * * *",
        "timeZone": said.get("time_zone", ""),
        "concurrencyPolicy": said.get("concurrency_policy") or "Forbid",
        "suspend": bool(said.get("suspend")),
        "successfulJobsHistoryLimit": _stated(said.get("successful_jobs_history_limit"), 3),
        "failedJobsHistoryLimit": _stated(said.get("failed_jobs_history_limit"), 1),
        "startingDeadlineSeconds": _stated(said.get("starting_deadline_seconds"), 300),
        "backoffLimit": 2,
        "activeDeadlineSeconds": 3600,
        "ttlSecondsAfterFinished": 86400,
    }


def _stated(value: object, default: int) -> object:
    return default if value is None else value


def workload_values(part: Part, deps: list[HelmDependency], fallback: Image, env: str) -> Values:
    """Return the keys one workload reads, sized for ``env`` (values.yaml: production)."""
    w = part.w
    kind = part.kind
    replicas, autoscaling, pdb = scaling_values(part.scaling.environments[env])
    container_ports, service_ports = ports_values(part)
    persistence, extra_volumes = persistence_values(part)
    values: Values = {}
    if kind in ("Deployment", "StatefulSet"):
        values["replicaCount"] = replicas
    if kind == "Deployment":
        values["updateStrategy"] = {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        }
    elif kind in ("StatefulSet", "DaemonSet"):
        values["updateStrategy"] = {"type": "RollingUpdate"}
    values |= {
        "command": w.command,
        "args": w.args,
        "containerPorts": container_ports,
        "env": [{"name": e.name, "value": e.value} for e in w.env],
        "secretEnv": [
            {"name": s.env, "secretName": s.secret_name, "key": s.key} for s in w.secrets
        ],
        "connections": connection_values(part, deps),
        "peers": [
            {"name": p.env, "component": p.component, "form": p.form, "port": p.port}
            | ({"scheme": p.scheme} if p.scheme else {})
            | ({"path": p.path} if p.path else {})
            for p in w.peers
        ],
        "configMounts": [
            {"name": f"config-{i}", "configMap": m.config_map, "mountPath": m.mount_path}
            | ({"subPath": m.sub_path} if m.sub_path else {})
            for i, m in enumerate(w.config_mounts)
        ],
        "secretMounts": [
            {"name": f"secret-{i}", "secretName": m.secret_name, "mountPath": m.mount_path}
            for i, m in enumerate(w.secret_mounts)
        ],
        "hostMounts": [
            {
                "name": f"host-{i}",
                "hostPath": m.host_path,
                "mountPath": m.mount_path or m.host_path,
                "readOnly": m.read_only,
            }
            for i, m in enumerate(w.host_mounts)
        ],
        "livenessProbe": _probe(part, "liveness"),
        "readinessProbe": _probe(part, "readiness"),
        "startupProbe": _probe(part, "startup"),
        "resources": resources_values(part, env),
        "writableDirs": _writable_dirs(part, persistence, extra_volumes),
        "terminationGracePeriodSeconds": part.analysis.graceful_shutdown_seconds,
        "podAnnotations": {},
        "podLabels": {},
        "nodeSelector": dict(w.node_selector),
        "tolerations": [
            {k: v for k, v in t.model_dump().items() if v != ""} for t in w.tolerations
        ],
        "affinity": {},
        "topologySpreadConstraints": (
            spread_constraints()
            if kind in ("Deployment", "StatefulSet")
            and max(replicas, autoscaling["minReplicas"] if autoscaling["enabled"] else 0) > 1
            else []
        ),
        "initContainers": [extra_container(c, fallback) for c in part.init_containers],
        "sidecars": [extra_container(c, fallback) for c in part.sidecars],
    }
    if kind in ("CronJob", "Job"):
        values["cronjob"] = cronjob_values(part)
    has_service = bool(service_ports) and kind not in ("CronJob", "Job")
    values["service"] = {
        "enabled": has_service,
        "type": w.service_type or "ClusterIP",
        "annotations": {},
        "ports": service_ports,
    }
    if part.analysis.session_affinity:
        values["service"]["sessionAffinity"] = "ClientIP"
    if kind in ("Deployment", "StatefulSet"):
        autoscaling["targetKind"] = kind
        autoscaling["behavior"] = {"scaleDown": {"stabilizationWindowSeconds": 300}}
        values["autoscaling"] = autoscaling
        values["podDisruptionBudget"] = pdb
    values["persistence"] = persistence
    values["extraVolumes"] = extra_volumes
    return values


def environment_values(part: Part, env: str) -> Values:
    """Return one environment's overrides for a workload: only what the request left open."""
    values: Values = {}
    if not (part.w.resources or part.w.limits):
        values["resources"] = resources_values(part, env)
    spec = part.scaling.environments.get(env)
    if spec is not None and part.kind in ("Deployment", "StatefulSet") and part.w.replicas is None:
        replicas, autoscaling, pdb = scaling_values(spec)
        values["replicaCount"] = replicas
        values["autoscaling"] = autoscaling
        values["podDisruptionBudget"] = pdb
    return values
