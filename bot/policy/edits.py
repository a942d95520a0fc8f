"""Turning a human's ``/edit`` instructions into changes the agents can apply.

An instruction is either a values edit written as ``path=value`` (``resources.limits.memory=1Gi``,
one per line) or prose in the same language as a request ("use port 8080, 3 replicas"). Prose is
parsed with the coordinator's own parser and only the facts it states are applied: a word it
merely mentions ("the worker needs 1Gi") does not retype the app, a component it names gets the
facts meant for it, "drop the ingress" or "no redis" removes what it names, and everything else
stays as the request and earlier edits left it. Each edit is recorded with what it changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from bot.policy.changes import describe_changes
from bot.policy.merge import merge_requirements
from bot.tools.models import Component, EditRecord, Requirements, ValueChange, Workload
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.secrets import redact_secrets

_VALUE_EDIT = re.compile(
    r"^\s*(?:set\s+)?(?P<path>[A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*(?:=|\s+to\s+)\s*(?P<value>.+?)\s*$"
)
# Single-word keys that are values keys rather than words of a sentence.
_TOP_LEVEL_KEYS = {"replicaCount", "fullnameOverride", "nameOverride", "priorityClassName"}
# What the app is, which prose changes only when it says so ("it's a worker", "written in Go").
_IDENTITY = ("app_type", "language", "framework")
_STATES_IDENTITY = re.compile(
    r"\b(?:it'?s|it\s+is|this\s+is|make\s+it|turn\s+it\s+into|treat\s+it\s+as|(?:app\s*)?type\s*"
    r"(?:[:=]|is|to)|(?:re)?written\s+in|built\s+(?:with|in)|switch(?:ed)?\s+to)\b",
    re.I,
)
_REMOVAL = re.compile(
    r"\b(?:drop|remove|delete|disable|without|get\s+rid\s+of|no(?:\s+more)?|don'?t\s+(?:use|need))"
    r"\s+(?:the\s+|an?\s+|any\s+)?(?P<what>[\w.-]+)",
    re.I,
)
_ADDS_COMPONENT = re.compile(
    r"\badd\s+(?:a|an|another|one\s+more)\s+(?:new\s+)?(?P<name>[a-z][\w-]*)\s+"
    r"(?:(?:component|process|container|deployment|workload)\s+)?(?:running|that\s+runs|to\s+run)\b",
    re.I,
)
_NO_SCALING = {"autoscaling", "autoscaler", "hpa", "scaling"}
_NO_BUDGET = {"pdb", "poddisruptionbudget", "disruption"}


def split_edits(edits: list[str]) -> tuple[list[str], list[ValueChange]]:
    """Separate prose instructions from ``path=value`` values edits."""
    prose: list[str] = []
    changes: list[ValueChange] = []
    for edit in edits:
        for line in edit.splitlines():
            match = _VALUE_EDIT.match(line)
            if match and ("." in match["path"] or match["path"] in _TOP_LEVEL_KEYS):
                changes.append(
                    ValueChange(
                        path=match["path"],
                        value=_parse_scalar(match["value"]),
                        reason="requested in a human edit",
                    )
                )
            elif line.strip():
                prose.append(line.strip())
    return prose, changes


def _parse_scalar(text: str) -> object:
    """Read a value the way YAML would, so ``3`` is a number and ``[a, b]`` a list."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def apply_edits(
    requirements: Requirements,
    edits: list[str],
    parse: Callable[[str], Requirements],
) -> tuple[Requirements, list[EditRecord]]:
    """Apply human edits in order; return the requirements and what each edit changed."""
    records: list[EditRecord] = []
    for edit in edits:
        prose, changes = split_edits([edit])
        before = requirements
        for line in prose:
            requirements = apply_prose(requirements, line, parse(line))
        changed = describe_changes(before, requirements)
        changed += [f"values {c.path} = {c.value!r}" for c in changes]
        records.append(
            EditRecord(
                instruction=redact_secrets(edit)[0].strip(),
                changed=changed,
                value_changes=changes,
            )
        )
    return requirements, records


def apply_prose(base: Requirements, text: str, delta: Requirements) -> Requirements:
    """Apply the facts one prose instruction states, as the parser read them into ``delta``."""
    delta = delta.model_copy(update={"description": ""})
    if not _STATES_IDENTITY.search(text):
        delta = delta.model_copy(update=dict.fromkeys(_IDENTITY, ""))
    base, delta = _remove_named(base, delta, text)
    added = _ADDS_COMPONENT.search(text)
    target = added["name"].lower() if added else _named_component(base, text)
    if target:
        delta = _retarget(delta, target)
    return merge_requirements(base, delta)


def _named_component(base: Requirements, text: str) -> str:
    """The one existing further component the instruction names, if it names exactly one."""
    words = set(re.findall(r"[a-z][\w-]*", text.lower()))
    named = {name for word in words if (name := _component_called(base, word.rstrip("s")))}
    main = base.component and base.component in words
    return named.pop() if len(named) == 1 and not main else ""


def _component_called(base: Requirements, word: str) -> str:
    """The component ``word`` names: by its name, else by a word only its command has."""
    if any(c.name == word for c in base.components):
        return word
    running = [c.name for c in base.components if word in [*c.command, *c.args]]
    return running[0] if len(running) == 1 else ""


def _retarget(delta: Requirements, name: str) -> Requirements:
    """Move the workload facts the parser gave the main workload to component ``name``."""
    neutral = Workload()
    moved = {
        field: getattr(delta, field)
        for field in Workload.model_fields
        if getattr(delta, field) != getattr(neutral, field) and field not in _IDENTITY
    }
    if not moved:
        return delta
    part = Component.model_validate({"name": name, **moved})
    kept = [c for c in delta.components if c.name != name]
    same = [c for c in delta.components if c.name == name]
    if same:
        part = Component.model_validate({**same[0].model_dump(exclude_defaults=True), **moved})
    reset = {field: getattr(neutral, field) for field in moved}
    return delta.model_copy(update={**reset, "components": [*kept, part]})


def _remove_named(
    base: Requirements, delta: Requirements, text: str
) -> tuple[Requirements, Requirements]:
    """Remove what "drop the ingress", "no redis", "remove the worker" name, in both readings."""
    for match in _REMOVAL.finditer(text):
        what = match["what"].lower()
        if what == "ingress":
            base = base.model_copy(update={"ingress": None})
            delta = delta.model_copy(update={"ingress": None})
        elif what in _NO_SCALING and base.replicas:
            fixed = base.replicas.model_copy(update={"max": base.replicas.min})
            base = base.model_copy(update={"replicas": fixed, "target_cpu": None})
        elif what in _NO_BUDGET:
            base = base.model_copy(update={"disruption": None})
        elif name := _component_called(base, what):
            base = _without(base, "components", "name", name)
        elif kind := next((d.kind for d in DEPENDENCIES if d.pattern.fullmatch(what)), ""):
            base = _without(base, "dependencies", "kind", kind)
            base = _without(base, "connections", "dependency", kind)
            delta = _without(delta, "dependencies", "kind", kind)
        elif re.fullmatch(r"[A-Z][A-Z0-9_]+", match["what"]):
            base = _without(base, "env", "name", match["what"])
            base = _without(base, "secrets", "env", match["what"])
    return base, delta


def _without(requirements: Requirements, field: str, key: str, value: str) -> Requirements:
    """Drop the items of list ``field`` whose ``key`` is ``value``."""
    kept = [item for item in getattr(requirements, field) if getattr(item, key) != value]
    return requirements.model_copy(update={field: kept})
