"""Policy lists change on a different rhythm than the checks that apply them (a new safe sysctl, a
new Trivy check id, a reworded refusal), so they live here, where a reviewer can audit or change
the policy in one place without reading any check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.tools.models import Severity

TRIVY_TIMEOUT_SECONDS = 300
_CACHED_RESULTS = 64
_MAX_SCANNED_BYTES = 1_000_000
_TRIVY_SEVERITY: dict[str, Severity] = {
    "CRITICAL": "CRITICAL",
    "HIGH": "HIGH",
    "MEDIUM": "MEDIUM",
    "LOW": "LOW",
    "UNKNOWN": "INFO",
}
_BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
_RESTRICTED_VOLUMES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
_SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
_SELINUX_TYPES = frozenset(
    {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
)
_SECRET_ENV = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?"
    r"|CLIENT_?SECRET|_KEY$|^KEY$|AUTH$)",
    re.IGNORECASE,
)
# Names that say where a secret is, not what it is (DB_PASSWORD_FILE, TOKEN_PATH, ...).
_SECRET_ENV_REFERENCE = re.compile(r"(_FILE|_PATH|_NAME|_REF|_DIR|_ID|_URL_FILE)$", re.IGNORECASE)
# Values keys that name a Secret or a key inside one (Bitnami and helm-bot conventions):
# existingSecret, existingSecretPasswordKey, secretName, tlsSecret, secretKeyRef, adminPasswordKey.
_REFERENCE_KEY = re.compile(
    r"^\s*-?\s*[\"']?(\w*existingSecret\w*|\w*[sS]ecretName|\w*[sS]ecret[kK]ey[rR]ef|"
    r"\w*[sS]ecretRef\w*|\w*(Password|Token|User|Username)Keys?|secretKeys|"
    r"(tls|ca|cert|certificate|imagePull|pull)Secrets?)[\"']?\s*:"
)
# Digests and checksums look random and are not secrets.
_NOT_SECRET_LINE = re.compile(r"checksum/|sha256:[0-9a-f]{32,}|sha512:[0-9a-f]{64,}|@sha256")
# detect-secrets plugins that find addresses rather than secrets.
_NOT_SECRET_PLUGINS = frozenset({"IPPublicDetector"})


_SECURE_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities.drop": ["ALL"],
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "seccompProfile.type": "RuntimeDefault",
}
_WRITABLE_TMP = [{"name": "tmp", "mountPath": "/tmp", "sizeLimit": "64Mi"}]


_CONTAINER_IN_MESSAGE = re.compile(r"[Cc]ontainer\s+['\"]?([\w.\-]+)['\"]?")
# Trivy checks a values edit can satisfy: the securityContext fields each one wants.
_KSV_CONTEXT_FIXES: dict[str, dict[str, Any]] = {
    "KSV001": {"allowPrivilegeEscalation": False},
    "KSV003": {"capabilities.drop": ["ALL"]},
    "KSV106": {"capabilities.drop": ["ALL"]},
    "KSV012": {"runAsNonRoot": True},
    "KSV014": {"readOnlyRootFilesystem": True},
    "KSV017": {"privileged": False},
    "KSV020": {"runAsUser": 10001},
    "KSV021": {"runAsGroup": 10001},
    "KSV030": {"seccompProfile.type": "RuntimeDefault"},
    "KSV104": {"seccompProfile.type": "RuntimeDefault"},
    "KSV118": _SECURE_CONTAINER,
}
_KSV_RESOURCES = frozenset({"KSV011", "KSV015", "KSV016", "KSV018"})


@dataclass(frozen=True)
class _Refusal:
    rule: str
    why: str
    instead: str


_REFUSALS: dict[str, _Refusal] = {
    "privileged": _Refusal(
        "HB-REFUSE-PRIVILEGED",
        "a privileged container has every capability and the node's devices: one compromise "
        "owns the node",
        "run unprivileged; if a specific kernel capability is truly needed, ask the repository "
        "maintainers to allow that capability alone",
    ),
    "hostNetwork": _Refusal(
        "HB-REFUSE-HOSTNETWORK",
        "hostNetwork puts the pod in the node's network namespace, bypassing NetworkPolicies "
        "and exposing node-local services",
        "expose the application through a Service (and an Ingress for HTTP)",
    ),
    "hostPID": _Refusal(
        "HB-REFUSE-HOSTPID",
        "hostPID lets the pod see and signal every process on the node",
        "read process metrics through the metrics API or a node exporter run by the platform",
    ),
    "hostIPC": _Refusal(
        "HB-REFUSE-HOSTIPC",
        "hostIPC shares the node's IPC namespace and shared memory with the pod",
        "share data between containers of the pod through an emptyDir volume",
    ),
    "cluster-admin": _Refusal(
        "HB-REFUSE-CLUSTER-ADMIN",
        "cluster-admin can read every Secret and change anything in the cluster",
        "a namespaced Role listing only the resources and verbs the application uses",
    ),
    "run as root": _Refusal(
        "HB-REFUSE-ROOT",
        "a process running as root is root on the node as soon as it escapes the container",
        "run as a non-root user (e.g. 10001) and fix file ownership with fsGroup",
    ),
    "hostPath": _Refusal(
        "HB-REFUSE-HOSTPATH",
        "a hostPath volume exposes the node's filesystem to the pod",
        "a PersistentVolumeClaim for data that must persist, or an emptyDir for scratch space",
    ),
    "capability": _Refusal(
        "HB-REFUSE-CAPABILITY",
        "extra Linux capabilities widen what a compromised process can do on the node",
        "drop ALL capabilities; only NET_BIND_SERVICE (for ports below 1024) is granted by default",
    ),
}
# Capabilities the restricted profile itself allows: asking for them needs no exception.
_ALWAYS_ALLOWED = frozenset({"capability net_bind_service"})
