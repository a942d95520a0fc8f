"""Kubernetes CPU and memory quantities as numbers the planner and the optimizer can compare.

Sizes are decided in millicores and MiB and written back the way values files hold them, so a
stated ``0.5`` CPU and ``500m`` are the same request.
"""

from __future__ import annotations

import math
import re

_MEMORY_UNITS_MI: dict[str, float] = {
    "": 1 / 1024**2,
    "k": 1e3 / 1024**2,
    "K": 1e3 / 1024**2,
    "M": 1e6 / 1024**2,
    "G": 1e9 / 1024**2,
    "T": 1e12 / 1024**2,
    "Ki": 1 / 1024,
    "Mi": 1.0,
    "Gi": 1024.0,
    "Ti": 1024.0**2,
}
_QUANTITY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][0-9]+)?)\s*([A-Za-z]*)\s*$")


def parse_cpu_m(value: object) -> float | None:
    """Return a Kubernetes CPU quantity in millicores, or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) * 1000
    match = _QUANTITY.match(str(value))
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit == "m":
        return number
    return number * 1000 if unit == "" else None


def parse_memory_mi(value: object) -> float | None:
    """Return a Kubernetes memory quantity in MiB, or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) / 1024**2
    match = _QUANTITY.match(str(value))
    if not match or match.group(2) not in _MEMORY_UNITS_MI:
        return None
    return float(match.group(1)) * _MEMORY_UNITS_MI[match.group(2)]


def format_cpu(millicores: float) -> str:
    """Format millicores the way values files write them, e.g. 250m."""
    return f"{math.ceil(millicores)}m"


def format_memory(mebibytes: float) -> str:
    """Format MiB as a Kubernetes quantity, in Gi when it divides evenly."""
    mi = math.ceil(mebibytes)
    return f"{mi // 1024}Gi" if mi and mi % 1024 == 0 else f"{mi}Mi"


def round_up(value: float, step: int) -> int:
    """Round ``value`` up to a multiple of ``step``."""
    return int(math.ceil(value / step) * step)
