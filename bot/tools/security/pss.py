"""Pod security is the largest and most often tuned part of the gate; on its own it can follow the
upstream Pod Security Standards (and the project's read-only root filesystem policy) without
touching the RBAC, network, image or secret checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Rendering
from bot.tools.models import Finding, SecurityReport, Severity
from bot.tools.security.shared import _context_fix, _renderings, _report
from bot.tools.security.tables import (
    _BASELINE_CAPABILITIES,
    _RESTRICTED_VOLUMES,
    _SAFE_SYSCTLS,
    _SELINUX_TYPES,
)
from bot.tools.validate import (
    PodTemplate,
    containers,
    finding,
    pod_templates,
    render_failures,
    values_fix,
    with_fix,
)

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
