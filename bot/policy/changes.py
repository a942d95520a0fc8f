"""What an edit changed in the requirements, said in a line per fact for the report.

A reviewer who wrote "3 replicas, and drop the ingress" wants to see that exactly those facts
moved. Both readings are turned into nested maps whose named list items are addressed by their
name (``components[worker].args``), then compared; a whole item that appears or disappears is
one line, not one per field.
"""

from __future__ import annotations

import json
from typing import Any

from bot.policy.merge import LIST_KEYS
from bot.tools.models import Requirements

# Bookkeeping, not facts a reviewer asked for.
_IGNORED = {"description", "notes", "unapplied", "redactions", "catalogue"}


def describe_changes(before: Requirements, after: Requirements) -> list[str]:
    """Return one line per fact that differs between two readings of a request."""
    old = _named(before.model_dump(mode="json", exclude_defaults=True))
    new = _named(after.model_dump(mode="json", exclude_defaults=True))
    return _diff("", old, new)


def _named(dumped: dict[str, Any]) -> dict[str, Any]:
    """Address list items by their name (ports by theirs), recursively; drop bookkeeping."""
    out: dict[str, Any] = {}
    for field, value in dumped.items():
        if field in _IGNORED:
            continue
        key = "name" if field == "ports" else LIST_KEYS.get(field)
        if key and isinstance(value, list):
            for index, item in enumerate(value):
                name = item.get(key, index) if isinstance(item, dict) else index
                out[f"{field}[{name}]"] = _named(item) if isinstance(item, dict) else item
        else:
            out[field] = _named(value) if isinstance(value, dict) else value
    return out


def _diff(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in [*old, *(k for k in new if k not in old)]:
        was, now, path = old.get(key), new.get(key), prefix + key
        if was == now:
            continue
        if isinstance(was, dict) and isinstance(now, dict):
            lines += _diff(path + ".", was, now)
        elif was is None:
            lines.append(f"{path}: added ({_show(now)})")
        elif now is None:
            lines.append(f"{path}: removed (was {_show(was)})")
        else:
            lines.append(f"{path}: {_show(was)} → {_show(now)}")
    return lines


def _show(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(", ", ": "))
    return str(value)
