"""Constants the validator's checks share live apart from the checks so that a limit, a pattern or
a list of API groups is reviewed and changed in one place without reading any check, and so that
every check module can import them without importing another.
"""

from __future__ import annotations

import re

from bot.tools.models import Severity

FAILING: tuple[Severity, ...] = ("CRITICAL", "HIGH", "MEDIUM")
DEFAULT_KUBE_VERSIONS = ("1.29", "1.34")
FIX_PREFIX = "values:"
# What a container gets when it asks for nothing: small, and valid for any limit it sets.
DEFAULT_REQUESTS = {"cpu": "100m", "memory": "128Mi"}
_LINT_SEVERITY: dict[int, Severity] = {3: "HIGH", 2: "MEDIUM", 1: "INFO", 0: "INFO"}
_MAX_SCHEMA_ERRORS = 20
# API groups Kubernetes itself serves: a kind there without a bundled schema does not exist.
_BUILTIN_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
    }
)
WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# Kinds whose name must be a DNS label (63); the API caps CronJob names at 52 for its Jobs.
_LABEL_NAMED = {"Service": 63, "Namespace": 63, "StatefulSet": 63, "CronJob": 52}
_RECOMMENDED_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance")


CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
