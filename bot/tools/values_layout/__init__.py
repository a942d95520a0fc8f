"""The layout of a generated chart's values: every key, its documentation, and its default.

The generic templates in ``bot/chart_templates`` read exactly these keys; the plan decides their
values. ``docs`` documents the keys, ``workload`` builds one workload's keys (the main one at the
top of values.yaml, each further component under ``components.<name>``), and ``chart`` puts
values.yaml and the per-environment overrides together.
"""

from bot.tools.values_layout.chart import base_values, environment_overrides, parts
from bot.tools.values_layout.docs import PARAMS, SECTIONS, describe_extra, section_of
from bot.tools.values_layout.workload import (
    UID,
    Part,
    Values,
    container_security_context,
    image_values,
    pod_security_context,
    spread_constraints,
)

__all__ = [
    "PARAMS",
    "SECTIONS",
    "UID",
    "Part",
    "Values",
    "base_values",
    "container_security_context",
    "describe_extra",
    "environment_overrides",
    "image_values",
    "parts",
    "pod_security_context",
    "section_of",
    "spread_constraints",
]
