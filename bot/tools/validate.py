"""The validator agent's gates: is this chart something Helm and Kubernetes will accept and run?

Each tool takes a chart directory on disk and returns a ``ValidationReport``; all of them look at
the chart under every values set (``values.yaml`` alone, then each ``values-<env>.yaml`` on top)
through the shared, cached ``bot.tools.helm`` context, so the chart is rendered once per run.

Severities — a report passes only when no finding is CRITICAL, HIGH or MEDIUM (and unaccepted):

- CRITICAL: nothing can be installed: the chart does not load, a template does not render, a
  values file cannot be read (rules ``HB-HELM-*``).
- HIGH: Helm or the API server would reject the release, or a wire cannot connect: lint errors
  (``HB-LINT-ERROR``), schema violations (``HB-SCHEMA``, ``HB-SCHEMA-KIND``), values schema
  (``HB-DRY-VALUES-SCHEMA``), invalid YAML, names, labels, duplicates, selectors, Service,
  Ingress, HPA and PDB targets (``HB-DRY-*``).
- MEDIUM: ``helm lint --strict`` warnings (``HB-LINT-WARNING``: strict lint fails on them), a
  PodDisruptionBudget that blocks every eviction (``HB-BP-PDB-BLOCKS``).
- LOW / INFO: best-practice advice (``HB-BP-*``), lint info, custom resources without a schema
  (``HB-SCHEMA-UNKNOWN``).

Rule ids (stable): ``HB-HELM-LOAD``/``-RENDER``/``-VALUES``/``-ERROR``; ``HB-LINT-ERROR``/
``-WARNING``/``-INFO``; ``HB-SCHEMA`` (violation), ``HB-SCHEMA-KIND`` (kind not served by that
Kubernetes version), ``HB-SCHEMA-UNKNOWN`` (custom resource); ``HB-DRY-VALUES-SCHEMA``,
``-YAML``, ``-IDENTITY``, ``-NAME``, ``-LABEL``, ``-DUPLICATE``, ``-SELECTOR``,
``-SERVICE-SELECTOR``, ``-TARGETPORT``, ``-INGRESS-BACKEND``, ``-HPA-TARGET``, ``-HPA-RANGE``,
``-PDB``, ``-PDB-TARGET``; ``HB-BP-LABELS``, ``-NAMESPACE``, ``-PROBES``, ``-RESOURCES``,
``-CPU-LIMIT``, ``-IMAGE-TAG``, ``-TERMINATION``, ``-PDB``, ``-PDB-BLOCKS``, ``-HPA-REPLICAS``,
``-SPREAD``.

A finding that a values edit can mend carries it in ``Finding.fix`` as ``values:`` followed by a
JSON object of dotted values paths and their new values, computed by the check that knows the
chart (it only proposes a path the chart's values actually have). ``suggest_fixes`` turns those
into ``ValueChange`` objects for the file the finding was rendered with.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import helm_python
import jsonschema  # type: ignore[import-untyped]
from kubernetes_validate import utils as kv_utils  # type: ignore[import-untyped]
from packaging.version import InvalidVersion, Version
from referencing import Registry, Resource

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering, environment_of
from bot.tools.models import Finding, FixPlan, Severity, ValidationReport, ValueChange

FAILING: tuple[Severity, ...] = ("CRITICAL", "HIGH", "MEDIUM")
DEFAULT_KUBE_VERSIONS = ("1.29", "1.34")
FIX_PREFIX = "values:"
# What a container gets when it asks for nothing: small, and valid for any limit it sets.
DEFAULT_REQUESTS = {"cpu": "100m", "memory": "128Mi"}
_LINT_SEVERITY: dict[int, Severity] = {3: "HIGH", 2: "MEDIUM", 1: "INFO", 0: "INFO"}
_MAX_SCHEMA_ERRORS = 20
# API groups Kubernetes itself serves: a kind there without a bundled schema does not exist.
_BUILTIN_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
    }
)
WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
)
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# Kinds whose name must be a DNS label (63); the API caps CronJob names at 52 for its Jobs.
_LABEL_NAMED = {"Service": 63, "Namespace": 63, "StatefulSet": 63, "CronJob": 52}
_RECOMMENDED_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance")


# --------------------------------------------------------------------------- shared helpers


def failing(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that fail a gate: severe enough and not accepted."""
    return [f for f in findings if f.severity in FAILING and not f.accepted]


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Drop repeats of a finding (same rule, place, object, message and fix), keeping the first."""
    seen: set[tuple[object, ...]] = set()
    unique: list[Finding] = []
    for f in findings:
        key = (f.rule, f.file, f.line, f.resource, f.message, f.fix)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def encode_fix(changes: dict[str, Any]) -> str:
    """Write value edits into a finding's ``fix`` field."""
    return FIX_PREFIX + json.dumps(changes, sort_keys=True, separators=(",", ":"))


def decode_fix(fix: str) -> dict[str, Any]:
    """Read the value edits a finding's ``fix`` field carries ({} when it carries none)."""
    if not fix.startswith(FIX_PREFIX):
        return {}
    try:
        changes = json.loads(fix[len(FIX_PREFIX) :])
    except json.JSONDecodeError:
        return {}
    return changes if isinstance(changes, dict) else {}


def values_fix(values: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Keep only the edits under a top-level key the chart's values already have.

    The fixers write through dotted paths and create missing maps below that key, so a chart
    whose ``securityContext`` is ``{}`` can still get ``securityContext.capabilities.drop``.
    """
    kept: dict[str, Any] = {}
    for path, value in changes.items():
        top, _, rest = path.partition(".")
        if top in values and (not rest or isinstance(values[top], dict)):
            kept[path] = value
    return kept


def with_fix(finding: Finding, changes: dict[str, Any]) -> Finding:
    """Attach value edits to a finding, marking it auto-fixable when there are any."""
    if not changes:
        return finding
    return finding.model_copy(update={"fix": encode_fix(changes), "auto_fixable": True})


def as_dict(value: Any) -> dict[str, Any]:
    """Return ``value`` when it is a mapping, else an empty one (rendered YAML can be anything)."""
    return value if isinstance(value, dict) else {}


def report(
    check: str,
    context: ChartContext,
    findings: Iterable[Finding],
    *,
    versions: Sequence[str] = (),
) -> ValidationReport:
    """Build one check's report: it passes only if nothing failing was found."""
    unique = dedupe(findings)
    passed = not failing(unique)
    renders = context.renderings()
    return ValidationReport(
        passed=passed,
        findings=unique,
        checks={check: "passed" if passed else "failed"},
        kubernetes_versions=list(versions),
        values_files=[vs.name for vs in context.values_sets],
        rendered_objects=len(renders[0].objects) if renders else 0,
    )


def render_failures(context: ChartContext, source: str) -> list[Finding]:
    """Return why each values set failed to render: a check that saw nothing cannot pass."""
    return [
        r.failure.model_copy(update={"source": source})
        for r in context.renderings()
        if r.failure is not None
    ]


def finding(
    context: ChartContext,
    rendering: Rendering,
    doc: Document,
    path: Sequence[str | int],
    *,
    source: str,
    rule: str,
    severity: Severity,
    message: str,
) -> Finding:
    """Build a finding about one object, pointing at the template line that produced ``path``."""
    return Finding(
        source=source,
        rule=rule,
        severity=severity,
        message=message,
        file=doc.template,
        line=context.line_of(rendering, doc, *path),
        resource=doc.resource,
        values_file=rendering.values_set.name,
    )


# --------------------------------------------------------------------------- pods and selectors


@dataclass(frozen=True)
class PodTemplate:
    """A pod template inside a rendered object, with the YAML path that leads to its spec."""

    doc: Document
    path: tuple[str, ...]
    labels: dict[str, Any]
    annotations: dict[str, Any]
    spec: dict[str, Any]

    @property
    def kind(self) -> str:
        """Return the kind of the object that owns the template."""
        return self.doc.kind

    @property
    def long_running(self) -> bool:
        """Tell whether its containers are meant to run until stopped (not a Job, not a hook)."""
        return self.kind in LONG_RUNNING_KINDS and not self.doc.is_hook


def pod_template(doc: Document) -> PodTemplate | None:
    """Return the pod template of a workload object (a bare Pod is its own template)."""
    obj = doc.obj or {}
    kind = doc.kind
    if kind not in WORKLOAD_KINDS:
        return None
    if kind == "Pod":
        path: tuple[str, ...] = ()
        meta, spec = obj.get("metadata"), obj.get("spec")
    else:
        path = (
            ("spec", "jobTemplate", "spec", "template")
            if kind == "CronJob"
            else ("spec", "template")
        )
        node: Any = obj
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        node = node if isinstance(node, dict) else {}
        meta, spec = node.get("metadata"), node.get("spec")
    meta = meta if isinstance(meta, dict) else {}
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    return PodTemplate(
        doc,
        (*path, "spec"),
        labels or {},
        annotations or {},
        spec if isinstance(spec, dict) else {},
    )


def pod_templates(rendering: Rendering) -> list[PodTemplate]:
    """Return every pod template a rendering contains."""
    found = (pod_template(doc) for doc in rendering.objects)
    return [t for t in found if t is not None]


CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def containers(spec: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Yield (list name, index, container) for every container of a pod spec."""
    for group in CONTAINER_LISTS:
        items = spec.get(group)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    yield group, i, item


def selector_matches(selector: Any, labels: dict[str, Any]) -> bool:
    """Tell whether a LabelSelector (matchLabels + matchExpressions) selects ``labels``."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        return False
    if any(str(labels.get(k)) != str(v) or k not in labels for k, v in match_labels.items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, dict) or not _expression_matches(expr, labels):
            return False
    return True


def _expression_matches(expr: dict[str, Any], labels: dict[str, Any]) -> bool:
    """Evaluate one matchExpressions entry."""
    key, op = str(expr.get("key")), expr.get("operator")
    values = [str(v) for v in expr.get("values") or []]
    present = key in labels
    if op == "In":
        return present and str(labels[key]) in values
    if op == "NotIn":
        return not present or str(labels[key]) not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    return False


def map_selects(selector: Any, labels: dict[str, Any]) -> bool:
    """Tell whether a plain label map (a Service selector) selects ``labels``."""
    if not isinstance(selector, dict) or not selector:
        return False
    return all(k in labels and str(labels[k]) == str(v) for k, v in selector.items())


def same_namespace(a: Document, b: Document) -> bool:
    """Tell whether two objects land in the same namespace (unset = the release's)."""
    return a.namespace == b.namespace


# --------------------------------------------------------------------------- 1. helm lint


def run_helm_lint(
    chart_dir: str,
    values_files: list[str] | None = None,
    kube_versions: Sequence[str] = DEFAULT_KUBE_VERSIONS,
) -> ValidationReport:
    """Run ``helm lint --strict`` for every values set and Kubernetes version."""
    context = helm.open_chart(chart_dir, values_files)
    versions = list(kube_versions)
    findings: list[Finding] = []
    for values_set in context.values_sets:
        if values_set.error:
            findings.append(
                context.rendering(values_set).failure
                or Finding(
                    source="helm-lint",
                    rule="HB-HELM-VALUES",
                    severity="CRITICAL",
                    message=values_set.error,
                    file=values_set.name,
                    values_file=values_set.name,
                )
            )
            continue
        seen: dict[tuple[int, str, str], list[str]] = {}
        for version in versions:
            result = context.lint(values_set, version.removeprefix("v"))
            for message in _lint_messages(result):
                seen.setdefault(message, []).append(version)
        for (severity, path, text), found_in in seen.items():
            suffix = (
                "" if len(found_in) == len(versions) else f" [Kubernetes {', '.join(found_in)}]"
            )
            findings.append(_lint_finding(context, values_set, severity, path, text + suffix))
    return report("helm-lint", context, findings, versions=versions)


def _lint_messages(result: dict[str, Any]) -> list[tuple[int, str, str]]:
    """Return (severity, path, text) for every lint message, errors not in a message included."""
    messages = [
        (int(m.get("severity") or 0), str(m.get("path") or ""), " ".join(str(m["error"]).split()))
        for m in result.get("messages") or []
        if m.get("error")
    ]
    texts = {text for _, _, text in messages}
    for error in result.get("errors") or []:
        text = " ".join(str(error).split())
        if text not in texts:
            messages.append((3, "", text))
    return messages


def _lint_finding(
    context: ChartContext, values_set: helm.ValuesSet, severity: int, path: str, text: str
) -> Finding:
    """Turn one lint message into a finding on the file and line it names."""
    file, line = helm.locate_error(text, context.name)
    if not file:
        file = "" if path.endswith("/") else path  # "templates/" names no file
        if file == helm.DEFAULT_VALUES:
            file = values_set.name
    level = _LINT_SEVERITY.get(severity, "INFO")
    rule = {"HIGH": "HB-LINT-ERROR", "MEDIUM": "HB-LINT-WARNING"}.get(level, "HB-LINT-INFO")
    return Finding(
        source="helm-lint",
        rule=rule,
        severity=level,
        message=text,
        file=file,
        line=line,
        values_file=values_set.name,
    )


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


def _workload_selector(
    context: ChartContext, rendering: Rendering, template: PodTemplate
) -> list[Finding]:
    """Check that a controller's selector selects its own pod template (the API requires it)."""
    if template.kind in ("Pod", "CronJob", "Job"):
        return []
    selector = (template.doc.obj or {}).get("spec", {}).get("selector")
    if selector_matches(selector, template.labels):
        return []
    return [
        finding(
            context,
            rendering,
            template.doc,
            ("spec", "selector"),
            source="dry-run",
            rule="HB-DRY-SELECTOR",
            severity="HIGH",
            message=f"{template.doc.resource}: spec.selector does not match the pod template's "
            "labels",
        )
    ]


def _service(
    context: ChartContext, rendering: Rendering, doc: Document, templates: list[PodTemplate]
) -> list[Finding]:
    """Check that a Service selects pods and that its target ports exist on them."""
    spec = (doc.obj or {}).get("spec") or {}
    selector = spec.get("selector")
    if spec.get("type") == "ExternalName" or not selector:
        return []
    selected = [
        t
        for t in templates
        if same_namespace(t.doc, doc) and not t.doc.is_hook and map_selects(selector, t.labels)
    ]
    if not selected:
        return [
            finding(
                context,
                rendering,
                doc,
                ("spec", "selector"),
                source="dry-run",
                rule="HB-DRY-SERVICE-SELECTOR",
                severity="HIGH",
                message=f"{doc.resource} selects no pods rendered by the chart",
            )
        ]
    port_names = {
        str(p.get("name"))
        for t in selected
        for _, _, c in containers(t.spec)
        for p in c.get("ports") or []
        if isinstance(p, dict) and p.get("name")
    }
    port_numbers = {
        p.get("containerPort")
        for t in selected
        for _, _, c in containers(t.spec)
        for p in c.get("ports") or []
        if isinstance(p, dict)
    }
    found: list[Finding] = []
    for i, port in enumerate(spec.get("ports") or []):
        if not isinstance(port, dict):
            continue
        target = port.get("targetPort", port.get("port"))
        if isinstance(target, str) and not target.isdigit() and target not in port_names:
            found.append(
                finding(
                    context,
                    rendering,
                    doc,
                    ("spec", "ports", i, "targetPort"),
                    source="dry-run",
                    rule="HB-DRY-TARGETPORT",
                    severity="HIGH",
                    message=f'{doc.resource} targets port "{target}", which no selected container '
                    "names",
                )
            )
        elif not isinstance(target, str) and target not in port_numbers:
            found.append(
                finding(
                    context,
                    rendering,
                    doc,
                    ("spec", "ports", i),
                    source="dry-run",
                    rule="HB-DRY-TARGETPORT",
                    severity="LOW",
                    message=f"{doc.resource} targets port {target}, which no selected container "
                    "declares",
                )
            )
    return found


def _objects(rendering: Rendering, kind: str, namespace: str) -> dict[str, Document]:
    """Index a rendering's objects of one kind in one namespace by name."""
    return {d.name: d for d in rendering.objects if d.kind == kind and d.namespace == namespace}


def _ingress(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Check that every Ingress backend is a Service of the chart with that port."""
    services = _objects(rendering, "Service", doc.namespace)
    spec = (doc.obj or {}).get("spec") or {}
    backends: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(spec.get("defaultBackend"), dict):
        backends.append((("spec", "defaultBackend"), spec["defaultBackend"]))
    for r, rule in enumerate(spec.get("rules") or []):
        paths = ((rule or {}).get("http") or {}).get("paths") or []
        for p, entry in enumerate(paths):
            if isinstance(entry, dict):
                backends.append(
                    (("spec", "rules", r, "http", "paths", p, "backend"), entry.get("backend"))
                )
    found: list[Finding] = []
    for path, backend in backends:
        problem = _backend_problem(backend, services)
        if problem:
            found.append(
                finding(
                    context,
                    rendering,
                    doc,
                    path,
                    source="dry-run",
                    rule="HB-DRY-INGRESS-BACKEND",
                    severity="HIGH",
                    message=f"{doc.resource}: {problem}",
                )
            )
    return found


def _backend_problem(backend: Any, services: dict[str, Document]) -> str:
    """Say what is wrong with one Ingress backend ('' when it is wired)."""
    if not isinstance(backend, dict):
        return "a path has no backend"
    if "resource" in backend:
        return ""
    service = backend.get("service") or {}
    name = service.get("name")
    target = services.get(str(name))
    if target is None:
        return f'backend Service "{name}" is not rendered by the chart'
    port = service.get("port") or {}
    ports = [
        p for p in ((target.obj or {}).get("spec") or {}).get("ports") or [] if isinstance(p, dict)
    ]
    if "name" in port and port["name"] not in {p.get("name") for p in ports}:
        return f'backend Service "{name}" has no port named "{port["name"]}"'
    if "number" in port and port["number"] not in {p.get("port") for p in ports}:
        return f'backend Service "{name}" has no port {port["number"]}'
    return ""


def _hpa(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Check that an HPA scales a workload of the chart within a sane range."""
    spec = (doc.obj or {}).get("spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    found: list[Finding] = []
    if str(ref.get("name")) not in _objects(rendering, str(ref.get("kind")), doc.namespace):
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "scaleTargetRef"),
                source="dry-run",
                rule="HB-DRY-HPA-TARGET",
                severity="HIGH",
                message=f"{doc.resource} scales {ref.get('kind')}/{ref.get('name')}, "
                "which the chart does not render",
            )
        )
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "minReplicas"),
                source="dry-run",
                rule="HB-DRY-HPA-RANGE",
                severity="HIGH",
                message=f"{doc.resource}: minReplicas {low} is above maxReplicas {high}",
            )
        )
    return found


def _pdb(
    context: ChartContext, rendering: Rendering, doc: Document, templates: list[PodTemplate]
) -> list[Finding]:
    """Check that a PDB protects some workload of the chart and is well formed."""
    spec = (doc.obj or {}).get("spec") or {}
    found: list[Finding] = []
    if "minAvailable" in spec and "maxUnavailable" in spec:
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "maxUnavailable"),
                source="dry-run",
                rule="HB-DRY-PDB",
                severity="HIGH",
                message=f"{doc.resource} sets both minAvailable and maxUnavailable",
            )
        )
    if not any(
        same_namespace(t.doc, doc)
        and not t.doc.is_hook
        and selector_matches(spec.get("selector"), t.labels)
        for t in templates
    ):
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "selector"),
                source="dry-run",
                rule="HB-DRY-PDB-TARGET",
                severity="HIGH",
                message=f"{doc.resource} selects no pods rendered by the chart",
            )
        )
    return found


# --------------------------------------------------------------------------- 4. best practices


def check_best_practices(chart_dir: str, values_files: list[str] | None = None) -> ValidationReport:
    """Review labels, probes, resources, images, disruption budgets and scaling."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "best-practice")
    for rendering in context.renderings():
        if rendering.failure is not None:
            continue
        templates = pod_templates(rendering)
        for doc in rendering.objects:
            findings.extend(_labels(context, rendering, doc))
        for template in templates:
            findings.extend(_containers_advice(context, rendering, template))
        findings.extend(_availability(context, rendering, templates))
    return report("best-practices", context, findings)


def _bp(
    context: ChartContext,
    rendering: Rendering,
    doc: Document,
    path: Sequence[str | int],
    rule: str,
    severity: Severity,
    message: str,
) -> Finding:
    """Build a best-practice finding."""
    return finding(
        context,
        rendering,
        doc,
        path,
        source="best-practice",
        rule=rule,
        severity=severity,
        message=message,
    )


def _labels(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Ask for the recommended app.kubernetes.io labels on every object."""
    labels = doc.metadata.get("labels")
    labels = labels if isinstance(labels, dict) else {}
    missing = [k for k in _RECOMMENDED_LABELS if k not in labels]
    found: list[Finding] = []
    if missing:
        found.append(
            _bp(
                context,
                rendering,
                doc,
                ("metadata",),
                "HB-BP-LABELS",
                "LOW",
                f"{doc.resource} lacks the recommended labels {', '.join(missing)}",
            )
        )
    if doc.namespace:
        found.append(
            _bp(
                context,
                rendering,
                doc,
                ("metadata", "namespace"),
                "HB-BP-NAMESPACE",
                "INFO",
                f"{doc.resource} hard-codes namespace {doc.namespace}; "
                "the release namespace is usually what users expect",
            )
        )
    return found


def _containers_advice(
    context: ChartContext, rendering: Rendering, template: PodTemplate
) -> list[Finding]:
    """Check probes, resources and image tags of every container of a pod template."""
    found: list[Finding] = []
    doc, values = template.doc, rendering.values
    for group, index, container in containers(template.spec):
        if group == "ephemeralContainers":
            continue
        path: tuple[str | int, ...] = (*template.path, group, index)
        cname = container.get("name", "?")
        where = f"container {cname!r} of {doc.resource}"
        if template.long_running and group == "containers":
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in container:
                    f = _bp(
                        context,
                        rendering,
                        doc,
                        path,
                        "HB-BP-PROBES",
                        "LOW",
                        f"{where} has no {probe}",
                    )
                    toggle = values.get(probe)
                    if isinstance(toggle, dict) and toggle.get("enabled") is False:
                        f = with_fix(f, values_fix(values, {f"{probe}.enabled": True}))
                    found.append(f)
        found.extend(_resources(context, rendering, template, path, container, where))
        image = str(container.get("image") or "")
        if image and image_tag_problem(image):
            found.append(
                _bp(
                    context,
                    rendering,
                    doc,
                    (*path, "image"),
                    "HB-BP-IMAGE-TAG",
                    "LOW",
                    f"{where}: image {image} {image_tag_problem(image)}",
                )
            )
    if template.long_running and "terminationGracePeriodSeconds" not in template.spec:
        found.append(
            _bp(
                context,
                rendering,
                doc,
                template.path,
                "HB-BP-TERMINATION",
                "INFO",
                f"{doc.resource} relies on the default 30 s terminationGracePeriodSeconds",
            )
        )
    return found


def image_tag_problem(image: str) -> str:
    """Say why an image reference is not pinned ('' when it has a fixed tag or a digest)."""
    if "@sha256:" in image or "@sha512:" in image:
        return ""
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (it means latest)"
    if last.rsplit(":", 1)[1] in ("latest", ""):
        return "uses the mutable latest tag"
    return ""


def _resources(
    context: ChartContext,
    rendering: Rendering,
    template: PodTemplate,
    path: tuple[str | int, ...],
    container: dict[str, Any],
    where: str,
) -> list[Finding]:
    """Ask for CPU and memory requests and a memory limit; propose the values edit."""
    current = as_dict(container.get("resources"))
    requests = as_dict(current.get("requests"))
    limits = as_dict(current.get("limits"))
    missing = [f"requests.{k}" for k in ("cpu", "memory") if k not in requests]
    if "memory" not in limits:
        missing.append("limits.memory")
    found: list[Finding] = []
    if missing:
        f = _bp(
            context,
            rendering,
            template.doc,
            (*path, "resources"),
            "HB-BP-RESOURCES",
            "LOW",
            f"{where} does not set resources {', '.join(missing)}",
        )
        if governing_key(context, rendering, template.doc, ("resources",), current):
            f = with_fix(f, {"resources": complete_resources(current)})
        found.append(f)
    if "cpu" not in limits:
        found.append(
            _bp(
                context,
                rendering,
                template.doc,
                (*path, "resources"),
                "HB-BP-CPU-LIMIT",
                "INFO",
                f"{where} has no CPU limit (it may use idle CPU; some clusters require a limit)",
            )
        )
    return found


def governing_key(
    context: ChartContext,
    rendering: Rendering,
    doc: Document,
    candidates: Sequence[str],
    rendered: Any,
) -> str:
    """Find the values key a rendered block comes from ('' when it cannot be told).

    A block is taken to come from ``values[key]`` when it renders exactly that map and, if both
    are empty, the object's template reads ``.Values.<key>`` (an empty block proves nothing).
    """
    for key in candidates:
        source = rendering.values.get(key)
        if not isinstance(source, dict) or pruned(source) != pruned(rendered or {}):
            continue
        if pruned(rendered or {}) or re.search(
            rf"\.Values\.{re.escape(key)}\b", context.source(doc.template) or ""
        ):
            return key
    return ""


def pruned(value: Any) -> Any:
    """Drop nulls and empty maps, as Helm's toYaml + omitempty rendering does."""
    if isinstance(value, dict):
        kept = {k: pruned(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != {}}
    return value


def complete_resources(current: dict[str, Any]) -> dict[str, Any]:
    """Fill in missing requests and memory limit, never below what is already set."""
    requests = dict(current.get("requests") or {})
    limits = dict(current.get("limits") or {})
    for key in ("cpu", "memory"):
        requests.setdefault(key, limits.get(key, DEFAULT_REQUESTS[key]))
    limits.setdefault("memory", requests["memory"])
    return {**current, "requests": requests, "limits": limits}


def _availability(
    context: ChartContext, rendering: Rendering, templates: list[PodTemplate]
) -> list[Finding]:
    """Check PDBs against replica counts and HPAs against fixed replica fields."""
    found: list[Finding] = []
    values = rendering.values
    hpas = [d for d in rendering.objects if d.kind == "HorizontalPodAutoscaler"]
    pdbs = [d for d in rendering.objects if d.kind == "PodDisruptionBudget"]
    for template in templates:
        if template.kind not in ("Deployment", "StatefulSet", "ReplicaSet"):
            continue
        doc = template.doc
        spec = (doc.obj or {}).get("spec") or {}
        hpa = next((h for h in hpas if _scales(h, doc)), None)
        replicas = _min_replicas(spec, hpa)
        if hpa is not None and "replicas" in spec:
            found.append(
                _bp(
                    context,
                    rendering,
                    doc,
                    ("spec", "replicas"),
                    "HB-BP-HPA-REPLICAS",
                    "LOW",
                    f"{doc.resource} sets spec.replicas although "
                    f"{hpa.resource} scales it: every upgrade resets the replica count",
                )
            )
        guards = [
            p
            for p in pdbs
            if same_namespace(p, doc)
            and selector_matches(((p.obj or {}).get("spec") or {}).get("selector"), template.labels)
        ]
        if replicas > 1 and not guards:
            f = _bp(
                context,
                rendering,
                doc,
                ("spec",),
                "HB-BP-PDB",
                "LOW",
                f"{doc.resource} runs {replicas} replicas without a PodDisruptionBudget",
            )
            found.append(with_fix(f, values_fix(values, {"podDisruptionBudget.enabled": True})))
        for pdb in guards:
            problem = _pdb_blocks(pdb, replicas)
            if problem:
                f = _bp(
                    context,
                    rendering,
                    pdb,
                    ("spec",),
                    "HB-BP-PDB-BLOCKS",
                    "MEDIUM",
                    f"{pdb.resource} {problem} for {doc.resource} with {replicas} "
                    "replica(s): node drains can never evict its pods",
                )
                change = (
                    {"podDisruptionBudget.enabled": False}
                    if replicas <= 1
                    else {
                        "podDisruptionBudget.minAvailable": replicas - 1,
                        "podDisruptionBudget.maxUnavailable": None,
                    }
                )
                found.append(with_fix(f, values_fix(values, change)))
        if replicas > 1 and not _spread(template.spec):
            found.append(
                _bp(
                    context,
                    rendering,
                    doc,
                    template.path,
                    "HB-BP-SPREAD",
                    "INFO",
                    f"{doc.resource} runs {replicas} replicas with no "
                    "topologySpreadConstraints or pod anti-affinity",
                )
            )
    return found


def _scales(hpa: Document, doc: Document) -> bool:
    """Tell whether an HPA targets a given workload."""
    ref = ((hpa.obj or {}).get("spec") or {}).get("scaleTargetRef") or {}
    return ref.get("kind") == doc.kind and ref.get("name") == doc.name and same_namespace(hpa, doc)


def _min_replicas(spec: dict[str, Any], hpa: Document | None) -> int:
    """Return the fewest replicas a workload runs with (its HPA's minimum when scaled)."""
    if hpa is not None:
        low = ((hpa.obj or {}).get("spec") or {}).get("minReplicas", 1)
        return low if isinstance(low, int) else 1
    replicas = spec.get("replicas", 1)
    return replicas if isinstance(replicas, int) else 1


def _pdb_blocks(pdb: Document, replicas: int) -> str:
    """Say how a PDB forbids every voluntary eviction ('' when it allows some)."""
    spec = (pdb.obj or {}).get("spec") or {}
    if "maxUnavailable" in spec:
        value = spec["maxUnavailable"]
        return "sets maxUnavailable 0" if value in (0, "0", "0%") else ""
    value = spec.get("minAvailable")
    if isinstance(value, int) and value >= replicas:
        return f"requires minAvailable {value}"
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        needed = -(-replicas * int(value[:-1]) // 100)
        return f"requires minAvailable {value}" if needed >= replicas else ""
    return ""


def _spread(spec: dict[str, Any]) -> bool:
    """Tell whether a pod spec spreads its replicas across nodes or zones."""
    affinity = spec.get("affinity") or {}
    return bool(spec.get("topologySpreadConstraints")) or bool(
        isinstance(affinity, dict) and affinity.get("podAntiAffinity")
    )


# --------------------------------------------------------------------------- 5. fixes


def suggest_fixes(findings: list[Finding]) -> FixPlan:
    """Turn the value edits findings carry into changes; list the findings no edit can mend."""
    return plan_fixes(findings)


def plan_fixes(findings: Iterable[Finding]) -> FixPlan:
    """Collect value edits per values file, first proposal of a path wins."""
    plan = FixPlan()
    chosen: dict[tuple[str, str], ValueChange] = {}
    for f in findings:
        edits = decode_fix(f.fix)
        if not edits:
            plan.unfixable.append(f)
            continue
        environment = environment_of(f.values_file)
        for path, value in edits.items():
            key = (environment, path)
            if key not in chosen:
                chosen[key] = ValueChange(
                    path=path,
                    value=value,
                    environment=environment,
                    reason=f"{f.rule}: {f.message}",
                )
    plan.changes = list(chosen.values())
    return plan


# --------------------------------------------------------------------------- packaging, all


def package_chart(chart_dir: str, destination: str) -> str:
    """Package the chart into ``destination`` and return the .tgz path."""
    return helm.package(chart_dir, destination)


def merge_reports(reports: Sequence[ValidationReport]) -> ValidationReport:
    """Combine check reports; the result passes only if each passed."""
    merged = ValidationReport(passed=all(r.passed for r in reports))
    seen: set[tuple[object, ...]] = set()
    for r in reports:
        for f in r.findings:
            # One broken render is reported by every check; say it once.
            key = (f.rule, f.file, f.line, f.resource, f.message, f.fix, f.values_file)
            if key not in seen:
                seen.add(key)
                merged.findings.append(f)
        merged.checks.update(r.checks)
        merged.kubernetes_versions = sorted({*merged.kubernetes_versions, *r.kubernetes_versions})
        merged.values_files = list(dict.fromkeys([*merged.values_files, *r.values_files]))
        merged.rendered_objects = max(merged.rendered_objects, r.rendered_objects)
    return merged


def run_validation(
    chart_dir: str,
    values_files: list[str] | None = None,
    kube_versions: Sequence[str] = DEFAULT_KUBE_VERSIONS,
) -> ValidationReport:
    """Run lint, schemas, dry run and best practices and merge them into one report."""
    return merge_reports(
        [
            run_helm_lint(chart_dir, values_files, kube_versions),
            validate_with_kubeconform(chart_dir, kube_versions, values_files),
            run_dry_run_validation(chart_dir, values_files),
            check_best_practices(chart_dir, values_files),
        ]
    )
