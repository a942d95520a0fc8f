"""The built-in policy: each agent calls its tools in a fixed order, with no model and no network.

It is the default, reproducible, and the fallback of any other policy: whatever it produces must
pass every gate on its own.
"""

from __future__ import annotations

from bot.policy.base import Optimized, Templated, ToolBox, Understanding
from bot.policy.edits import apply_edits
from bot.tools import optimize, planning, requirements, security, template, validate, values
from bot.tools.models import (
    ChartDraft,
    EditRecord,
    FixPlan,
    Optimization,
    Plan,
    Requirements,
    SecurityReport,
    ValidationReport,
    ValueChange,
)

# Findings a request makes unavoidable, and why; the gate reports them as accepted, not fixed.
_TOKEN_NEEDED = (
    "the request says the app calls the Kubernetes API, so its token stays mounted; give the "
    "ServiceAccount a Role or ClusterRole with only the verbs it needs"
)


def _accept_stated_needs(report: SecurityReport, requirements: Requirements) -> None:
    """Accept what the request explicitly needs instead of 'fixing' the app into breaking."""
    workloads = requirements.workloads()
    unpinned = {
        w.image.reference
        for w in workloads
        if w.image and w.image.tag in ("latest", "") and not w.image.digest
    }
    for finding in report.findings:
        if finding.rule == "HB-RBAC-006" and any(w.needs_service_account_token for w in workloads):
            finding.accepted = True
            finding.explanation = _TOKEN_NEEDED
        if finding.rule == "HB-IMG-001" and any(ref in finding.message for ref in unpinned):
            finding.accepted = True
            finding.explanation = _UNPINNED
        if finding.rule == "KSV013" and unpinned and '":latest"' in finding.message:
            finding.accepted = True  # Trivy's word for the same stated tag
            finding.explanation = _UNPINNED
    _accept_stated_host_paths(report, requirements)
    _accept_stated_rbac(report, requirements)
    report.passed = not validate.failing(report.findings) and not report.refused


def _accept_stated_host_paths(report: SecurityReport, requirements: Requirements) -> None:
    """A node path the request mounts on purpose (a log shipper's /var/log, an exporter's /proc)
    is what it asked for: read-only as stated, or writable because the repository allows it
    (a writable one is refused before this otherwise). Trivy's findings on the same workload
    go with them once every node path it mounts was asked for."""
    asked = {m.host_path for w in requirements.workloads() for m in w.host_mounts}
    places: dict[tuple[str, str], list[bool]] = {}
    for finding in report.findings:
        if finding.rule != "HB-PSS-003":
            continue
        path = finding.message.rsplit("mounts the node's ", 1)[-1].strip()
        stated = path in asked
        places.setdefault((finding.resource, finding.values_file), []).append(stated)
        if stated:
            finding.accepted = True
            finding.explanation = f"the request mounts the node's {path} on purpose"
    for finding in report.findings:
        if finding.rule in _HOST_PATH_RULES and all(
            places.get((finding.resource, finding.values_file)) or [False]
        ):
            finding.accepted = True
            finding.explanation = "every node path this workload mounts is one the request asks for"


def _accept_stated_rbac(report: SecurityReport, requirements: Requirements) -> None:
    """The chart's Role or ClusterRole holds only the rules the request states; a finding on one
    of them is a permission the app was said to need, named in the report for the reviewer."""
    rules = [r for w in requirements.workloads() if w.rbac for r in w.rbac.rules]
    resources = {x for r in rules for x in r.resources}
    verbs = {v for r in rules for v in r.verbs}
    for finding in report.findings:
        if finding.file != "templates/rbac.yaml" or not rules:
            continue
        needed = _RBAC_NEEDS.get(finding.rule)
        if needed is not None and not needed(resources, verbs):
            continue
        if needed is None and finding.source != "trivy":
            continue
        finding.accepted = True
        finding.explanation = "the request states this permission; the reviewer sees it here"


_HOST_PATH_RULES = frozenset({"KSV023", "KSV121"})
_RBAC_NEEDS = {
    "HB-RBAC-002": lambda res, verbs: "*" in res or "*" in verbs,
    "HB-RBAC-003": lambda res, verbs: bool({"secrets", "*"} & res),
    "HB-RBAC-004": lambda res, verbs: bool({"escalate", "bind", "impersonate"} & verbs),
    "HB-RBAC-005": lambda res, verbs: bool(
        {"pods/exec", "pods/attach", "nodes/proxy", "pods/portforward"} & res
    ),
}


_UNPINNED = (
    "the request names this tag itself; the report asks to pin a version or a digest "
    "(helm-bot generate --pin-digests looks the digest up)"
)


class DeterministicPolicy:
    """Run every agent's tools in the order an expert would, without a model."""

    name = "deterministic"

    def coordinate(self, box: ToolBox, request: str, edits: list[str]) -> Understanding:
        """Parse the request, fold in human edits, then check and classify it."""
        parsed, records = self.read(box, request, edits)
        return self.understand(box, parsed, records)

    def read(
        self, box: ToolBox, request: str, edits: list[str]
    ) -> tuple[Requirements, list[EditRecord]]:
        """Parse the request and apply human edits in order: the facts the parser is sure of."""
        parsed = box.call(requirements.parse_requirements, request)
        return apply_edits(parsed, edits, lambda text: box.call(requirements.parse_edit, text))

    def understand(
        self, box: ToolBox, read: Requirements, edits: list[EditRecord]
    ) -> Understanding:
        """Check read requirements, fill in announced defaults, and classify the request."""
        check = box.call(requirements.validate_requirements, read)
        if check.valid:
            read = box.call(requirements.apply_assumptions, read)
        complexity = box.call(requirements.classify_complexity, read)
        return Understanding(read, check, complexity, edits)

    def plan(self, box: ToolBox, requirements: Requirements, request: str = "") -> Plan:
        """Analyse, design, size, scale and resolve dependencies, then bundle the plan."""
        analysis = box.call(planning.analyze_application_requirements, requirements)
        architecture = box.call(planning.design_kubernetes_architecture, requirements, analysis)
        resources = box.call(planning.estimate_resources, requirements, analysis)
        scaling = box.call(planning.define_scaling_strategy, requirements, analysis)
        dependencies = box.call(planning.check_dependencies, requirements)
        return planning.bundle_plan(
            requirements, analysis, architecture, resources, scaling, dependencies
        )

    def template(
        self,
        box: ToolBox,
        plan: Plan,
        changes: list[ValueChange],
        files: dict[str, str],
        *,
        request: str = "",
        tailor: bool = False,
        kube_versions: list[str] | None = None,
    ) -> Templated:
        """Assemble the chart from the plan and replay every accepted edit and added file."""
        draft = box.call(template.assemble_chart, plan)
        if changes:
            draft = box.call(values.apply_value_changes, draft, changes)
        if files:
            draft = draft.model_copy(update={"files": {**draft.files, **files}})
        return Templated(draft, list(changes), dict(files))

    def validate(
        self,
        box: ToolBox,
        draft: ChartDraft,
        chart_dir: str,
        values_files: list[str],
        kube_versions: list[str],
    ) -> tuple[ValidationReport, FixPlan]:
        """Lint, schema-check, dry-run and review the chart; plan fixes for what failed."""
        versions = tuple(kube_versions)
        report = validate.merge_reports(
            [
                box.call(validate.run_helm_lint, chart_dir, values_files, versions),
                box.call(validate.validate_with_kubeconform, chart_dir, versions, values_files),
                box.call(validate.run_dry_run_validation, chart_dir, values_files),
                box.call(validate.check_best_practices, chart_dir, values_files),
            ]
        )
        broken = validate.failing(report.findings)
        fixes = box.call(validate.suggest_fixes, broken) if broken else FixPlan()
        return report, fixes

    def secure(
        self,
        box: ToolBox,
        draft: ChartDraft,
        chart_dir: str,
        values_files: list[str],
        requirements: Requirements,
        allowed: list[str],
    ) -> tuple[SecurityReport, FixPlan]:
        """Refuse what may not be granted, scan the chart, and plan fixes for what failed."""
        report = security.merge_reports(
            [
                box.call(security.check_elevated_requests, requirements, allowed),
                box.call(security.check_pod_security_policies, chart_dir, values_files),
                box.call(security.detect_hardcoded_secrets, chart_dir, values_files),
                box.call(security.validate_rbac_configuration, chart_dir, values_files),
                box.call(security.scan_network_policies, chart_dir, values_files),
                box.call(security.check_image_security, chart_dir, values_files),
                box.call(security.trivy_scan_templates, chart_dir, values_files),
            ]
        )
        _accept_stated_needs(report, requirements)
        broken = [
            f for f in validate.failing(report.findings) if not f.rule.startswith("HB-REFUSE")
        ]
        fixes = box.call(security.suggest_security_fixes, broken) if broken else FixPlan()
        return report, fixes

    def optimize(self, box: ToolBox, draft: ChartDraft, plan: Plan) -> Optimized:
        """Collect every suggestion, apply them, and price the result."""
        suggestions: list[Optimization] = [
            *box.call(optimize.suggest_resource_optimization, draft, plan).optimizations,
            *box.call(optimize.check_ha_readiness, draft, plan).optimizations,
            *box.call(optimize.suggest_scaling_improvements, plan, draft).optimizations,
            *box.call(optimize.suggest_best_practices, draft).optimizations,
        ]
        optimized, report = box.call(optimize.apply_optimizations, draft, suggestions)
        cost = box.call(optimize.calculate_cost_estimate, optimized)
        return Optimized(report, optimized, cost)
