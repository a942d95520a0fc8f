from __future__ import annotations

from bot.tools.models import (
    CostEstimate,
    EnvironmentCost,
    Finding,
    OptimizationReport,
    SecurityReport,
    ValidationReport,
)
from bot.tools.planning import build_plan
from bot.tools.report import build_report, render_markdown
from bot.tools.requirements import parse_requirements

COST = CostEstimate(
    environments={
        "prod": EnvironmentCost(
            replicas_min=2,
            replicas_max=4,
            cpu_cores=0.2,
            memory_gib=0.5,
            storage_gib=0,
            monthly_usd_min=10,
            monthly_usd_max=20,
        )
    },
    assumptions=["730 hours a month"],
)


def _report(security: SecurityReport) -> dict[str, object]:
    plan = build_plan(parse_requirements("api, image ghcr.io/acme/api:1.0.0, port 8080"))
    return build_report(
        plan,
        ValidationReport(passed=True, checks={"helm-lint": "passed"}),
        security,
        OptimizationReport(),
        COST,
        decisions=[{"kind": "security_issue", "action": "approve", "by": "alice"}],
        timings={"validator": 0.5},
        assumptions=["no replica count given"],
    )


def _critical(message: str) -> SecurityReport:
    """A failed security report with one critical Pod Security finding."""
    finding = Finding(
        source="pss",
        rule="HB-PSS-001",
        severity="CRITICAL",
        message=message,
        file="templates/deployment.yaml",
        line=12,
    )
    return SecurityReport(passed=False, findings=[finding])


def test_report_passes_only_when_every_gate_passed() -> None:
    assert _report(SecurityReport(passed=True))["passed"] is True
    failed = _critical("privileged container")
    report = _report(failed)
    assert report["passed"] is False
    assert report["security"]["by_severity"]["CRITICAL"] == 1  # type: ignore[index]


def test_markdown_shows_findings_decisions_cost_and_assumptions() -> None:
    failed = _critical("a | b")
    text = render_markdown(_report(failed))
    assert "**did not pass**" in text
    assert "| CRITICAL | HB-PSS-001 | templates/deployment.yaml:12 | a \\| b |" in text
    assert "security_issue: **approve** by alice" in text
    assert "| prod | 2–4 |" in text and "$10.00–$20.00" in text
    assert "- no replica count given" in text
