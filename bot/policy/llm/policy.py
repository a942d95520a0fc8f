"""The LLM policy: each agent's deterministic result first, then the model's improvements on it.

Computing the deterministic result first makes falling back free: when the endpoint fails, the
model misbehaves, the iteration or token budget runs out, or anything in the model's path raises,
the agent returns that result, and its usage record says why (the report and the CLI's ``llm``
field show it). A model can therefore make a chart less tailored, never broken, unsafe or late.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from bot.llm.client import EndpointFailed, ModelClient
from bot.llm.react import BudgetSpent, LoopExhausted
from bot.llm.settings import LLMSettings
from bot.policy.base import Optimized, Templated, ToolBox, Understanding
from bot.policy.deterministic import DeterministicPolicy
from bot.policy.llm import coordinator, fixes, optimizer, planner, template
from bot.policy.llm.turn import Turn
from bot.tools.models import (
    ChartDraft,
    FixPlan,
    Plan,
    Requirements,
    SecurityReport,
    ValidationReport,
    ValueChange,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


def fallback_reason(exc: Exception) -> str:
    """Say in one line why an agent's model work was abandoned."""
    if isinstance(exc, EndpointFailed | LoopExhausted | BudgetSpent):
        return str(exc)
    return f"the model's answer could not be used ({type(exc).__name__}: {str(exc)[:200]})"


class LLMPolicy:
    """Every agent asks a model, within bounds, and keeps its deterministic result if that fails."""

    name = "llm"

    def __init__(self, settings: LLMSettings, client: ModelClient | None = None) -> None:
        self.settings = settings
        self.client = client or ModelClient(settings)
        self.deterministic = DeterministicPolicy()

    def _improve(self, box: ToolBox, baseline: T, work: Callable[[Turn], T]) -> T:
        box.usage.model = self.settings.model_for(box.agent)
        try:
            return work(Turn(self.client, box))
        except Exception as exc:  # any failure in the model's path: the baseline stands
            reason = fallback_reason(exc)
            log.warning("%s: deterministic result used: %s", box.agent, reason)
            box.usage.fallbacks.append(reason)
            return baseline

    def coordinate(self, box: ToolBox, request: str, edits: list[str]) -> Understanding:
        sure, records = self.deterministic.read(box, request, edits)
        baseline = self.deterministic.understand(box, sure, records)
        return self._improve(
            box,
            baseline,
            lambda turn: coordinator.coordinate(
                turn, self.deterministic, request, edits, sure, records
            ),
        )

    def plan(self, box: ToolBox, requirements: Requirements, request: str) -> Plan:
        baseline = self.deterministic.plan(box, requirements)
        return self._improve(
            box,
            baseline,
            lambda turn: planner.refine(turn, self.deterministic, requirements, request, baseline),
        )

    def template(
        self,
        box: ToolBox,
        plan: Plan,
        changes: list[ValueChange],
        files: dict[str, str],
        *,
        request: str,
        tailor: bool,
        kube_versions: list[str],
    ) -> Templated:
        baseline = self.deterministic.template(box, plan, changes, files)
        if not tailor:
            return baseline
        return self._improve(
            box,
            baseline,
            lambda turn: template.tailor(turn, plan, baseline, request, kube_versions),
        )

    def validate(
        self,
        box: ToolBox,
        draft: ChartDraft,
        chart_dir: str,
        values_files: list[str],
        kube_versions: list[str],
    ) -> tuple[ValidationReport, FixPlan]:
        report, plan = self.deterministic.validate(
            box, draft, chart_dir, values_files, kube_versions
        )
        if not plan.unfixable:
            return report, plan
        improved = self._improve(box, plan, lambda turn: fixes.propose(turn, draft, plan))
        return report, improved

    def secure(
        self,
        box: ToolBox,
        draft: ChartDraft,
        chart_dir: str,
        values_files: list[str],
        requirements: Requirements,
        allowed: list[str],
    ) -> tuple[SecurityReport, FixPlan]:
        report, plan = self.deterministic.secure(
            box, draft, chart_dir, values_files, requirements, allowed
        )
        if not plan.unfixable or report.refused:
            return report, plan
        improved = self._improve(box, plan, lambda turn: fixes.propose(turn, draft, plan))
        return report, improved

    def optimize(self, box: ToolBox, draft: ChartDraft, plan: Plan) -> Optimized:
        baseline = self.deterministic.optimize(box, draft, plan)
        return self._improve(box, baseline, lambda turn: optimizer.explain(turn, baseline))
