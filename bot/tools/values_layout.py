"""The layout of a generated chart's values: every key, its documentation, and its default.

The generic templates in ``bot/chart_templates`` read exactly these keys; the plan decides their
values. Keeping the layout, its ``@param`` text and the plan-to-values mapping together means a
new key is added in one place.
"""

from __future__ import annotations

from typing import Any

from bot.tools.models import ExtraContainer, HelmDependency, Image, Plan, ScalingSpec

Values = dict[str, Any]
UID = 10001  # above 10000: no clash with host users (Trivy KSV020/KSV021)

SECTIONS: dict[str, tuple[str, ...]] = {
    "Common parameters": ("nameOverride", "fullnameOverride", "commonLabels", "commonAnnotations"),
    "Image": ("image", "imagePullSecrets"),
    "Workload": (
        "replicaCount",
        "updateStrategy",
        "command",
        "args",
        "containerPorts",
        "env",
        "existingSecret",
        "secretEnv",
        "config",
        "extraEnvFrom",
        "connections",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "resources",
        "podSecurityContext",
        "containerSecurityContext",
        "writableDirs",
        "terminationGracePeriodSeconds",
        "podAnnotations",
        "podLabels",
        "nodeSelector",
        "tolerations",
        "affinity",
        "topologySpreadConstraints",
        "priorityClassName",
        "initContainers",
        "sidecars",
        "cronjob",
    ),
    "Exposure": ("serviceAccount", "service", "ingress"),
    "Availability": ("autoscaling", "podDisruptionBudget"),
    "Network policy": ("networkPolicy",),
    "Persistence": ("persistence",),
    "Tests": ("tests",),
}

PARAMS: dict[str, str] = {
    "nameOverride": "Override the chart name used in resource names",
    "fullnameOverride": "Override the full resource name",
    "commonLabels": "Labels added to every object",
    "commonAnnotations": "Annotations added to every object",
    "image.registry": "Image registry",
    "image.repository": "Image repository",
    "image.tag": "Image tag (pinned; never latest)",
    "image.digest": "Image digest (sha256:...); overrides the tag when set",
    "image.pullPolicy": "Image pull policy",
    "imagePullSecrets": "Existing Secrets for pulling from a private registry",
    "replicaCount": "Number of replicas when autoscaling is disabled",
    "updateStrategy": "Update strategy of the workload",
    "command": "Override the container's entrypoint",
    "args": "Override the container's arguments",
    "containerPorts": "Ports the container listens on",
    "env": "Plain environment variables (never secrets)",
    "existingSecret": "Existing Secret that secretEnv entries read from by default",
    "secretEnv": "Environment variables read from existing Secrets (name, secretName, key)",
    "config": "Non-secret settings stored in a ConfigMap and exposed as environment variables",
    "extraEnvFrom": "Existing ConfigMaps or Secrets whose keys all become environment variables",
    "connections": "Bundled dependencies whose host and port are passed as environment variables",
    "livenessProbe": "Liveness probe (set enabled: false to remove)",
    "readinessProbe": "Readiness probe (set enabled: false to remove)",
    "startupProbe": "Startup probe (set enabled: false to remove)",
    "resources": "CPU and memory requests and limits",
    "podSecurityContext": "Pod security context (Pod Security Standards: restricted)",
    "containerSecurityContext": "Container security context (Pod Security Standards: restricted)",
    "writableDirs": "emptyDir mounts for paths the app writes under a read-only root filesystem",
    "terminationGracePeriodSeconds": "Seconds the app gets to shut down gracefully",
    "podAnnotations": "Annotations for the pods",
    "podLabels": "Labels for the pods",
    "nodeSelector": "Node labels for pod assignment",
    "tolerations": "Tolerations for pod assignment",
    "affinity": "Affinity rules for pod assignment",
    "topologySpreadConstraints": "Spread constraints; the pod selector is filled in by the chart",
    "priorityClassName": "PriorityClass of the pods",
    "initContainers": "Init containers (restricted security context unless they set one)",
    "sidecars": "Sidecar containers (restricted security context unless they set one)",
    "cronjob": "CronJob schedule and job settings",
    "serviceAccount.create": "Create a ServiceAccount",
    "serviceAccount.name": "ServiceAccount name (generated when empty)",
    "serviceAccount.annotations": "ServiceAccount annotations (e.g. cloud IAM bindings)",
    "serviceAccount.automountServiceAccountToken": "Mount the API token (only if needed)",
    "service.enabled": "Create a Service",
    "service.type": "Service type",
    "service.annotations": "Service annotations",
    "service.ports": "Service ports, each targeting a named container port",
    "ingress.enabled": "Create an Ingress",
    "ingress.className": "IngressClass name",
    "ingress.annotations": "Ingress annotations",
    "ingress.clusterIssuer": "cert-manager ClusterIssuer that issues the TLS certificate",
    "ingress.hosts": "Hosts and paths routed to the Service",
    "ingress.tls": "TLS hosts and the Secret holding their certificate",
    "autoscaling.enabled": "Create a HorizontalPodAutoscaler",
    "autoscaling.minReplicas": "Minimum replicas",
    "autoscaling.maxReplicas": "Maximum replicas",
    "autoscaling.targetCPUUtilizationPercentage": "Target average CPU utilisation",
    "autoscaling.targetMemoryUtilizationPercentage": "Target memory utilisation (null = off)",
    "autoscaling.targetKind": "Kind of the workload the autoscaler scales",
    "autoscaling.behavior": "Scaling behaviour (stabilisation windows, policies)",
    "podDisruptionBudget.enabled": "Create a PodDisruptionBudget",
    "podDisruptionBudget.minAvailable": "Pods kept available during voluntary disruptions",
    "networkPolicy.enabled": "Create a NetworkPolicy (default deny, explicit allowances)",
    "networkPolicy.allowSameNamespace": "Allow the release namespace's pods in",
    "networkPolicy.ingressControllerNamespace": "Ingress controller namespace allowed in",
    "networkPolicy.allowHttpsEgress": "Allow outgoing HTTPS (TCP 443) anywhere",
    "networkPolicy.extraIngress": "Extra ingress rules",
    "networkPolicy.extraEgress": "Extra egress rules",
    "persistence.enabled": "Mount a persistent volume",
    "persistence.size": "Volume size",
    "persistence.storageClass": "StorageClass (empty = cluster default)",
    "persistence.accessModes": "Access modes",
    "persistence.mountPath": "Where the volume is mounted",
    "persistence.existingClaim": "Use an existing PersistentVolumeClaim instead of creating one",
    "tests.enabled": "Install the `helm test` connection test",
    "tests.image": "Image of the connection test",
}


TOPOLOGY_KEYS = ("topology.kubernetes.io/zone", "kubernetes.io/hostname")


def spread_constraints() -> list[Values]:
    """Spread replicas over zones and nodes without ever blocking scheduling on small clusters."""
    return [
        {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway"}
        for key in TOPOLOGY_KEYS
    ]


def section_of(key: str) -> str:
    """Return the ``@section`` a top-level key belongs to."""
    for section, keys in SECTIONS.items():
        if key in keys:
            return section
    return "Dependencies"


def describe_extra(key: str, value: object) -> str:
    """Describe a top-level key that is not in the fixed layout (a bundled dependency)."""
    if isinstance(value, dict) and "enabled" in value:
        return f"Bundled {key} subchart (set enabled: false to use an external service)"
    return f"{key} settings"


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


def _probe(plan: Plan, kind: str) -> Values:
    """Return one probe's values from the analysis' probe choice."""
    probe = plan.analysis.probe
    ports = plan.requirements.ports
    port: str | int = probe.port or (ports[0].name if ports else "http")
    if probe.kind == "none" or plan.architecture.workload in ("CronJob", "Job"):
        return {"enabled": False}
    handler: Values
    if probe.kind == "http":
        handler = {"httpGet": {"path": probe.path or "/", "port": port}}
    elif probe.kind == "grpc":
        number = next((p.port for p in ports if p.name == port), ports[0].port if ports else 50051)
        handler = {"grpc": {"port": number}}
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
            "failureThreshold": max(6, plan.analysis.startup_seconds // 5 * 2 + 6),
        },
    }[kind]
    return {"enabled": True, **handler, **timing}


def _container(extra: ExtraContainer, fallback: Image | None) -> Values:
    """Return an init container or sidecar in the values' container shape."""
    image = extra.image or fallback
    container: Values = {"name": extra.name}
    if image is not None:
        container["image"] = image_values(image)
    if extra.command:
        container["command"] = extra.command
    return container


def _scaling(spec: ScalingSpec) -> tuple[int, Values, Values]:
    """Return replicaCount, autoscaling and podDisruptionBudget values for one environment."""
    autoscaling: Values = {
        "enabled": spec.autoscaling,
        "minReplicas": spec.min_replicas,
        "maxReplicas": spec.max_replicas,
        "targetCPUUtilizationPercentage": spec.target_cpu,
        "targetMemoryUtilizationPercentage": spec.target_memory,
    }
    pdb: Values = {
        "enabled": spec.pdb_min_available is not None,
        "minAvailable": spec.pdb_min_available or 1,
    }
    return spec.replicas, autoscaling, pdb


def _resources(plan: Plan, env: str) -> Values:
    spec = plan.resources.environments[env]
    return {
        "requests": {"cpu": spec.requests.cpu, "memory": spec.requests.memory},
        "limits": {"cpu": spec.limits.cpu, "memory": spec.limits.memory},
    }


def _default_env(plan: Plan) -> str:
    """The environment whose sizes are values.yaml's defaults: production, as stated."""
    envs = plan.resources.environments
    return "prod" if "prod" in envs else next(iter(envs))


def _ingress(plan: Plan, service_port: str) -> Values:
    ingress = plan.requirements.ingress
    if ingress is None or not ingress.hosts:
        return {
            "enabled": False,
            "className": "",
            "annotations": {},
            "clusterIssuer": "",
            "hosts": [],
            "tls": [],
        }
    secret = ingress.tls_secret or f"{plan.chart_name}-tls"
    return {
        "enabled": True,
        "className": ingress.class_name,
        "annotations": {},
        "clusterIssuer": ingress.cluster_issuer,
        "hosts": [
            {
                "host": host,
                "paths": [
                    {"path": ingress.path or "/", "pathType": "Prefix", "servicePort": service_port}
                ],
            }
            for host in ingress.hosts
        ],
        "tls": [{"secretName": secret, "hosts": list(ingress.hosts)}] if ingress.tls else [],
    }


def _persistence(plan: Plan) -> Values:
    volume = next((v for v in plan.requirements.volumes if v.persistent and v.size), None)
    if volume is None:
        return {
            "enabled": False,
            "size": "8Gi",
            "storageClass": "",
            "accessModes": ["ReadWriteOnce"],
            "mountPath": "/data",
            "existingClaim": "",
        }
    return {
        "enabled": True,
        "size": volume.size,
        "storageClass": volume.storage_class,
        "accessModes": [volume.access_mode],
        "mountPath": volume.mount_path,
        "existingClaim": "",
    }


def _writable_dirs(plan: Plan, persistence: Values) -> list[Values]:
    dirs = []
    taken = {persistence["mountPath"]} if persistence["enabled"] else set()
    for requirement in plan.requirements.volumes:
        if not requirement.persistent or not requirement.size:
            taken.discard(requirement.mount_path)
    paths = [*plan.analysis.writable_paths]
    paths += [v.mount_path for v in plan.requirements.volumes if not (v.persistent and v.size)]
    for index, path in enumerate(dict.fromkeys(paths)):
        if path in taken:
            continue
        name = "tmp" if path == "/tmp" else f"scratch-{index}"
        dirs.append({"name": name, "mountPath": path, "sizeLimit": "256Mi"})
    return dirs


def _ports(plan: Plan) -> tuple[list[Values], list[Values]]:
    container = [
        {"name": p.name, "containerPort": p.port, "protocol": p.protocol}
        for p in plan.requirements.ports
    ]
    service = [
        {
            "name": p.name,
            "port": 80 if i == 0 and p.name == "http" else p.port,
            "targetPort": p.name,
            "protocol": p.protocol,
        }
        for i, p in enumerate(plan.requirements.ports)
        if p.expose
    ]
    return container, service


def _connections(deps: list[HelmDependency]) -> list[Values]:
    return [
        {
            "name": d.name,
            "hostEnv": f"{d.name.upper().replace('-', '_')}_HOST",
            "portEnv": f"{d.name.upper().replace('-', '_')}_PORT",
            "port": d.port,
        }
        for d in deps
    ]


def base_values(plan: Plan) -> Values:
    """Return values.yaml's content for a plan (production sizes are the defaults)."""
    req = plan.requirements
    workload = plan.architecture.workload
    default_env = _default_env(plan)
    replicas, autoscaling, pdb = _scaling(plan.scaling.environments[default_env])
    container_ports, service_ports = _ports(plan)
    persistence = _persistence(plan)
    needs_bind = plan.analysis.privileged_port
    container_security: Values = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "privileged": False,
        "capabilities": {"drop": ["ALL"], **({"add": ["NET_BIND_SERVICE"]} if needs_bind else {})},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    image = req.image or Image(repository=plan.chart_name, tag=plan.app_version)
    fallback_image = image
    values: Values = {
        "nameOverride": "",
        "fullnameOverride": "",
        "commonLabels": {},
        "commonAnnotations": {},
        "image": {**image_values(image), "pullPolicy": "IfNotPresent"},
        "imagePullSecrets": [],
    }
    if workload in ("Deployment", "StatefulSet"):
        values["replicaCount"] = replicas
    if workload == "Deployment":
        values["updateStrategy"] = {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        }
    elif workload in ("StatefulSet", "DaemonSet"):
        values["updateStrategy"] = {"type": "RollingUpdate"}
    values |= {
        "command": req.command,
        "args": req.args,
        "containerPorts": container_ports,
        "env": [{"name": e.name, "value": e.value} for e in req.env],
        "existingSecret": f"{plan.chart_name}-secrets" if req.secrets else "",
        "secretEnv": [
            {"name": s.env, "secretName": s.secret_name, "key": s.key} for s in req.secrets
        ],
        "config": {},
        "extraEnvFrom": [],
        "connections": _connections(plan.dependencies.helm_dependencies),
        "livenessProbe": _probe(plan, "liveness"),
        "readinessProbe": _probe(plan, "readiness"),
        "startupProbe": _probe(plan, "startup"),
        "resources": _resources(plan, default_env),
        "podSecurityContext": {
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "fsGroup": UID,
            "fsGroupChangePolicy": "OnRootMismatch",
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containerSecurityContext": container_security,
        "writableDirs": _writable_dirs(plan, persistence),
        "terminationGracePeriodSeconds": plan.analysis.graceful_shutdown_seconds,
        "podAnnotations": {},
        "podLabels": {},
        "nodeSelector": {},
        "tolerations": [],
        "affinity": {},
        "topologySpreadConstraints": (
            spread_constraints()
            if workload in ("Deployment", "StatefulSet")
            and max(replicas, autoscaling["minReplicas"] if autoscaling["enabled"] else 0) > 1
            else []
        ),
        "priorityClassName": "",
        "initContainers": [_container(c, fallback_image) for c in plan.dependencies.init_containers]
        + [
            _container(c, fallback_image)
            for c in req.init_containers
            if c.name not in {i.name for i in plan.dependencies.init_containers}
        ],
        "sidecars": [_container(c, fallback_image) for c in plan.dependencies.sidecars],
    }
    if workload == "CronJob":
        values["cronjob"] = {
            "schedule": req.schedule or "0 3 * * *",
            "timeZone": "",
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 1,
            "startingDeadlineSeconds": 300,
            "backoffLimit": 2,
            "activeDeadlineSeconds": 3600,
            "ttlSecondsAfterFinished": 86400,
        }
    elif workload == "Job":
        values["cronjob"] = {
            "backoffLimit": 2,
            "activeDeadlineSeconds": 3600,
            "ttlSecondsAfterFinished": 86400,
        }
    has_service = bool(service_ports) and workload not in ("CronJob", "Job")
    values |= {
        "serviceAccount": {
            "create": True,
            "name": "",
            "annotations": {},
            "automountServiceAccountToken": req.needs_service_account_token,
        },
        "service": {
            "enabled": has_service,
            "type": req.service_type or "ClusterIP",
            "annotations": {},
            "ports": service_ports,
        },
        "ingress": _ingress(plan, service_ports[0]["name"] if service_ports else "http"),
    }
    if workload in ("Deployment", "StatefulSet"):
        autoscaling["targetKind"] = workload
        autoscaling["behavior"] = {
            "scaleDown": {"stabilizationWindowSeconds": 300},
        }
        values["autoscaling"] = autoscaling
        values["podDisruptionBudget"] = pdb
    values["networkPolicy"] = {
        "enabled": True,
        "allowSameNamespace": True,
        "ingressControllerNamespace": _controller_namespace(plan),
        "allowHttpsEgress": True,
        "extraIngress": [],
        "extraEgress": [],
    }
    values["persistence"] = persistence
    values["tests"] = {
        "enabled": has_service,
        "image": {
            "registry": "docker.io",
            "repository": "library/busybox",
            "tag": "1.37.0",
            "digest": "",
        },
    }
    for dep in plan.dependencies.helm_dependencies:
        values[dep.name] = {"enabled": True, "auth": {"existingSecret": ""}}
    return values


def _controller_namespace(plan: Plan) -> str:
    ingress = plan.requirements.ingress
    name = (ingress.class_name if ingress else "") or "nginx"
    return {
        "nginx": "ingress-nginx",
        "traefik": "traefik",
        "haproxy": "haproxy-controller",
        "contour": "projectcontour",
        "kong": "kong",
    }.get(name, name)


def environment_overrides(plan: Plan) -> dict[str, Values]:
    """Return each environment's overrides: sizes, replicas, autoscaling and PDB."""
    workload = plan.architecture.workload
    overrides: dict[str, Values] = {}
    for env in plan.resources.environments:
        values: Values = {"resources": _resources(plan, env)}
        spec = plan.scaling.environments.get(env)
        if spec is not None and workload in ("Deployment", "StatefulSet"):
            replicas, autoscaling, pdb = _scaling(spec)
            values["replicaCount"] = replicas
            values["autoscaling"] = autoscaling
            values["podDisruptionBudget"] = pdb
        overrides[env] = values
    return overrides
