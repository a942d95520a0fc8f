"""The bounds of every change a model proposes to a chart's values, checked before it applies.

A change is refused when it touches what the request and the security policy fix (the image,
Secret references, the ServiceAccount token), when it weakens a pod's restrictions anywhere in
the value it sets (privileged, host namespaces, hostPath, added capabilities, root, writable root
filesystem), or when the values it produces fail the chart's own ``values.schema.json``. The
gates would catch most of these later; refusing them here tells the model why at once and keeps a
bad proposal from costing a validation round.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import jsonschema

from bot.llm.react import ToolRejected
from bot.tools import values
from bot.tools.models import ENVIRONMENTS, ChartDraft, ValueChange

# Values keys a model may not set: the request's own facts and the token policy.
PROTECTED = ("image", "existingSecret", "secretEnv", "serviceAccount", "networkPolicy.enabled")
_TRUE_IS_WEAK = {
    "privileged",
    "allowPrivilegeEscalation",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "automountServiceAccountToken",
}
_FALSE_IS_WEAK = {"runAsNonRoot", "readOnlyRootFilesystem"}
_ROOT_IDS = {"runAsUser", "runAsGroup"}
_UNCONFINED = {"seccompProfile", "appArmorProfile"}
_PROFILE_ANNOTATIONS = (
    "container.apparmor.security.beta.kubernetes.io/",
    "seccomp.security.alpha.kubernetes.io/",
)


def weakenings(value: Any, path: str = "") -> Iterator[str]:
    """Yield each place in ``value`` that would weaken a pod's restrictions."""
    if isinstance(value, dict):
        for key, child in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key in _TRUE_IS_WEAK and child is True:
                yield f"{where}: true"
            elif key in _FALSE_IS_WEAK and child is False:
                yield f"{where}: false"
            elif key in _ROOT_IDS and child == 0:
                yield f"{where}: 0 (root)"
            elif key == "hostPath":
                yield f"{where} (host filesystem)"
            elif key == "add" and path.endswith("capabilities") and child:
                yield f"{where}: {child} (added capabilities)"
            elif (
                key in _UNCONFINED and isinstance(child, dict) and child.get("type") == "Unconfined"
            ):
                yield f"{where}: Unconfined"
            elif key == "procMount" and child == "Unmasked":
                yield f"{where}: Unmasked"
            elif str(key).startswith(_PROFILE_ANNOTATIONS) and str(child).lower() == "unconfined":
                yield f"{where}: unconfined"
            else:
                yield from weakenings(child, where)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from weakenings(child, f"{path}[{index}]")


def _nest(path: str, value: Any) -> Any:
    """Return ``value`` wrapped in the maps its dotted path names, for the weakening scan."""
    for key in reversed(path.split(".")):
        value = {key: value}
    return value


def check_change(draft: ChartDraft, change: ValueChange) -> ChartDraft:
    """Apply one proposed change to a copy of ``draft``; raise ToolRejected if out of bounds."""
    path = change.path.strip()
    if change.environment and change.environment not in ENVIRONMENTS:
        raise ToolRejected(f"environment must be one of {', '.join(ENVIRONMENTS)} or empty")
    for protected in PROTECTED:
        if path == protected or path.startswith(protected + "."):
            raise ToolRejected(f"{path} is fixed by the request and the security policy")
    if path == "networkPolicy" and not (
        isinstance(change.value, dict) and change.value.get("enabled")
    ):
        raise ToolRejected("the NetworkPolicy stays enabled")
    weak = list(weakenings(_nest(path, change.value)))
    if weak:
        raise ToolRejected("it would weaken the pod's restrictions: " + "; ".join(weak))
    changed = values.apply_value_changes(draft, [change])
    schema = json.loads(draft.files.get("values.schema.json", "{}") or "{}")
    merged = copy.deepcopy(changed.values)
    if change.environment:
        merged = _deep_merge(merged, changed.environment_values.get(change.environment, {}))
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(merged), key=lambda e: list(e.path)
    )
    if errors:
        raise ToolRejected(
            "the chart's values schema refuses it: "
            + "; ".join(
                f"{'.'.join(str(p) for p in e.path) or '(root)'}: {e.message}" for e in errors[:5]
            )
        )
    return changed


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _deep_merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base
