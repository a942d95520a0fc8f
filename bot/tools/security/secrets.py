"""A hard-coded secret can be found by three detectors (the project's own rules, detect-secrets and
Trivy) that must agree on one finding per line; gathering them here keeps that reconciliation in
one place, apart from the checks on what pods may do.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, SecurityReport
from bot.tools.parsing.secret_names import is_secret_name
from bot.tools.parsing.secret_values import names_a_method
from bot.tools.security.scan_files import Located, ScanTree, scan_tree
from bot.tools.security.shared import _renderings, _report
from bot.tools.security.tables import (
    _NOT_SECRET_LINE,
    _NOT_SECRET_PLUGINS,
    _REFERENCE_KEY,
    _SECRET_ENV,
    _SECRET_ENV_REFERENCE,
)
from bot.tools.security.trivy import _results
from bot.tools.security.trivy_process import trivy_run
from bot.tools.validate import PodTemplate, containers, finding, pod_templates, render_failures

_detect_secrets_lock = threading.Lock()


# --------------------------------------------------------------------------- 2. secrets


def detect_hardcoded_secrets(
    chart_dir: str, values_files: list[str] | None = None
) -> SecurityReport:
    """Find secret values in the chart's files and renders: detect-secrets, Trivy, own checks."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "secrets")
    renderings = _renderings(context)
    for rendering in renderings:
        for doc in rendering.objects:
            findings.extend(_secret_object(context, rendering, doc))
        for template in pod_templates(rendering):
            findings.extend(_secret_env(context, rendering, template))
    tree = scan_tree(context)
    with context.lock:
        if "detect-secrets" not in context.extras:
            context.extras["detect-secrets"] = _detect_secrets(context, tree)
        findings.extend(context.extras["detect-secrets"])
    checks: dict[str, str] = {}
    run = trivy_run(context)
    if isinstance(run, str):
        checks["trivy-secrets"] = "skipped"
        findings.append(
            Finding(
                source="trivy",
                rule="HB-TRIVY-SKIPPED",
                severity="INFO",
                message=f"Trivy secret scan skipped: {run}",
            )
        )
    else:
        result = run.wait()
        if result is None:
            checks["trivy-secrets"] = "failed"
            findings.append(
                Finding(source="trivy", rule="HB-TRIVY-ERROR", severity="HIGH", message=run.error)
            )
        else:
            hits = _trivy_secrets(context, tree, result)
            checks["trivy-secrets"] = "failed" if hits else "passed"
            findings.extend(hits)
    return _report("secrets", _one_per_line(findings), checks=checks)


def _one_per_line(findings: list[Finding]) -> list[Finding]:
    """Keep one secret finding per file, line and values file (several detectors may agree)."""
    seen: set[tuple[str, int | None, str]] = set()
    kept: list[Finding] = []
    for f in findings:
        if f.rule.startswith("HB-SECRET-"):
            key = (f.file, f.line, f.values_file)
            if key in seen:
                continue
            seen.add(key)
        kept.append(f)
    return kept


def _secret_object(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Flag a Secret manifest that carries values: they belong in an existing Secret."""
    if doc.kind != "Secret":
        return []
    found: list[Finding] = []
    for section in ("data", "stringData"):
        data = (doc.obj or {}).get(section)
        for key, value in data.items() if isinstance(data, dict) else []:
            if value not in (None, ""):
                found.append(
                    finding(
                        context,
                        rendering,
                        doc,
                        (section, str(key)),
                        source="secrets",
                        rule="HB-SECRET-001",
                        severity="CRITICAL",
                        message=f"{doc.resource} holds a value for {section}.{key} in the chart; "
                        "reference an existing Secret instead",
                    )
                )
    return found


_SWITCH = re.compile(r"yes|no|true|false|on|off|0|1|enabled?|disabled?", re.I)
# BADGER_DIRECTORY_KEY=/badger/key: a directory in the container, where keys are kept.
_PATH = re.compile(r"/[\w.-]+(?:/[\w.-]+)*/?")


def _secret_env(
    context: ChartContext, rendering: Rendering, template: PodTemplate
) -> list[Finding]:
    """Flag env entries with a literal value whose name says it is a secret."""
    found: list[Finding] = []
    for group, index, container in containers(template.spec):
        for e, entry in enumerate(container.get("env") or []):
            if not isinstance(entry, dict):
                continue
            name = str(entry.get("name") or "")
            value = entry.get("value")
            if value in (None, "") or not _SECRET_ENV.search(name):
                continue
            if _SECRET_ENV_REFERENCE.search(name) or not is_secret_name(name):
                continue  # DB_PASSWORD_FILE, OIDC_TOKEN_URI: where a secret is, not what
            if _SWITCH.fullmatch(str(value).strip()) or _PATH.fullmatch(str(value).strip()):
                continue  # MYSQL_RANDOM_ROOT_PASSWORD=yes: a switch, not a password
            if names_a_method(str(value)):
                continue  # REGISTRY_AUTH=htpasswd: how it authenticates, not a credential
            found.append(
                finding(
                    context,
                    rendering,
                    template.doc,
                    (*template.path, group, index, "env", e, "value"),
                    source="secrets",
                    rule="HB-SECRET-002",
                    severity="CRITICAL",
                    message=f"container {container.get('name', '?')!r} of {template.doc.resource} "
                    f"sets {name} to a literal value; use valueFrom.secretKeyRef",
                )
            )
    return found


def _detect_secrets(context: ChartContext, tree: ScanTree) -> list[Finding]:
    """Run detect-secrets' plugins over the chart's files and renders (by path)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    mapping: dict[Any, type[Any]] = get_mapping_from_secret_type_to_class()
    plugins = [
        {"name": cls.__name__}
        for cls in mapping.values()
        if cls.__name__ not in _NOT_SECRET_PLUGINS
    ]
    # Renders of several values sets are mostly identical: scan each distinct content once,
    # under its first path (the chart's own files first, then values set 0, 1, ...).
    unique: dict[bytes, Path] = {}
    for path in sorted(tree.root.rglob("*"), key=lambda p: (not _is_source(tree, p), str(p))):
        if path.is_file():
            unique.setdefault(hashlib.sha256(path.read_bytes()).digest(), path)
    files = list(unique.values())
    hits: list[tuple[Path, int, str, str]] = []
    with _detect_secrets_lock, transient_settings({"plugins_used": plugins}):
        for path in files:
            for secret in scan_file(str(path)):
                if _KEY_NAME.fullmatch(str(secret.secret_value or "")):
                    continue  # "kafka-clusters-0-properties-sasl-jaas-config": a key's name
                hits.append(
                    (path, int(secret.line_number), str(secret.type), str(secret.secret_hash))
                )
    found: list[Finding] = []
    in_sources: set[str] = set()
    for path, line, kind, digest in sorted(hits, key=lambda h: not _is_source(tree, h[0])):
        where = tree.locate(context, str(path.relative_to(tree.root)), line)
        if _ignored_line(path, line, kind, context.chart_dir.name) or (
            where.values_file and digest in in_sources
        ):
            continue
        if not where.values_file:
            in_sources.add(digest)
        elif where.doc is not None and where.doc.kind == "Secret":
            continue  # a Secret with values is reported once, by HB-SECRET-001
        found.append(_secret_hit("detect-secrets", "HB-SECRET-003", kind, where))
    return found


# The words detect-secrets' keyword plugin looks for in a line.
_KEYWORD = re.compile(r"secret|passw|pwd|token|api_?key|private_?key|auth|credential", re.I)
# The name of a key in a Secret, as helm-bot writes them: lowercase words joined by dashes.
_KEY_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}")


def _secret_hit(source: str, rule: str, kind: str, where: Located) -> Finding:
    """Report a secret by what and where it is, never by its value."""
    place = f"the {where.values_file} render of {where.file}" if where.values_file else where.file
    return Finding(
        source=source,
        rule=rule,
        severity="CRITICAL",
        message=f"{kind} in {place} line {where.line}; reference an existing Secret instead",
        file=where.file,
        line=where.line,
        resource=where.doc.resource if where.doc else "",
        values_file=where.values_file,
    )


def _is_source(tree: ScanTree, path: Path) -> bool:
    """Tell whether a scanned file is one of the chart's own files."""
    return path.is_relative_to(tree.source)


def _ignored_line(path: Path, line: int, kind: str, chart: str = "") -> bool:
    """Tell whether a hit is a reference to a Secret, a digest or a checksum, not a secret; or
    a keyword that is only part of the chart's own name ("onetimesecret: an application")."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()[line - 1]
    except (OSError, IndexError):
        return False
    if kind == "Secret Keyword" and _REFERENCE_KEY.match(text):
        return True
    if kind == "Secret Keyword" and chart and _KEYWORD.search(chart):
        return not _KEYWORD.search(re.sub(re.escape(chart), " ", text, flags=re.I))
    return "High Entropy" in kind and _NOT_SECRET_LINE.search(text) is not None


def _trivy_secrets(context: ChartContext, tree: ScanTree, result: dict[str, Any]) -> list[Finding]:
    """Turn Trivy's secret hits into findings, without their (masked) matches."""
    found: list[Finding] = []
    for target, item in _results(result):
        for secret in item.get("Secrets") or []:
            where = tree.locate(context, target, int(secret.get("StartLine") or 0) or None)
            if where.doc is not None and where.doc.kind == "Secret":
                continue  # a Secret with values is reported once, by HB-SECRET-001
            kind = f"{secret.get('Title') or 'secret'} (Trivy {secret.get('RuleID')})"
            found.append(_secret_hit("trivy", "HB-SECRET-004", kind, where))
    return found
