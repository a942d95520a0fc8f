"""The documentation of a generated chart's values: sections and one ``@param`` line per key.

values.yaml is read by people before they install, so every key the templates read carries a
sentence here; the README's values table is made from the same lines.
"""

from __future__ import annotations

SECTIONS: dict[str, tuple[str, ...]] = {
    "Common parameters": ("nameOverride", "fullnameOverride", "commonLabels", "commonAnnotations"),
    "Image": ("image", "imagePullSecrets"),
    "Workload": (
        "component",
        "replicaCount",
        "updateStrategy",
        "command",
        "args",
        "containerPorts",
        "env",
        "existingSecret",
        "secretEnv",
        "config",
        "configMounts",
        "secretMounts",
        "hostMounts",
        "extraEnvFrom",
        "connections",
        "peers",
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
    "Exposure": ("serviceAccount", "rbac", "service", "ingress"),
    "Availability": ("autoscaling", "podDisruptionBudget"),
    "Network policy": ("networkPolicy",),
    "Persistence": ("persistence", "extraVolumes"),
    "Components": ("components",),
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
    "component": "Component label (app.kubernetes.io/component) of the main workload",
    "replicaCount": "Number of replicas when autoscaling is disabled",
    "updateStrategy": "Update strategy of the workload",
    "command": "Override the container's entrypoint",
    "args": "Override the container's arguments",
    "containerPorts": "Ports the container listens on",
    "env": "Plain environment variables (never secrets)",
    "existingSecret": "Existing Secret that secretEnv entries read from by default",
    "secretEnv": "Environment variables read from existing Secrets (name, secretName, key)",
    "config": "Non-secret settings stored in a ConfigMap and exposed as environment variables",
    "configMounts": "Existing ConfigMaps mounted as files (configMap, mountPath, subPath)",
    "secretMounts": "Existing Secrets mounted as files (secretName, default existingSecret; "
    "mountPath)",
    "hostMounts": "Node directories mounted into the pod (hostPath, mountPath, readOnly)",
    "extraEnvFrom": "Existing ConfigMaps or Secrets whose keys all become environment variables",
    "connections": "Bundled datastores the app reaches, and the environment variables that "
    "carry their host, port, user, database, password (from the datastore's Secret) and URL",
    "peers": "Environment variables that name another workload of this chart (component, '' for "
    "the main one; form host, address, url or port; port)",
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
    "rbac.create": "Create a Role (or ClusterRole) and bind it to the ServiceAccount",
    "rbac.clusterWide": "ClusterRole instead of a namespaced Role",
    "rbac.rules": "The API permissions the app needs",
    "service.enabled": "Create a Service",
    "service.type": "Service type",
    "service.annotations": "Service annotations",
    "service.ports": "Service ports, each targeting a named container port",
    "ingress.enabled": "Create an Ingress",
    "ingress.className": "IngressClass name",
    "ingress.annotations": "Ingress annotations",
    "ingress.clusterIssuer": "cert-manager ClusterIssuer that issues the TLS certificate",
    "ingress.issuer": "cert-manager Issuer (namespaced) that issues the TLS certificate",
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
    "persistence.existingClaim": "Use an existing PersistentVolumeClaim instead of creating one "
    "(a template: another workload's claim when they share the volume)",
    "extraVolumes": "Further persistent volumes (name, mountPath, size, storageClass, "
    "accessModes, existingClaim)",
    "tests.enabled": "Install the `helm test` connection test",
    "tests.image": "Image of the connection tests",
    "tests.securityContext": "Security context of the connection tests",
    "components": "Further workloads of the app (worker, scheduler, frontend, migration hook), "
    "each with the keys above that apply to one workload, plus enabled, kind and hook; an "
    "empty image means the main image",
}


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
