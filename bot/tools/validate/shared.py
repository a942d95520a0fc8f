"""These helpers sit below every validator check (and the security gate) so that all of them agree
on what fails a gate, how a value edit travels in ``Finding.fix`` and which template line a
finding points at, without any check importing another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, Severity, ValidationReport
from bot.tools.validate.tables import FAILING, FIX_PREFIX

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
