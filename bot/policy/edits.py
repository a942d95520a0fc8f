"""Turning a human's ``/edit`` instructions into changes the agents can apply.

An instruction is either a values edit written as ``path=value`` (``resources.limits.memory=1Gi``,
one per line) or prose in the same language as a request ("use port 8080, 3 replicas"). Prose is
parsed with the coordinator's own parser and only the facts it actually states override the
requirements; everything else stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from bot.tools.models import Requirements, ValueChange

_VALUE_EDIT = re.compile(
    r"^\s*(?:set\s+)?(?P<path>[A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*(?:=|\s+to\s+)\s*(?P<value>.+?)\s*$"
)
# Fields that accumulate rather than override.
_APPENDED = {"notes"}
_SKIPPED = {"redactions", "environments"}
# Single-word keys that are values keys rather than words of a sentence.
_TOP_LEVEL_KEYS = {"replicaCount", "fullnameOverride", "nameOverride", "priorityClassName"}


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


def merge_requirements(base: Requirements, delta: Requirements) -> Requirements:
    """Override ``base`` with every fact ``delta`` states, leaving the rest untouched."""
    neutral = Requirements()
    updates: dict[str, object] = {}
    for name in Requirements.model_fields:
        if name in _SKIPPED:
            continue
        value = getattr(delta, name)
        if value == getattr(neutral, name):
            continue
        if name in _APPENDED:
            updates[name] = [*getattr(base, name), *value]
        else:
            updates[name] = value
    merged = base.model_copy(update=updates)
    merged.redactions = base.redactions + delta.redactions
    return Requirements.model_validate(merged.model_dump())


def apply_edits(
    requirements: Requirements,
    edits: list[str],
    parse: Callable[[str], Requirements],
) -> tuple[Requirements, list[ValueChange]]:
    """Apply human edits to the requirements; return them with the values edits they carry."""
    prose, changes = split_edits(edits)
    for line in prose:
        requirements = merge_requirements(requirements, parse(line))
    return requirements, changes
