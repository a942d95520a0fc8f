"""Kubernetes manifests pasted into a request: the app as it runs today, to be made a chart.

"This is our Deployment, make a Helm chart of it", a README's quick-start YAML, `kubectl get -o
yaml` output: each workload (Deployment, StatefulSet, DaemonSet, Job, CronJob) becomes a
workload of the chart with what its pod spec says, and the Service, Ingress, RBAC rules,
PersistentVolumeClaims, HorizontalPodAutoscaler and PodDisruptionBudget that go with it add
their facts to it. The request's own words then change what they say they change ("pin the
image to ...", "TZ should be Europe/Berlin instead"): a pasted value is replaced by a stated
one, as with a compose file.
"""

from __future__ import annotations

from typing import Any

from bot.tools.parsing.draft import RANK_COMPOSE, Draft
from bot.tools.parsing.manifests.extract import extract
from bot.tools.parsing.manifests.objects import ingress, policies, rbac, services
from bot.tools.parsing.manifests.pods import WORKLOADS, pod_spec, workload
from bot.tools.parsing.text import dns_name

Manifest = dict[str, Any]


def apply(docs: list[Manifest], draft: Draft) -> None:
    """Add the workloads of ``docs`` and the objects around them to ``draft``."""
    kinds = [d for d in docs if d.get("kind") in WORKLOADS]
    if not kinds:
        return
    claims = {
        str((d.get("metadata") or {}).get("name")): d
        for d in docs
        if d.get("kind") == "PersistentVolumeClaim"
    }
    serving = [d for d in kinds if d["kind"] not in ("Job", "CronJob")] or kinds
    first = dns_name(str((serving[0].get("metadata") or {}).get("name") or "app"), 30) or "app"
    draft.component = draft.component or first
    draft.set_name(first, RANK_COMPOSE)
    names: dict[str, str] = {}  # a workload's manifest name -> its component
    for doc in kinds:
        raw = str((doc.get("metadata") or {}).get("name") or first)
        name = dns_name(raw, 30) or first
        names[raw] = name
        with draft.focus(name) as c:
            workload(doc, c, draft)
            pod_spec(doc, c, draft, claims)
    by_service = services(docs, kinds, names, draft)
    ingress(docs, by_service, draft)
    rbac(docs, kinds, names, draft)
    policies(docs, names, draft)


__all__ = ["apply", "extract"]
