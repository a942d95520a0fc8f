"""The security gate proposes its resources and securityContext edits through the same rules as the
best-practice advice (which values key governs a block, how to complete resources); keeping them
in their own module lets both import them without importing either check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding
from bot.tools.validate.pods import PodTemplate
from bot.tools.validate.shared import _bp, as_dict, with_fix
from bot.tools.validate.tables import DEFAULT_REQUESTS

# --------------------------------------------------------------------------- 4. best practices


def _resources(
    context: ChartContext,
    rendering: Rendering,
    template: PodTemplate,
    path: tuple[str | int, ...],
    container: dict[str, Any],
    where: str,
) -> list[Finding]:
    """Ask for CPU and memory requests and a memory limit; propose the values edit."""
    current = as_dict(container.get("resources"))
    requests = as_dict(current.get("requests"))
    limits = as_dict(current.get("limits"))
    missing = [f"requests.{k}" for k in ("cpu", "memory") if k not in requests]
    if "memory" not in limits:
        missing.append("limits.memory")
    found: list[Finding] = []
    if missing:
        f = _bp(
            context,
            rendering,
            template.doc,
            (*path, "resources"),
            "HB-BP-RESOURCES",
            "LOW",
            f"{where} does not set resources {', '.join(missing)}",
        )
        key = governing_key(context, rendering, template.doc, ("resources",), current)
        if key:
            f = with_fix(f, {key: complete_resources(current)})
        found.append(f)
    if "cpu" not in limits:
        found.append(
            _bp(
                context,
                rendering,
                template.doc,
                (*path, "resources"),
                "HB-BP-CPU-LIMIT",
                "INFO",
                f"{where} has no CPU limit (it may use idle CPU; some clusters require a limit)",
            )
        )
    return found


_SHARED_TEMPLATES = ("templates/_podspec.tpl", "templates/_workloads.tpl", "templates/_helpers.tpl")


def template_reads(sources: Sequence[str], key: str) -> bool:
    """Say whether chart templates read ``key`` of a workload's values (``.Values.<key>``, or
    ``.v.<key>`` in the definitions every workload shares)."""
    pattern = re.compile(rf"\.(?:Values|v)\.{re.escape(key)}\b")
    return any(pattern.search(text) for text in sources)


def _scope(rendering: Rendering, doc: Document) -> list[str]:
    """The values prefixes a document's workload reads from: its component's own keys first,
    then the chart's shared ones."""
    labels = ((doc.obj or {}).get("metadata") or {}).get("labels") or {}
    name = labels.get("app.kubernetes.io/component")
    components = rendering.values.get("components") or {}
    if name and name != rendering.values.get("component") and name in components:
        return [f"components.{name}.", ""]
    return [""]


def _lookup(values: Any, path: str) -> Any:
    node = values
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def governing_key(
    context: ChartContext,
    rendering: Rendering,
    doc: Document,
    candidates: Sequence[str],
    rendered: Any,
) -> str:
    """Find the values key a rendered block comes from ('' when it cannot be told).

    A block is taken to come from ``values[key]`` (or a component's ``components.<name>.<key>``)
    when it renders exactly that map and, if both are empty, the object's templates read that
    key (an empty block proves nothing).
    """
    sources = [context.source(doc.template) or ""]
    sources += [context.source(path) or "" for path in _SHARED_TEMPLATES]
    for scope in _scope(rendering, doc):
        for key in candidates:
            source = _lookup(rendering.values, scope + key)
            if not isinstance(source, dict) or pruned(source) != pruned(rendered or {}):
                continue
            if pruned(rendered or {}) or template_reads(sources, key):
                return scope + key
    return ""


def pruned(value: Any) -> Any:
    """Drop nulls and empty maps, as Helm's toYaml + omitempty rendering does."""
    if isinstance(value, dict):
        kept = {k: pruned(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    return value


def complete_resources(current: dict[str, Any]) -> dict[str, Any]:
    """Fill in missing requests and memory limit, never below what is already set."""
    requests = dict(current.get("requests") or {})
    limits = dict(current.get("limits") or {})
    for key in ("cpu", "memory"):
        requests.setdefault(key, limits.get(key, DEFAULT_REQUESTS[key]))
    limits.setdefault("memory", requests["memory"])
    return {**current, "requests": requests, "limits": limits}
