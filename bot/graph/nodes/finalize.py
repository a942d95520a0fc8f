"""Finalize: package the chart, write it and its report where the run asked, and finish.

This is the only node that writes outside a scratch directory. Writing is idempotent (the same
paths are overwritten), so a finalize that runs twice after a crash leaves the same result.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from langgraph.graph import END
from langgraph.types import Command

from bot.graph.nodes._common import handoff, settings_of, toolbox
from bot.graph.state import ChartState
from bot.llm.usage import summarize
from bot.tools import report as report_tools
from bot.tools import validate, values
from bot.tools.facts import place_facts
from bot.tools.models import (
    ChartDraft,
    CostEstimate,
    EditRecord,
    OptimizationReport,
    Plan,
    Requirements,
    SecurityReport,
    ValidationReport,
)


def finalize(state: ChartState) -> Command[str]:
    """Write the chart, its package and its report; the run is done."""
    started, box = time.perf_counter(), toolbox("finalize")
    draft = ChartDraft.model_validate(state["draft"])
    out_dir = Path(settings_of(state)["out_dir"]).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_dir = out_dir / draft.name
    if chart_dir.exists():
        shutil.rmtree(chart_dir)
    values.write_chart(draft, out_dir)
    package = box.call(validate.package_chart, str(chart_dir), str(out_dir))
    stated = box.call(place_facts, Requirements.model_validate(state["requirements"]), chart_dir)

    report = box.call(
        report_tools.build_report,
        Plan.model_validate(state["plan"]),
        ValidationReport.model_validate(state["validation"]),
        SecurityReport.model_validate(state["security"]),
        OptimizationReport.model_validate(state.get("optimization") or {}),
        CostEstimate.model_validate(state["cost"]),
        decisions=state.get("decisions") or [],
        timings=dict(state.get("timings") or {}),
        assumptions=(state.get("requirements_check") or {}).get("assumptions", []),
        exposures=(state.get("complexity") or {}).get("exposures", []),
        facts=stated,
        edits=[EditRecord.model_validate(e) for e in state.get("edit_log") or []],
        llm=summarize(state.get("llm")),
    )
    markdown = box.call(report_tools.render_markdown, report)
    report_md = out_dir / f"{draft.name}.report.md"
    report_json = out_dir / f"{draft.name}.report.json"
    report_md.write_text(markdown, encoding="utf-8")
    report_json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    result = {
        "chart": str(chart_dir),
        "package": package,
        "report_markdown": str(report_md),
        "report_json": str(report_json),
        "passed": report["passed"],
    }
    summary = f"packaged {Path(package).name}; " + ("passed" if report["passed"] else "NOT passed")
    return handoff("finalize", started, box, END, summary, {"result": result, "status": "done"})
