"""The finalize agent's report: one JSON document and its Markdown rendering.

The JSON is what other tools script against (and what the CLI prints with ``--json``); the
Markdown is what a reviewer reads in a pull request. Both are built from the same data so they
can never disagree. Nothing here sees a secret value: the request was redacted before parsing.
"""

from __future__ import annotations

from typing import Any

from bot.llm.usage import summarize
from bot.tools.facts import FactsReport
from bot.tools.models import (
    SEVERITY_ORDER,
    CostEstimate,
    EditRecord,
    OptimizationReport,
    Plan,
    SecurityReport,
    ValidationReport,
)


def build_report(
    plan: Plan,
    validation: ValidationReport,
    security: SecurityReport,
    optimization: OptimizationReport,
    cost: CostEstimate,
    *,
    decisions: list[dict[str, Any]],
    timings: dict[str, float],
    assumptions: list[str] | None = None,
    exposures: list[str] | None = None,
    facts: FactsReport | None = None,
    edits: list[EditRecord] | None = None,
    llm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Gather what was built, what the gates found and what it costs into one JSON object."""
    passed = validation.passed and security.passed
    return {
        "chart_name": plan.chart_name,
        "chart_version": plan.chart_version,
        "app_version": plan.app_version,
        "passed": passed,
        "plan": {
            "workload": plan.architecture.workload,
            "image": plan.requirements.image.reference if plan.requirements.image else "",
            "resources": [r.model_dump() for r in plan.architecture.resources],
            "design_decisions": plan.architecture.design_decisions,
            "dependencies": [d.name for d in plan.dependencies.helm_dependencies],
            "assumptions": [*(assumptions or []), *plan.analysis.notes],
            "exposures": list(exposures or []),
        },
        "facts": [f.model_dump(mode="json") for f in facts.facts] if facts else [],
        "unapplied": list(facts.unapplied) if facts else [],
        "validation": validation.model_dump(mode="json"),
        "security": {
            **security.model_dump(mode="json"),
            "by_severity": security.by_severity(),
        },
        "optimization": optimization.model_dump(mode="json"),
        "cost": cost.model_dump(mode="json"),
        "decisions": decisions,
        "edits": [
            {"instruction": e.instruction, "changed": e.changed or ["nothing"]} for e in edits or []
        ],
        "timings": {agent: round(seconds, 3) for agent, seconds in timings.items()},
        "llm": llm or summarize(None),
    }


def render_markdown(report: dict[str, Any]) -> str:
    """Render the report for people: plan, gates, findings by severity, changes, cost."""
    lines = [
        f"# {report['chart_name']} {report['chart_version']} — "
        + ("passed every gate" if report["passed"] else "**did not pass**"),
        "",
        "## Plan",
        "",
        f"- Workload: **{report['plan']['workload']}**, image `{report['plan']['image']}`",
    ]
    if report["plan"]["dependencies"]:
        deps = ", ".join(report["plan"]["dependencies"])
        lines.append(f"- Dependencies (optional subcharts): {deps}")
    lines += ["", "| Resource | Why |", "|---|---|"]
    lines += [f"| {r['kind']} | {_cell(r['reason'])} |" for r in report["plan"]["resources"]]
    lines += ["", "### Design decisions", ""]
    lines += [f"- {d}" for d in report["plan"]["design_decisions"]]
    if report["plan"]["exposures"]:
        lines += ["", "### Exposed outside the cluster, as requested", ""]
        lines += [f"- {e}" for e in report["plan"]["exposures"]]
    if report["plan"]["assumptions"]:
        lines += ["", "### Assumptions", ""]
        lines += [f"- {a}" for a in report["plan"]["assumptions"]]
    lines += _facts_section(report["facts"], report["unapplied"])
    lines += _gate_section("Validation", report["validation"])
    lines += _gate_section("Security", report["security"])
    counts = report["security"]["by_severity"]
    lines.append(
        "Open findings by severity: " + ", ".join(f"{s} {counts[s]}" for s in SEVERITY_ORDER)
    )
    if report["security"]["refused"]:
        lines += ["", "### Refused", ""] + [f"- {r}" for r in report["security"]["refused"]]
    lines += _optimization_section(report["optimization"])
    lines += _cost_section(report["cost"])
    if report["decisions"]:
        lines += ["", "## Human decisions", ""]
        lines += [
            f"- {d.get('kind', '')}: **{d.get('action', '')}**"
            + (f" by {d['by']}" if d.get("by") else "")
            + (f" — {d['instructions']}" if d.get("instructions") else "")
            for d in report["decisions"]
        ]
    lines += _edits_section(report["edits"])
    lines += _model_section(report["llm"])
    lines += ["", "## Timings", "", "| Agent | Seconds |", "|---|---|"]
    lines += [f"| {agent} | {seconds:.3f} |" for agent, seconds in report["timings"].items()]
    return "\n".join(lines) + "\n"


def _facts_section(facts: list[dict[str, Any]], unapplied: list[str]) -> list[str]:
    """Each stated fact and the values key that holds it; then what could not be placed."""
    lines: list[str] = []
    if facts:
        lines += ["", "## Stated facts", "", "| Fact | Value | Where |", "|---|---|---|"]
        lines += [
            f"| {_cell(f['fact'])} | `{_cell(f['value'])}` | `{f['key']}` "
            f"({f['file']}{':' + str(f['line']) if f['line'] else ''}) |"
            for f in facts
        ]
    if unapplied:
        lines += ["", "## Not applied", ""]
        lines += [f"- {u}" for u in unapplied]
    return lines


def _edits_section(edits: list[dict[str, Any]]) -> list[str]:
    """Each human edit and the facts it changed, so a reviewer sees nothing else moved."""
    lines: list[str] = []
    if edits:
        lines += ["", "## Edits", ""]
    for number, edit in enumerate(edits, 1):
        lines.append(f"{number}. " + " ".join(edit["instruction"].split()))
        lines += [f"   - `{line}`" for line in edit["changed"]]
    return lines


def _gate_section(title: str, gate: dict[str, Any]) -> list[str]:
    """Render one gate's checks and its findings, worst first."""
    verdict = "passed" if gate["passed"] else "**failed**"
    lines = ["", f"## {title}: {verdict}", ""]
    lines += [f"- {check}: {outcome}" for check, outcome in sorted(gate["checks"].items())]
    findings = sorted(gate["findings"], key=lambda f: SEVERITY_ORDER.index(f["severity"]))
    if findings:
        lines += ["", "| Severity | Rule | Where | Finding |", "|---|---|---|---|"]
        for f in findings:
            where = f["file"] + (f":{f['line']}" if f.get("line") else "")
            if f.get("values_file"):
                where += f" ({f['values_file']})"
            note = f["message"] + (f" — accepted: {f['explanation']}" if f["accepted"] else "")
            lines.append(f"| {f['severity']} | {f['rule']} | {where} | {_cell(note)} |")
    lines.append("")
    return lines


def _optimization_section(optimization: dict[str, Any]) -> list[str]:
    """Render the optimizer's applied changes and its advice."""
    items = optimization["optimizations"]
    lines = ["", "## Optimizations", ""]
    if not items:
        return lines + ["None needed."]
    for o in items:
        state = "applied" if o["applied"] else "advice"
        lines.append(f"- [{o['impact']}, {state}] {o['description']}")
    if optimization.get("notes"):
        lines += ["", *[f"- {note}" for note in optimization["notes"]]]
    return lines


def _model_section(llm: dict[str, Any]) -> list[str]:
    """Render what the model did per agent, and every fallback to the deterministic policy."""
    if llm.get("policy") != "llm":
        return ["", "## Model", "", "None: the deterministic policy made every decision."]
    lines = [
        "",
        "## Model",
        "",
        f"{llm['calls']} call(s), {llm['http_requests']} HTTP request(s), "
        f"{llm['prompt_tokens']} prompt + {llm['completion_tokens']} completion tokens, "
        f"{llm['seconds']:.2f} s.",
        "",
        "| Agent | Model | Calls | Tokens | Tool errors | Seconds |",
        "|---|---|---|---|---|---|",
    ]
    for agent, u in llm["agents"].items():
        tokens = u["prompt_tokens"] + u["completion_tokens"]
        lines.append(
            f"| {agent} | {u['model']} | {u['calls']} | {tokens} | {u['tool_errors']} | "
            f"{u['seconds']:.2f} |"
        )
    if llm["fallbacks"]:
        lines += ["", "Agents that fell back to the deterministic policy:", ""]
        lines += [f"- {f['agent']}: {f['reason']}" for f in llm["fallbacks"]]
    return lines


def _cost_section(cost: dict[str, Any]) -> list[str]:
    """Render the monthly cost range per environment and the prices it assumes."""
    lines = [
        "",
        f"## Cost estimate ({cost['currency']} per month)",
        "",
        "| Environment | Replicas | CPU (cores) | Memory (GiB) | Storage (GiB) | Monthly |",
        "|---|---|---|---|---|---|",
    ]
    for env, c in cost["environments"].items():
        replicas = f"{c['replicas_min']}–{c['replicas_max']}"
        monthly = f"${c['monthly_usd_min']:.2f}–${c['monthly_usd_max']:.2f}"
        lines.append(
            f"| {env} | {replicas} | {c['cpu_cores']:g} | {c['memory_gib']:g} | "
            f"{c['storage_gib']:g} | {monthly} |"
        )
    lines += ["", *[f"- {a}" for a in cost["assumptions"]]]
    return lines


def _cell(text: str) -> str:
    """Keep a table cell on one line and free of column separators."""
    return text.replace("|", "\\|").replace("\n", " ")
