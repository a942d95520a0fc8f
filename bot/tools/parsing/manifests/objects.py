"""The objects around a pasted workload: its Service, Ingress, RBAC, autoscaler and budget."""

from __future__ import annotations

from typing import Any

from bot.tools.models import Disruption, RbacRule
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.manifests.pods import template

Manifest = dict[str, Any]


def _name(doc: Manifest) -> str:
    return str((doc.get("metadata") or {}).get("name") or "")


def _selected(selector: Manifest, kinds: list[Manifest], names: dict[str, str]) -> str:
    """The component whose pods carry every label of ``selector``."""
    for doc in kinds:
        labels = (template(doc).get("metadata") or {}).get("labels") or {}
        if selector and all(labels.get(k) == v for k, v in selector.items()):
            return names[_name(doc)]
    return ""


def _owner(doc: Manifest, kinds: list[Manifest], names: dict[str, str]) -> str:
    """The component an object belongs to: the pods it selects, else the workload of its name,
    else the only long-running workload."""
    spec = doc.get("spec") or {}
    selector = spec.get("selector") or {}
    selector = selector.get("matchLabels") or ({} if "matchLabels" in selector else selector)
    if isinstance(selector, dict) and (found := _selected(selector, kinds, names)):
        return found
    if _name(doc) in names:
        return names[_name(doc)]
    serving = [names[_name(d)] for d in kinds if d["kind"] not in ("Job", "CronJob")]
    return serving[0] if len(serving) == 1 else ""


def services(
    docs: list[Manifest], kinds: list[Manifest], names: dict[str, str], draft: Draft
) -> dict[str, str]:
    """Give each workload its Service's type and ports; return Service name -> component."""
    by_service: dict[str, str] = {}
    for doc in (d for d in docs if d.get("kind") == "Service"):
        owner = _owner(doc, kinds, names)
        if not owner:
            continue
        by_service[_name(doc)] = owner
        spec = doc.get("spec") or {}
        with draft.focus(owner) as c:
            if spec.get("type"):
                c.service_type = c.service_type or str(spec["type"])
            for entry in spec.get("ports") or []:
                if not isinstance(entry, dict) or not isinstance(entry.get("port"), int):
                    continue
                target = entry.get("targetPort", entry["port"])
                port = next(
                    (p for p in c.ports if p.port == target or (p.name and p.name == target)),
                    None,
                )
                if port is not None:
                    port.service_port = port.service_port or entry["port"]
                elif isinstance(target, int):
                    c.add_port(
                        target,
                        name=str(entry.get("name") or ""),
                        protocol=str(entry.get("protocol") or "TCP").upper(),
                        service_port=entry["port"],
                    )
    return by_service


def ingress(docs: list[Manifest], by_service: dict[str, str], draft: Draft) -> None:
    for doc in (d for d in docs if d.get("kind") == "Ingress"):
        spec = doc.get("spec") or {}
        notes = (doc.get("metadata") or {}).get("annotations") or {}
        draft.ingress = True
        draft.class_name = draft.class_name or str(
            spec.get("ingressClassName") or notes.get("kubernetes.io/ingress.class") or ""
        )
        draft.issuer = draft.issuer or str(
            notes.get("cert-manager.io/cluster-issuer") or notes.get("cert-manager.io/issuer") or ""
        )
        for tls in spec.get("tls") or []:
            draft.tls = True
            draft.tls_secret = draft.tls_secret or str(tls.get("secretName") or "")
        rules = [r for r in spec.get("rules") or [] if isinstance(r, dict)]
        each_host = len({r.get("host") for r in rules}) > 1
        for rule in rules:
            host = str(rule.get("host") or "")
            if host and host not in draft.hosts:
                draft.hosts.append(host)
            for entry in (rule.get("http") or {}).get("paths") or []:
                backend = entry.get("backend") or {}
                service = (backend.get("service") or {}).get("name") or backend.get("serviceName")
                component = by_service.get(str(service or ""), "")
                if not component:
                    continue
                path = str(entry.get("path") or "/")
                if each_host and host and path == "/":
                    draft.host_routes.setdefault(host, component)
                else:
                    draft.routes.setdefault(path, component)


def rbac(docs: list[Manifest], kinds: list[Manifest], names: dict[str, str], draft: Draft) -> None:
    """A Role or ClusterRole bound to a workload's ServiceAccount is that workload's access."""
    accounts = {
        str((template(d).get("spec") or {}).get("serviceAccountName") or ""): names[_name(d)]
        for d in kinds
    }
    bound = {
        str((b.get("roleRef") or {}).get("name")): [
            str(s.get("name")) for s in b.get("subjects") or [] if isinstance(s, dict)
        ]
        for b in docs
        if b.get("kind") in ("RoleBinding", "ClusterRoleBinding")
    }
    for doc in (d for d in docs if d.get("kind") in ("Role", "ClusterRole")):
        subjects = bound.get(_name(doc), [])
        owner = next((accounts[s] for s in subjects if s in accounts), "") or next(
            (name for account, name in accounts.items() if account), ""
        )
        if not owner:
            continue
        with draft.focus(owner) as c:
            for rule in doc.get("rules") or []:
                if not isinstance(rule, dict) or not rule.get("resources"):
                    continue
                c.add_rbac_rule(
                    RbacRule(
                        api_groups=[str(g) for g in rule.get("apiGroups") or [""]],
                        resources=[str(r) for r in rule["resources"]],
                        verbs=[str(v) for v in rule.get("verbs") or []],
                        resource_names=[str(n) for n in rule.get("resourceNames") or []],
                    )
                )
            c.rbac_cluster = c.rbac_cluster or doc["kind"] == "ClusterRole"
            c.sa_token = True


def policies(docs: list[Manifest], names: dict[str, str], draft: Draft) -> None:
    """A HorizontalPodAutoscaler's bounds and CPU target; a PodDisruptionBudget's bound."""
    for doc in docs:
        spec = doc.get("spec") or {}
        if doc.get("kind") == "HorizontalPodAutoscaler":
            owner = names.get(str((spec.get("scaleTargetRef") or {}).get("name") or ""), "")
            if not owner:
                continue
            with draft.focus(owner) as c:
                c.set_replicas(spec.get("minReplicas") or 1, spec.get("maxReplicas"), pasted=True)
                cpu = spec.get("targetCPUUtilizationPercentage")
                for metric in spec.get("metrics") or []:
                    resource = metric.get("resource") or {}
                    if resource.get("name") == "cpu":
                        cpu = (resource.get("target") or {}).get("averageUtilization") or cpu
                if isinstance(cpu, int):
                    c.target_cpu = c.target_cpu or cpu
        elif doc.get("kind") == "PodDisruptionBudget":
            selector = (spec.get("selector") or {}).get("matchLabels") or {}
            owner = names.get(_name(doc), "") or _pdb_owner(selector, docs, names)
            if not owner:
                continue
            with draft.focus(owner) as c:
                if spec.get("minAvailable") is not None:
                    c.disruption = c.disruption or Disruption(
                        min_available=str(spec["minAvailable"])
                    )
                elif spec.get("maxUnavailable") is not None:
                    c.disruption = c.disruption or Disruption(
                        max_unavailable=str(spec["maxUnavailable"])
                    )


def _pdb_owner(selector: Manifest, docs: list[Manifest], names: dict[str, str]) -> str:
    kinds = [d for d in docs if _name(d) in names and d.get("kind") not in ("Job", "CronJob")]
    return _selected(selector, kinds, names) or (names[_name(kinds[0])] if len(kinds) == 1 else "")
