"""Find Kubernetes manifests in a request: fenced YAML (quoted or not) or a bare paste."""

from __future__ import annotations

import re
from typing import Any

import yaml  # type: ignore[import-untyped]

_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# "  ...", "# ...": what a README leaves out of an example, not YAML
_ELIDED = re.compile(r"^[ \t]*(?:#[ \t]*)?(?:\.\.\.|…)[ \t]*$")


def extract(text: str) -> tuple[list[dict[str, Any]], str]:
    """Return the manifests in ``text`` and the text with their blocks blanked out."""
    lines = text.split("\n")
    docs: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        line = _QUOTE.sub("", lines[i])
        if not _FENCE.match(line):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not _FENCE.match(_QUOTE.sub("", lines[end])):
            end += 1
        body = [_QUOTE.sub("", raw) for raw in lines[i + 1 : end]]
        found = _manifests("\n".join(body))
        if found:
            docs += found
            lines[i : end + 1] = [""] * (min(end, len(lines) - 1) - i + 1)
        i = end + 1
    if not docs and re.match(r"\s*(?:---\s*\n)?apiVersion:", text):
        docs = _manifests(text)
        if docs:
            return docs, ""
    return docs, "\n".join(lines)


def _manifests(body: str) -> list[dict[str, Any]]:
    if not re.search(r"^\s*apiVersion:", body, re.M) or not re.search(r"^\s*kind:", body, re.M):
        return []
    kept = "\n".join(line for line in body.split("\n") if not _ELIDED.match(line))
    found: list[dict[str, Any]] = []
    for chunk in re.split(r"(?m)^---[ \t]*$", kept):
        try:
            loaded = list(yaml.safe_load_all(chunk))
        except yaml.YAMLError:
            loaded = [_pieced(chunk)]
        for doc in loaded:
            if isinstance(doc, dict) and doc.get("kind") == "List":
                found += [d for d in doc.get("items") or [] if isinstance(d, dict)]
            elif isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind"):
                found.append(doc)
    return found


_WORKLOAD = re.compile(r"^kind:[ \t]*(Deployment|StatefulSet|DaemonSet|Job|CronJob)[ \t]*$", re.M)
_POD_KEYS = (
    "containers",
    "initContainers",
    "volumes",
    "nodeSelector",
    "tolerations",
    "serviceAccountName",
    "terminationGracePeriodSeconds",
)


def _pieced(chunk: str) -> dict[str, Any] | None:
    """A workload a README shortened until it no longer parses ("spec:" / "replicas: 1" /
    "..." / "containers: ..."): its pod spec pieced together from the blocks that still do."""
    kind = _WORKLOAD.search(chunk)
    if kind is None:
        return None
    name = re.search(
        r"^metadata:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*[\"']?([\w.-]+)", chunk, re.M
    )
    replicas = re.search(r"^[ \t]+replicas:[ \t]*(\d+)[ \t]*$", chunk, re.M)
    pod: dict[str, Any] = {}
    lines = chunk.split("\n")
    for key in _POD_KEYS:
        value = _block(lines, key)
        if value is not None:
            pod[key] = value
    if not pod.get("containers"):
        return None
    spec: dict[str, Any] = {"template": {"spec": pod}}
    if replicas:
        spec["replicas"] = int(replicas.group(1))
    return {
        "apiVersion": "apps/v1",
        "kind": kind.group(1),
        "metadata": {"name": name.group(1) if name else ""},
        "spec": spec,
    }


def _block(lines: list[str], key: str) -> Any:
    """The value under the first ``key:`` line, read on its own."""
    for i, line in enumerate(lines):
        match = re.match(rf"^([ \t]*){key}:(.*)$", line)
        if not match:
            continue
        indent = len(match.group(1))
        body = [f"{key}:{match.group(2)}"]
        for nxt in lines[i + 1 :]:
            lead = len(nxt) - len(nxt.lstrip())
            if nxt.strip() and (
                lead < indent or (lead == indent and not nxt.lstrip().startswith("-"))
            ):
                break
            body.append(nxt[indent:] if len(nxt) >= indent else nxt.strip())
        try:
            loaded = yaml.safe_load("\n".join(body))
        except yaml.YAMLError:
            return None
        return loaded.get(key) if isinstance(loaded, dict) else None
    return None
