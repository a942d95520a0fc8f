"""The template agent, the tests and the graph want fix plans and all checks at once; these entry
points sit above every check so that no check depends on another, or on how the agent combines
them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.tools.models import Finding, FixPlan, Requirements, SecurityReport
from bot.tools.security.images import check_image_security
from bot.tools.security.network import scan_network_policies
from bot.tools.security.pss import check_pod_security_policies
from bot.tools.security.rbac import validate_rbac_configuration
from bot.tools.security.refusals import check_elevated_requests
from bot.tools.security.secrets import detect_hardcoded_secrets
from bot.tools.security.trivy import trivy_scan_templates
from bot.tools.validate import plan_fixes

# --------------------------------------------------------------------------- 7. fixes


def suggest_security_fixes(findings: list[Finding]) -> FixPlan:
    """Turn the value edits security findings carry into changes; list the rest as unfixable."""
    return plan_fixes(findings)


# --------------------------------------------------------------------------- all of it


def merge_reports(reports: Sequence[SecurityReport]) -> SecurityReport:
    """Combine security reports; the result passes only if each passed."""
    merged = SecurityReport(passed=all(r.passed for r in reports))
    seen: set[tuple[object, ...]] = set()
    for r in reports:
        for f in r.findings:
            key = (f.rule, f.file, f.line, f.resource, f.message, f.fix, f.values_file)
            if key not in seen:
                seen.add(key)
                merged.findings.append(f)
        merged.checks.update(r.checks)
        merged.refused.extend(r.refused)
    return merged


def run_security(
    chart_dir: str,
    values_files: list[str] | None = None,
    requirements: Requirements | None = None,
    allowed: list[str] | None = None,
) -> SecurityReport:
    """Run every security check on the chart (and the request's refusals) and merge them."""
    return merge_reports(
        [
            check_elevated_requests(requirements or Requirements(), allowed or []),
            check_pod_security_policies(chart_dir, values_files),
            detect_hardcoded_secrets(chart_dir, values_files),
            validate_rbac_configuration(chart_dir, values_files),
            scan_network_policies(chart_dir, values_files),
            check_image_security(chart_dir, values_files),
            trivy_scan_templates(chart_dir, values_files),
        ]
    )
