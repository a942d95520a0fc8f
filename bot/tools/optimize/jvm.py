"""JVM heap options hide in env lists or config maps and need their own parsing; that lives
here so the resource rules can weigh the heap against the memory limit without carrying the
details of where Java options are set.
"""

from __future__ import annotations

from typing import cast

from bot.tools.cost import draft_environments, effective_values
from bot.tools.models import ChartDraft, Optimization, ValueChange
from bot.tools.optimize.helpers import Values, _label, _optimization
from bot.tools.optimize.tables import _HEAP, _HEAP_FLAG, _HEAP_UNITS_MI, _JAVA_OPTION_VARS

# --------------------------------------------------------------------------- resources


def _java_options(values: Values) -> tuple[str, str]:
    """Return (where, options): where is 'env', 'config' or '' when none are set."""
    env = values.get("env")
    for item in env if isinstance(env, list) else []:
        if isinstance(item, dict) and item.get("name") in _JAVA_OPTION_VARS:
            return "env", str(item.get("value", ""))
    config = values.get("config")
    if isinstance(config, dict):
        for name in _JAVA_OPTION_VARS:
            if isinstance(config.get(name), str):
                return "config", str(config[name])
    return "", ""


def _heap_mi(options: str) -> float | None:
    match = _HEAP.search(options)
    if not match:
        return None
    return int(match.group(1)) * _HEAP_UNITS_MI[match.group(2).lower()]


def _jvm_heap_flag(draft: ChartDraft) -> list[Optimization]:
    found: list[Optimization] = []
    # Heap flags live in the shared env list unless an environment overrides that list.
    for env in ["", *[e for e in draft_environments(draft) if e]]:
        if env and not ({"env", "config"} & set(draft.environment_values.get(env, {}))):
            continue
        values = effective_values(draft, env)
        where, options = _java_options(values)
        if "-Xmx" in options or "MaxRAM" in options:
            continue
        found.append(
            _optimization(
                draft,
                f"resources.jvm-heap-flag:{_label(env)}",
                "resources",
                "JVM without heap sizing: the default max heap is 25% of the container memory. "
                f"{_HEAP_FLAG} sizes it from the memory limit and leaves room for non-heap memory",
                [_heap_flag_change(values, where, options, env)],
            )
        )
    return found


def _heap_flag_change(values: Values, where: str, options: str, env: str) -> ValueChange:
    flagged = f"{options} {_HEAP_FLAG}".strip()
    if where == "config":
        config = cast(Values, values["config"])
        name = next(n for n in _JAVA_OPTION_VARS if isinstance(config.get(n), str))
        return ValueChange(
            path=f"config.{name}",
            value=flagged,
            environment=env,
            reason="size the heap from the memory limit",
        )
    current = values.get("env")
    items = [dict(i) for i in current if isinstance(i, dict)] if isinstance(current, list) else []
    for item in items:
        if item.get("name") in _JAVA_OPTION_VARS:
            item["value"] = flagged
            break
    else:
        items.append({"name": "JAVA_TOOL_OPTIONS", "value": flagged})
    return ValueChange(
        path="env", value=items, environment=env, reason="size the heap from the memory limit"
    )
