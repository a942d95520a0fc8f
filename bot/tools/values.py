"""A chart's values: built from the plan, written as documented YAML, and edited by dotted path.

``values.yaml`` is the one place a request's facts go (the templates are generic), so this module
owns its layout. Fixers and the optimizer change a chart only through ``apply_value_changes``,
which keeps the dicts in a ``ChartDraft`` and the files made from them in step.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from bot.tools import values_layout as layout
from bot.tools.models import ChartDraft, Plan, ValueChange

Values = dict[str, Any]
TABLE_START = "<!-- helm-bot:values-table:start -->"
TABLE_END = "<!-- helm-bot:values-table:end -->"


# --------------------------------------------------------------------------- editing


def _step(key: str) -> str | int:
    return int(key) if key.isdigit() else key


def set_path(values: Values, path: str, value: object) -> None:
    """Set (or with None, delete) a dotted path, creating maps on the way."""
    keys = [_step(k) for k in path.split(".")]
    node: Any = values
    for key, following in zip(keys, keys[1:], strict=False):
        if isinstance(node, list) and isinstance(key, int):
            while len(node) <= key:
                node.append({})
            node = node[key]
            continue
        child = node.get(key)
        if not isinstance(child, dict | list):
            child = [] if isinstance(following, int) else {}
            node[key] = child
        node = child
    last = keys[-1]
    if isinstance(node, list) and isinstance(last, int):
        if value is None:
            if last < len(node):
                node.pop(last)
            return
        while len(node) <= last:
            node.append(None)
        node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def apply_value_changes(draft: ChartDraft, changes: list[ValueChange]) -> ChartDraft:
    """Apply values edits to a draft and rewrite the files made from the values."""
    base = copy.deepcopy(draft.values)
    envs = copy.deepcopy(draft.environment_values)
    for change in changes:
        target = base if not change.environment else envs.setdefault(change.environment, {})
        set_path(target, change.path, copy.deepcopy(change.value))
    files = dict(draft.files)
    files["values.yaml"] = values_yaml(base)
    for env, overrides in envs.items():
        files[f"values-{env}.yaml"] = environment_yaml(env, overrides)
    if "README.md" in files:
        files["README.md"] = replace_values_table(files["README.md"], files["values.yaml"])
    return draft.model_copy(
        update={"values": base, "environment_values": envs, "files": files}, deep=True
    )


# --------------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    """Indent lists under their key, as Helm charts are written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# Strings Helm's YAML 1.1 reader takes for booleans though PyYAML writes them bare: an env value
# "y" would reach the container spec as `true`, which the Kubernetes schema rejects.
_YAML11_BOOLEANS = frozenset({"y", "Y", "n", "N"})


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if value in _YAML11_BOOLEANS else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def dump(data: object) -> str:
    """Return block-style YAML that keeps key order."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100)


def _documented(prefix: str, values: Values) -> list[str]:
    """Return the @param lines for one top-level key, in layout order."""
    lines = []
    for key, description in layout.PARAMS.items():
        if key == prefix or key.startswith(prefix + "."):
            lines.append(f"## @param {key} {description}")
    if not lines:
        lines.append(f"## @param {prefix} {layout.describe_extra(prefix, values[prefix])}")
    return lines


def values_yaml(values: Values) -> str:
    """Write values.yaml with ``## @section`` and ``## @param`` documentation."""
    out = [
        "# Default values. Per-environment overrides live in values-<env>.yaml.",
        "# Secrets are never set here: the chart reads them from existing Secrets.",
    ]
    section = ""
    for key, value in values.items():
        current = layout.section_of(key)
        if current != section:
            section = current
            out += ["", f"## @section {section}", ""]
        out += _documented(key, values)
        out.append(dump({key: value}).rstrip())
    return "\n".join(out) + "\n"


def environment_yaml(env: str, overrides: Values) -> str:
    """Write one environment's overrides, to be layered on values.yaml with ``-f``."""
    header = f"# Overrides for {env}: helm install ... -f values.yaml -f values-{env}.yaml\n"
    return header + (dump(overrides) if overrides else "{}\n")


# --------------------------------------------------------------------------- README table

_PARAM = re.compile(r"^## @param (?P<key>\S+) (?P<description>.*)$")


def _lookup(values: Values, path: str) -> object:
    node: Any = values
    for key in path.split("."):
        if isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return None
    return node


def values_table(values_text: str) -> str:
    """Build the README's values table from the @param lines of values.yaml."""
    values = yaml.safe_load(values_text) or {}
    rows = ["| Key | Description | Default |", "|---|---|---|"]
    for line in values_text.splitlines():
        match = _PARAM.match(line)
        if not match:
            continue
        default = _lookup(values, match["key"])
        shown = yaml.safe_dump(default, default_flow_style=True, width=10_000).strip()
        shown = shown.removesuffix("...").strip().replace("|", "\\|")
        rows.append(f"| `{match['key']}` | {match['description']} | `{shown}` |")
    return "\n".join(rows)


def replace_values_table(readme: str, values_text: str) -> str:
    """Swap the values table between its markers for one made from ``values_text``."""
    start, end = readme.find(TABLE_START), readme.find(TABLE_END)
    if start < 0 or end < 0:
        return readme
    table = values_table(values_text)
    return readme[: start + len(TABLE_START)] + "\n" + table + "\n" + readme[end:]


# --------------------------------------------------------------------------- building


def build_values(plan: Plan) -> tuple[Values, dict[str, Values]]:
    """Return values.yaml's content and each environment's overrides for a plan."""
    return layout.base_values(plan), layout.environment_overrides(plan)


def write_chart(draft: ChartDraft, directory: Path) -> Path:
    """Write every file of the draft under ``directory/<name>``; return the chart directory."""
    chart_dir = Path(directory) / draft.name
    for relative, content in draft.files.items():
        path = chart_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return chart_dir
