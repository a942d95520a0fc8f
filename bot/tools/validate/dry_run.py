"""The bot never talks to a cluster, so the dry run stands in for the API server; its entry point
and the rules the API server enforces on a single object (identity, names, labels, duplicates)
read together here, apart from the wiring between objects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import helm_python

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, ValidationReport
from bot.tools.validate.pods import pod_templates
from bot.tools.validate.schemas import _unparsed
from bot.tools.validate.shared import finding, report, values_fix, with_fix
from bot.tools.validate.tables import (
    _DNS_1035_LABEL,
    _DNS_LABEL,
    _DNS_SUBDOMAIN,
    _LABEL_NAMED,
    _LABEL_VALUE,
)
from bot.tools.validate.wiring import _hpa, _ingress, _pdb, _service, _workload_selector

# --------------------------------------------------------------------------- 3. dry run


def run_dry_run_validation(
    chart_dir: str, values_files: list[str] | None = None
) -> ValidationReport:
    """Install and upgrade the chart offline and check what the API server and wiring need."""
    context = helm.open_chart(chart_dir, values_files)
    findings: list[Finding] = []
    for values_set in context.values_sets:
        schema = _values_schema(context, values_set)
        findings.extend(schema)
        for upgrade in (False, True):
            rendering = context.rendering(values_set, upgrade=upgrade)
            if rendering.failure is not None:
                # Helm refuses to render values its schema rejects: that is already reported.
                if not (schema and rendering.failure.rule == "HB-HELM-VALUES"):
                    findings.append(rendering.failure.model_copy(update={"source": "dry-run"}))
                continue
            findings.extend(_dry_run_objects(context, rendering))
    return report("dry-run", context, findings)


def _values_schema(context: ChartContext, values_set: helm.ValuesSet) -> list[Finding]:
    """Check a values set against values.schema.json, naming the values file it came from."""
    chart = context.chart
    if chart is None or values_set.error or chart.schema is None:
        return []
    try:
        chart.validate_schema(chart.merge_values(values_set.overrides))
    except helm_python.HelmError as exc:
        return [
            Finding(
                source="dry-run",
                rule="HB-DRY-VALUES-SCHEMA",
                severity="HIGH",
                message=f"values do not match values.schema.json: {helm._error_text(exc)}",
                file=values_set.name,
                values_file=values_set.name,
            )
        ]
    return []


def _dry_run_objects(context: ChartContext, rendering: Rendering) -> list[Finding]:
    """Run every object-level dry-run check on one rendering."""
    findings: list[Finding] = []
    seen: dict[tuple[str, str, str, str], Document] = {}
    for doc in rendering.documents:
        if doc.obj is None:
            findings.append(_unparsed(context, rendering, doc, "dry-run"))
            continue
        findings.extend(_identity(context, rendering, doc))
        key = (doc.api_version.rpartition("/")[0], doc.kind, doc.namespace, doc.name)
        if doc.kind and doc.name and key in seen:
            findings.append(
                finding(
                    context,
                    rendering,
                    doc,
                    ("metadata", "name"),
                    source="dry-run",
                    rule="HB-DRY-DUPLICATE",
                    severity="HIGH",
                    message=f"{doc.resource} is rendered twice (also by {seen[key].template})",
                )
            )
        seen.setdefault(key, doc)
    templates = pod_templates(rendering)
    for template in templates:
        findings.extend(_workload_selector(context, rendering, template))
    for doc in rendering.objects:
        if doc.kind == "Service":
            findings.extend(_service(context, rendering, doc, templates))
        elif doc.kind == "Ingress":
            findings.extend(_ingress(context, rendering, doc))
        elif doc.kind == "HorizontalPodAutoscaler":
            findings.extend(_hpa(context, rendering, doc))
        elif doc.kind == "PodDisruptionBudget":
            findings.extend(_pdb(context, rendering, doc, templates))
    return findings


def _identity(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Check apiVersion, kind, name and label syntax the API server enforces."""
    found: list[Finding] = []

    def add(path: Sequence[str | int], rule: str, message: str) -> Finding:
        f = finding(
            context,
            rendering,
            doc,
            path,
            source="dry-run",
            rule=rule,
            severity="HIGH",
            message=message,
        )
        found.append(f)
        return f

    if not doc.api_version or not doc.kind:
        add((), "HB-DRY-IDENTITY", "rendered object has no apiVersion or kind")
        return found
    name = doc.name
    if not name and not doc.metadata.get("generateName"):
        add(("metadata",), "HB-DRY-NAME", f"{doc.kind} has no metadata.name")
    elif name:
        problem = name_problem(doc.kind, name)
        if problem:
            f = add(("metadata", "name"), "HB-DRY-NAME", f'{doc.kind} name "{name}" {problem}')
            found[-1] = with_fix(f, _name_fix(rendering.values, name))
    labels = doc.metadata.get("labels")
    for key, value in labels.items() if isinstance(labels, dict) else []:
        problem = label_problem(str(key), "" if value is None else str(value))
        if problem:
            add(("metadata", "labels", str(key)), "HB-DRY-LABEL", f"label {key}: {problem}")
    return found


def name_problem(kind: str, name: str) -> str:
    """Say why a name is not acceptable for a kind ('' when it is)."""
    limit = _LABEL_NAMED.get(kind)
    if limit is not None:
        pattern = _DNS_1035_LABEL if kind == "Service" else _DNS_LABEL
        if not pattern.match(name):
            rfc = "RFC 1035" if kind == "Service" else "RFC 1123"
            return f"is not a valid DNS label ({rfc}: lower-case letters, digits and '-')"
        if len(name) > limit:
            return f"is {len(name)} characters long; {kind} names may have at most {limit}"
        return ""
    if not _DNS_SUBDOMAIN.match(name):
        return "is not a valid DNS subdomain (RFC 1123: lower-case letters, digits, '-' and '.')"
    if len(name) > 253:
        return f"is {len(name)} characters long; names may have at most 253"
    return ""


def label_problem(key: str, value: str) -> str:
    """Say why a label key or value would be rejected ('' when it is fine)."""
    prefix, _, key_name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return "the key's prefix is not a DNS subdomain"
    if not key_name or len(key_name) > 63 or not _LABEL_VALUE.match(key_name):
        return "the key is not a valid label name"
    if len(value) > 63:
        return f"the value is {len(value)} characters long; label values may have at most 63"
    if not _LABEL_VALUE.match(value):
        return "the value is not a valid label value"
    return ""


def dns_name(text: str, limit: int = 63) -> str:
    """Turn any text into a valid DNS label, the way a human would fix a name."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", cleaned)[:limit].rstrip("-") or "app"


def _name_fix(values: dict[str, Any], name: str) -> dict[str, Any]:
    """Fix a bad name at its source when it comes from fullnameOverride or nameOverride."""
    for key in ("fullnameOverride", "nameOverride"):
        override = values.get(key)
        if isinstance(override, str) and override and override in name:
            return values_fix(values, {key: dns_name(override)})
    return {}
