"""Which tools each agent may call: the grouping the brief gives, in one place.

A policy only ever sees its agent's group (through a ``ToolBox``), so an LLM for the planner
cannot, say, package a chart. The same function may belong to two agents when both need it
(applying value edits is how the validator auto-fixes and how the template agent replays fixes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.tools import (
    digests,
    facts,
    optimize,
    planning,
    report,
    requirements,
    security,
    template,
    validate,
    values,
)

AGENT_TOOLS: dict[str, tuple[Callable[..., Any], ...]] = {
    "coordinator": (
        requirements.parse_requirements,
        requirements.parse_edit,
        requirements.classify_complexity,
        requirements.validate_requirements,
        requirements.apply_assumptions,
        digests.pin_digests,
    ),
    "planner": (
        planning.analyze_application_requirements,
        planning.design_kubernetes_architecture,
        planning.estimate_resources,
        planning.define_scaling_strategy,
        planning.check_dependencies,
    ),
    "template": (
        template.generate_deployment_yaml,
        template.generate_service_yaml,
        template.generate_ingress_yaml,
        template.generate_configmap_yaml,
        template.generate_hpa_yaml,
        template.generate_pdb_yaml,
        template.generate_network_policy_yaml,
        template.generate_values_yaml,
        template.generate_helpers_tpl,
        template.generate_readme,
        template.assemble_chart,
        values.apply_value_changes,
    ),
    "validator": (
        validate.run_helm_lint,
        validate.validate_with_kubeconform,
        validate.run_dry_run_validation,
        validate.check_best_practices,
        validate.suggest_fixes,
        values.apply_value_changes,
    ),
    "security": (
        security.trivy_scan_templates,
        security.detect_hardcoded_secrets,
        security.validate_rbac_configuration,
        security.check_pod_security_policies,
        security.scan_network_policies,
        security.check_image_security,
        security.suggest_security_fixes,
        security.check_elevated_requests,
    ),
    "optimizer": (
        optimize.suggest_resource_optimization,
        optimize.check_ha_readiness,
        optimize.suggest_scaling_improvements,
        optimize.calculate_cost_estimate,
        optimize.suggest_best_practices,
        optimize.apply_optimizations,
    ),
    "finalize": (
        validate.package_chart,
        facts.place_facts,
        report.build_report,
        report.render_markdown,
    ),
}
