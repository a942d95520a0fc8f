"""Loading the bundled Kubernetes schemas is the slowest part of validation, so their per-version
registries and validators are cached; they live next to the only check that uses them, with the
version mapping that refuses an unsupported Kubernetes version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from kubernetes_validate import utils as kv_utils  # type: ignore[import-untyped]
from packaging.version import InvalidVersion, Version
from referencing import Registry, Resource

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, ValidationReport
from bot.tools.validate.shared import finding, render_failures, report
from bot.tools.validate.tables import _BUILTIN_GROUPS, _MAX_SCHEMA_ERRORS, DEFAULT_KUBE_VERSIONS

# --------------------------------------------------------------------------- 2. schemas


class UnsupportedKubernetesVersion(ValueError):
    """The bundled schemas do not cover the Kubernetes version asked for."""


def schema_version(version: str) -> str:
    """Return the bundled schema version (e.g. 1.29.0) that serves a Kubernetes minor version."""
    bundled = [Version(v) for v in kv_utils.all_versions()]
    try:
        wanted = Version(version.removeprefix("v"))
    except InvalidVersion:
        matches = []
    else:
        matches = [v for v in bundled if (v.major, v.minor) == (wanted.major, wanted.minor)]
    if not matches:
        span = f"{bundled[0].major}.{bundled[0].minor}–{bundled[-1].major}.{bundled[-1].minor}"
        raise UnsupportedKubernetesVersion(
            f"Kubernetes {version} is not supported: the bundled schemas cover {span}"
        )
    return str(matches[-1])


@lru_cache(maxsize=16)
def _registry(bundled: str) -> Registry[Any]:
    """Load one version's shared definitions once (a 1 MB file the library reloads per call)."""
    definitions = kv_utils.schema_contents(
        f"kubernetes-json-schema/v{bundled}-local-strict/_definitions.json", bundled
    )
    return Resource.from_contents(definitions) @ Registry()


@lru_cache(maxsize=512)
def _validator(bundled: str, kind: str, api_version: str) -> Any | None:
    """Return a strict validator for one kind in one version, or None when none is bundled."""
    group, _, version = api_version.rpartition("/")
    short = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    name = f"kubernetes-json-schema/v{bundled}-local-strict/{kind.lower()}-{short}.json"
    try:
        schema = kv_utils.schema_contents(name, bundled)
    except (FileNotFoundError, kv_utils.InvalidSchemaError):
        return None
    served = schema.get("x-kubernetes-group-version-kind") or []
    # The library's file names drop the group's domain: check the group really is this one.
    if not any(
        g.get("group") == group and g.get("version") == version and g.get("kind") == kind
        for g in served
    ):
        return None
    registry = Resource.from_contents(schema) @ _registry(bundled)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def validate_with_kubeconform(
    chart_dir: str,
    kube_versions: Sequence[str] = DEFAULT_KUBE_VERSIONS,
    values_files: list[str] | None = None,
) -> ValidationReport:
    """Validate every rendered object against the strict Kubernetes schemas of each version."""
    versions = list(kube_versions)
    bundled = {v: schema_version(v) for v in versions}
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "schema")
    verdicts: dict[tuple[str, str], list[tuple[tuple[str | int, ...], str]] | None] = {}
    for rendering in context.renderings():
        for doc in rendering.documents:
            if doc.obj is None:
                findings.append(_unparsed(context, rendering, doc, "schema"))
                continue
            if not doc.kind or not doc.api_version:
                continue  # reported by the dry run; there is no schema to pick
            for version in versions:
                key = (bundled[version], json.dumps(doc.obj, sort_keys=True, default=str))
                if key not in verdicts:
                    verdicts[key] = _schema_errors(bundled[version], doc)
                findings.extend(_schema_findings(context, rendering, doc, version, verdicts[key]))
    return report("kubernetes-schema", context, findings, versions=versions)


def _schema_errors(bundled: str, doc: Document) -> list[tuple[tuple[str | int, ...], str]] | None:
    """Return (path, message) for each schema error, or None when the kind has no schema."""
    validator = _validator(bundled, doc.kind, doc.api_version)
    if validator is None:
        return None
    errors = sorted(validator.iter_errors(doc.obj), key=lambda e: list(map(str, e.absolute_path)))
    return [(tuple(e.absolute_path), e.message) for e in errors[:_MAX_SCHEMA_ERRORS]]


def _schema_findings(
    context: ChartContext,
    rendering: Rendering,
    doc: Document,
    version: str,
    errors: list[tuple[tuple[str | int, ...], str]] | None,
) -> list[Finding]:
    """Turn one document's schema verdict into findings."""
    if errors is None:
        group = doc.api_version.rpartition("/")[0]
        if group in _BUILTIN_GROUPS:
            return [
                finding(
                    context,
                    rendering,
                    doc,
                    ("apiVersion",),
                    source="schema",
                    rule="HB-SCHEMA-KIND",
                    severity="HIGH",
                    message=f"{doc.api_version} {doc.kind} is not served by Kubernetes {version}",
                )
            ]
        return [
            finding(
                context,
                rendering,
                doc,
                ("kind",),
                source="schema",
                rule="HB-SCHEMA-UNKNOWN",
                severity="INFO",
                message=f"no schema for custom resource {doc.api_version} {doc.kind}; "
                "not validated",
            )
        ]
    return [
        finding(
            context,
            rendering,
            doc,
            path,
            source="schema",
            rule="HB-SCHEMA",
            severity="HIGH",
            message=f"{'.'.join(map(str, path)) or '(root)'}: {message} (Kubernetes {version})",
        )
        for path, message in errors
    ]


def _unparsed(context: ChartContext, rendering: Rendering, doc: Document, source: str) -> Finding:
    """Report a rendered document that is not a YAML mapping."""
    return Finding(
        source=source,
        rule="HB-DRY-YAML",
        severity="HIGH",
        message=f"rendered document {doc.index + 1} is not valid YAML: {doc.error}",
        file=doc.template,
        line=context.source_line(doc, doc.start, rendering.files.get(doc.template, "")),
        values_file=rendering.values_set.name,
    )
