"""The dry run, the best-practice advice and the security gate all reason about the pods a chart
runs; reading pod templates, containers and selectors once, here, keeps every check agreeing on
what a workload's pods are and what a selector selects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.tools.helm import Document, Rendering
from bot.tools.validate.tables import CONTAINER_LISTS, LONG_RUNNING_KINDS, WORKLOAD_KINDS

# --------------------------------------------------------------------------- pods and selectors


@dataclass(frozen=True)
class PodTemplate:
    """A pod template inside a rendered object, with the YAML path that leads to its spec."""

    doc: Document
    path: tuple[str, ...]
    labels: dict[str, Any]
    annotations: dict[str, Any]
    spec: dict[str, Any]

    @property
    def kind(self) -> str:
        """Return the kind of the object that owns the template."""
        return self.doc.kind

    @property
    def long_running(self) -> bool:
        """Tell whether its containers are meant to run until stopped (not a Job, not a hook)."""
        return self.kind in LONG_RUNNING_KINDS and not self.doc.is_hook


def pod_template(doc: Document) -> PodTemplate | None:
    """Return the pod template of a workload object (a bare Pod is its own template)."""
    obj = doc.obj or {}
    kind = doc.kind
    if kind not in WORKLOAD_KINDS:
        return None
    if kind == "Pod":
        path: tuple[str, ...] = ()
        meta, spec = obj.get("metadata"), obj.get("spec")
    else:
        path = (
            ("spec", "jobTemplate", "spec", "template")
            if kind == "CronJob"
            else ("spec", "template")
        )
        node: Any = obj
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        node = node if isinstance(node, dict) else {}
        meta, spec = node.get("metadata"), node.get("spec")
    meta = meta if isinstance(meta, dict) else {}
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    return PodTemplate(
        doc,
        (*path, "spec"),
        labels or {},
        annotations or {},
        spec if isinstance(spec, dict) else {},
    )


def pod_templates(rendering: Rendering) -> list[PodTemplate]:
    """Return every pod template a rendering contains."""
    found = (pod_template(doc) for doc in rendering.objects)
    return [t for t in found if t is not None]


def containers(spec: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Yield (list name, index, container) for every container of a pod spec."""
    for group in CONTAINER_LISTS:
        items = spec.get(group)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    yield group, i, item


def selector_matches(selector: Any, labels: dict[str, Any]) -> bool:
    """Tell whether a LabelSelector (matchLabels + matchExpressions) selects ``labels``."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        return False
    if any(str(labels.get(k)) != str(v) or k not in labels for k, v in match_labels.items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict) or not _expression_matches(expr, labels):
            return False
    return True


def _expression_matches(expr: dict[str, Any], labels: dict[str, Any]) -> bool:
    """Evaluate one matchExpressions entry."""
    key, op = str(expr.get("key")), expr.get("operator")
    values = [str(v) for v in expr.get("values") or []]
    present = key in labels
    if op == "In":
        return present and str(labels[key]) in values
    if op == "NotIn":
        return not present or str(labels[key]) not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    return False


def map_selects(selector: Any, labels: dict[str, Any]) -> bool:
    """Tell whether a plain label map (a Service selector) selects ``labels``."""
    if not isinstance(selector, dict) or not selector:
        return False
    return all(k in labels and str(labels[k]) == str(v) for k, v in selector.items())


def same_namespace(a: Document, b: Document) -> bool:
    """Tell whether two objects land in the same namespace (unset = the release's)."""
    return a.namespace == b.namespace
