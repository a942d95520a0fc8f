"""Folding one reading of a request into another, fact by fact.

Both a human's prose ``/edit`` and the coordinator's model produce a second ``Requirements`` that
states only some facts. Merging must change exactly those: a field left at its neutral default
says nothing, a list of named things (env vars, Secret references, volumes, components,
datastores) is merged item by item under its identity, so "set LOG_LEVEL=debug" replaces one
variable instead of the whole environment and "add a worker" adds a component instead of
replacing the others.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from bot.tools.models import (
    Component,
    CronOptions,
    Dependency,
    ElevatedAccess,
    Ingress,
    Port,
    Requirements,
    ResourceHint,
)

M = TypeVar("M", bound=BaseModel)

# Lists of named things, and the field that names each item.
LIST_KEYS = {
    "env": "name",
    "secrets": "env",
    "connections": "env",
    "config_mounts": "mount_path",
    "secret_mounts": "mount_path",
    "volumes": "mount_path",
    "host_mounts": "host_path",
    "sidecars": "name",
    "init_containers": "name",
    "tolerations": "key",
    "components": "name",
    "dependencies": "kind",
    "routes": "path",
}
# Models merged field by field; any other model (a probe, a replica range) is one fact.
_FIELDWISE = (Component, Dependency, Ingress, ResourceHint, CronOptions, ElevatedAccess)
# Fields that accumulate rather than override.
_APPENDED = ("notes", "unapplied")


def merge_requirements(base: Requirements, delta: Requirements) -> Requirements:
    """Override ``base`` with every fact ``delta`` states, leaving the rest untouched."""
    merged = _merge_model(base, delta)
    merged.redactions = base.redactions + delta.redactions
    return Requirements.model_validate(merged.model_dump())


def _merge_model(base: M, delta: M) -> M:
    """Return ``base`` with each field ``delta`` sets away from its default merged in."""
    updates: dict[str, Any] = {}
    for name, info in type(delta).model_fields.items():
        new = getattr(delta, name)
        if not info.is_required() and new == info.get_default(call_default_factory=True):
            continue
        old = getattr(base, name)
        if name in _APPENDED:
            updates[name] = [*old, *(item for item in new if item not in old)]
        else:
            updates[name] = _merge_value(name, old, new)
    return base.model_copy(update=updates)


def _merge_value(name: str, old: Any, new: Any) -> Any:
    if isinstance(new, _FIELDWISE) and type(old) is type(new):
        return _merge_model(old, new)
    if isinstance(new, dict) and isinstance(old, dict):
        return {**old, **new}
    if isinstance(new, list) and isinstance(old, list):
        if name == "ports":
            return merge_ports(old, new)
        if name in LIST_KEYS:
            return _merge_named(LIST_KEYS[name], old, new)
    return new


def _merge_named(key: str, old: list[Any], new: list[Any]) -> list[Any]:
    """Replace (or merge, for components and datastores) items named alike; append the rest."""
    merged = list(old)
    where = {getattr(item, key): index for index, item in enumerate(merged)}
    for item in new:
        index = where.get(getattr(item, key))
        if index is None:
            where[getattr(item, key)] = len(merged)
            merged.append(item)
        else:
            merged[index] = _merge_value("", merged[index], item)
    return merged


def merge_ports(old: list[Port], new: list[Port]) -> list[Port]:
    """A stated port replaces the one of the same name or number; other ports are kept."""
    kept = [
        port
        for port in old
        if not any(
            p.name == port.name or (p.port == port.port and p.protocol == port.protocol)
            for p in new
        )
    ]
    first = [p for p in new if p.name == (old[0].name if old else "")]
    rest = [p for p in new if p not in first]
    return [*first, *kept, *rest]
