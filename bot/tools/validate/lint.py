"""``helm lint --strict`` has its own severities and its own message format to parse; keeping that
mapping in its own module lets it follow Helm's output without touching the checks the bot
implements itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext
from bot.tools.models import Finding, ValidationReport
from bot.tools.validate.shared import report
from bot.tools.validate.tables import _LINT_SEVERITY, DEFAULT_KUBE_VERSIONS

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
