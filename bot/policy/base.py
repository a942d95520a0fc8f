"""The seam between an agent and whatever decides which of its tools to call.

A node asks its policy to do the agent's work; the policy may only act through a ``ToolBox`` that
holds exactly that agent's tools and records every call (for the report, the timings and the
tests) and what any model cost. The deterministic policy calls the tools in a fixed, sensible
order; the LLM policy lets a model act through bounded tools on top of that result. Either way
the node routes on the typed results.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, Protocol, TypeVar

from bot.llm.usage import ModelUsage
from bot.tools.models import (
    ChartDraft,
    Complexity,
    CostEstimate,
    EditRecord,
    FixPlan,
    OptimizationReport,
    Plan,
    Requirements,
    RequirementsCheck,
    SecurityReport,
    ValidationReport,
    ValueChange,
)

P = ParamSpec("P")
R = TypeVar("R")


class ToolNotAllowed(LookupError):
    """An agent tried to call a tool that is not in its own tool box."""


@dataclass(frozen=True)
class ToolCall:
    tool: str
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class ToolBox:
    """The tools one agent may call, and a record of the calls it made."""

    agent: str
    tools: dict[str, Callable[..., Any]]
    calls: list[ToolCall] = field(default_factory=list)
    usage: ModelUsage = field(default_factory=ModelUsage)  # what a model cost this agent run
    tokens_spent: int = 0  # model tokens the request had used before this agent run

    @classmethod
    def of(cls, agent: str, tools: Iterable[Callable[..., Any]]) -> ToolBox:
        """Build a tool box from functions, keyed by their names."""
        return cls(agent, {tool.__name__: tool for tool in tools})

    def call(self, tool: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run one of this agent's tools and record how it went."""
        name = tool.__name__
        if self.tools.get(name) is not tool:
            raise ToolNotAllowed(f"{self.agent} has no tool {name!r}")
        started = time.perf_counter()
        try:
            result = tool(*args, **kwargs)
        except Exception as exc:
            self.calls.append(ToolCall(name, time.perf_counter() - started, False, str(exc)))
            raise
        self.calls.append(ToolCall(name, time.perf_counter() - started, True))
        return result

    def summary(self) -> list[dict[str, Any]]:
        """Return the calls as JSON for the state's history."""
        return [
            {"tool": c.tool, "seconds": round(c.seconds, 4), "ok": c.ok, "error": c.error}
            for c in self.calls
        ]


@dataclass(frozen=True)
class Understanding:
    """The coordinator's result."""

    requirements: Requirements
    check: RequirementsCheck
    complexity: Complexity
    edits: list[EditRecord] = field(default_factory=list)  # each human edit, in order

    @property
    def value_changes(self) -> list[ValueChange]:
        """Every ``path=value`` values edit the human edits carry."""
        return [change for edit in self.edits for change in edit.value_changes]


@dataclass(frozen=True)
class Optimized:
    """The optimizer's result: the suggestions, the draft with them applied, and the cost."""

    report: OptimizationReport
    draft: ChartDraft
    cost: CostEstimate


@dataclass(frozen=True)
class Templated:
    """The template agent's result: the draft, the values edits it holds, and added files.

    ``changes`` and ``files`` are what a later re-render must replay to reproduce the draft.
    """

    draft: ChartDraft
    changes: list[ValueChange] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


class Policy(Protocol):
    """Does each agent's work through its tool box; one method per agent."""

    name: str

    def coordinate(self, box: ToolBox, request: str, edits: list[str]) -> Understanding: ...

    def plan(self, box: ToolBox, requirements: Requirements, request: str) -> Plan: ...

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
    ) -> Templated: ...

    def validate(
        self,
        box: ToolBox,
        draft: ChartDraft,
        chart_dir: str,
        values_files: list[str],
        kube_versions: list[str],
    ) -> tuple[ValidationReport, FixPlan]: ...

    def secure(
        self,
        box: ToolBox,
        draft: ChartDraft,
        chart_dir: str,
        values_files: list[str],
        requirements: Requirements,
        allowed: list[str],
    ) -> tuple[SecurityReport, FixPlan]: ...

    def optimize(self, box: ToolBox, draft: ChartDraft, plan: Plan) -> Optimized: ...
