"""Kubernetes API access a workload needs, read from the verbs and resources a request names.

"needs to get, list and watch pods and read configmaps cluster-wide" becomes a ClusterRole with
those rules, bound to the workload's ServiceAccount, whose token is then mounted.
"""

from __future__ import annotations

import re

from bot.tools.models import RbacRule
from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.text import Doc, negated

_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
_RBAC_CONTEXT = re.compile(
    r"\b(?:rbac|role|clusterrole|permissions?|access|allowed|needs? to|must be able|read|rights)\b",
    re.I,
)
_VERB = r"`?(?:" + "|".join(_VERBS) + r")\b`?"  # "get" or "`get`"
_RBAC = re.compile(
    r"(?<![\w-])(?P<verbs>"
    + _VERB
    + r"(?:\s*(?:,|/|and|&|\+|or)\s*"
    + _VERB
    + r")*)(?:\s+(?:access|permissions?|rights))?\s+(?:on\s+|to\s+|for\s+)?(?:the\s+)?"
    r"(?P<resources>`?(?:[a-z]+(?:/[a-z]+)?)`?(?:\s*(?:,|/|and|&|\+)\s*`?(?!(?:"
    + "|".join(_VERBS)
    + r")\b)[a-z]+(?:/[a-z]+)?`?)*)",
    re.I,
)
_VERB_LIST = r"(?:" + "|".join(_VERBS) + r")(?:\s*(?:,|/|and|&|\+)\s*(?:" + "|".join(_VERBS) + "))*"
# A list of rules, one resource per line: "- `pods/log`: get, list, watch".
_RULE_LINE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?`?(?P<resources>[a-z]+(?:/[a-z]+)?)`?[ \t]*[:=][ \t]*"
    rf"(?P<verbs>{_VERB_LIST})[ \t.]*$",
    re.I | re.M,
)
# The resources first, then their verbs: "`secrets` with `create` and `delete`, and `pods` plus
# `pods/log` with `get`, `create`, ..."
_RES = r"`?[a-z]+(?:/[a-z]+)?`?"
_RESOURCES_WITH = re.compile(
    rf"(?P<resources>{_RES}(?:\s*(?:,|and|plus|&|\+)\s*{_RES})*)(?:\s+with|\s*:)\s+"
    r"(?P<verbs>" + _VERB + r"(?:\s*(?:,|/|and|&|\+|or)\s*" + _VERB + r")*)|"
    # "`pods` get/list/watch/create, `pods/exec` create/patch": verbs joined by slashes
    rf"(?P<resources2>{_RES})\s+(?P<verbs2>" + _VERB + r"(?:\s*/\s*" + _VERB + r")+)|"
    # "ClusterRole: nodes get; nodes/status patch; events create, patch": rules in a row
    rf"(?:(?<=[:;])|^)[ \t]*(?P<resources3>{_RES})\s+(?P<verbs3>"
    + _VERB
    + r"(?:\s*(?:,|and|&)\s*"
    + _VERB
    + r")*)[ \t.]*(?=;|$)",
    re.I | re.M,
)
_CLUSTER = re.compile(
    r"\bcluster\s?role\b|\bcluster[\s-]wide\b|\ball namespaces\b|\bacross namespaces\b", re.I
)
_RESOURCES = frozenset(
    {
        "pods",
        "pods/log",
        "pods/exec",
        "pods/attach",
        "pods/portforward",
        "services",
        "endpoints",
        "configmaps",
        "secrets",
        "events",
        "namespaces",
        "nodes",
        "deployments",
        "statefulsets",
        "daemonsets",
        "replicasets",
        "jobs",
        "cronjobs",
        "ingresses",
        "persistentvolumeclaims",
        "leases",
        "serviceaccounts",
        "endpointslices",
        "pods/eviction",
        "pods/status",
        "nodes/proxy",
        "nodes/status",
        "deployments/scale",
        "statefulsets/scale",
        "nodes/metrics",
        "nodes/stats",
        "persistentvolumes",
        "priorityclasses",
        "storageclasses",
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "networkpolicies",
        "customresourcedefinitions",
    }
)
_API_GROUPS = {
    "deployments": "apps",
    "statefulsets": "apps",
    "daemonsets": "apps",
    "replicasets": "apps",
    "jobs": "batch",
    "cronjobs": "batch",
    "ingresses": "networking.k8s.io",
    "leases": "coordination.k8s.io",
    "endpointslices": "discovery.k8s.io",
    "priorityclasses": "scheduling.k8s.io",
    "storageclasses": "storage.k8s.io",
    "horizontalpodautoscalers": "autoscaling",
    "poddisruptionbudgets": "policy",
    "networkpolicies": "networking.k8s.io",
    "customresourcedefinitions": "apiextensions.k8s.io",
}


def read_rbac(doc: Doc, c: ComponentDraft) -> None:
    text = doc.masked
    if not _RBAC_CONTEXT.search(text):
        return
    # "a namespaced Role (not a ClusterRole)" asks for a Role.
    cluster = any(not negated(text, m.start()) for m in _CLUSTER.finditer(text))
    for match in [
        *_RBAC.finditer(text),
        *_RULE_LINE.finditer(text),
        *_RESOURCES_WITH.finditer(text),
    ]:
        groups = match.groupdict()
        resources = [
            r.lower().strip("`")
            for r in re.split(
                r"\s*(?:,|and|&|\+)\s*|\s+",
                groups.get("resources")
                or groups.get("resources2")
                or groups.get("resources3")
                or "",
            )
            if r.lower().strip("`") in _RESOURCES
        ]
        if not resources or negated(text, match.start()):
            continue
        verbs = [
            v.lower()
            for v in re.findall(
                r"[a-z]+",
                groups.get("verbs") or groups.get("verbs2") or groups.get("verbs3") or "",
                re.I,
            )
            if v.lower() in _VERBS
        ]
        groups = sorted({_API_GROUPS.get(r.split("/")[0], "") for r in resources})
        c.add_rbac_rule(RbacRule(api_groups=groups, resources=resources, verbs=verbs))
    if c.rbac_rules:
        c.rbac_cluster = c.rbac_cluster or cluster
        c.sa_token = True
