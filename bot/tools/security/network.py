"""Judging isolation means matching NetworkPolicies, Services and Ingresses against pod templates
across the whole rendering; that reasoning lives apart from the per-pod checks so that each
stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, SecurityReport, Severity
from bot.tools.security.shared import _renderings, _report
from bot.tools.validate import (
    PodTemplate,
    dedupe,
    finding,
    map_selects,
    pod_templates,
    render_failures,
    same_namespace,
    selector_matches,
    values_fix,
    with_fix,
)

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
