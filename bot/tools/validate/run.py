"""The graph calls the checks one by one, but the template agent and finalization need them all at
once or need the packaged chart; these entry points sit above every check so that no check
depends on them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.tools import helm
from bot.tools.models import ValidationReport
from bot.tools.validate.best_practices import check_best_practices
from bot.tools.validate.dry_run import run_dry_run_validation
from bot.tools.validate.lint import run_helm_lint
from bot.tools.validate.schemas import validate_with_kubeconform
from bot.tools.validate.tables import DEFAULT_KUBE_VERSIONS

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
