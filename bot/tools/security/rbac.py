"""RBAC findings are about who may call the Kubernetes API, not about what a pod runs; they live
apart so that the rules for roles, bindings and token mounting can be read and changed on their
own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, SecurityReport, Severity
from bot.tools.security.shared import _renderings, _report
from bot.tools.validate import finding, pod_templates, render_failures, with_fix

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
