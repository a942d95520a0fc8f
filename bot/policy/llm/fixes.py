"""The validator's and security agent's model: fixes for findings the automatic fixers can't mend.

Proposals are values edits, each checked by ``guards`` against the draft as changed by the
proposals before it, so they compose. A finding counts as addressed only when a proposal names
its rule; the gate then applies the edits and checks the chart again, so a wrong fix costs one
round of the gate's own loop budget, never a broken chart.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.llm.react import ModelTool, ToolRejected, as_json
from bot.policy.llm import guards, prompts
from bot.policy.llm.turn import Turn
from bot.tools.models import ChartDraft, Finding, FixPlan, ValueChange


class ProposeFix(BaseModel):
    rule: str = Field(..., description="Rule id of the finding this fixes, e.g. KSV011")
    path: str = Field(..., description="Dotted values key, e.g. resources.limits.cpu")
    value: Any = Field(None, description="New value (any JSON); null removes the key")
    environment: Literal["", "dev", "staging", "prod"] = ""
    reason: str = Field(..., max_length=300)


class Proposals:
    def __init__(self, draft: ChartDraft, open_findings: list[Finding]) -> None:
        self.draft = draft
        self.rules = {f.rule for f in open_findings}
        self.changes: list[ValueChange] = []
        self.addressed: set[str] = set()

    def propose_fix(self, args: ProposeFix) -> str:
        if args.rule not in self.rules:
            raise ToolRejected(
                f"no open finding has rule {args.rule!r}; open: {sorted(self.rules)}"
            )
        change = ValueChange(
            path=args.path,
            value=args.value,
            environment=args.environment,
            reason=f"model fix for {args.rule}: {args.reason}",
        )
        self.draft = guards.check_change(self.draft, change)
        self.changes.append(change)
        self.addressed.add(args.rule)
        return f"{args.path} will be set and the chart checked again"

    def tools(self) -> list[ModelTool]:
        return [
            ModelTool(
                "propose_fix",
                "Propose one values edit that fixes an open finding.",
                ProposeFix,
                self.propose_fix,
            )
        ]


def _context(draft: ChartDraft, findings: list[Finding]) -> str:
    return (
        "Open findings (JSON):\n"
        + as_json(
            [
                f.model_dump(
                    mode="json",
                    include={
                        "rule",
                        "severity",
                        "message",
                        "file",
                        "line",
                        "resource",
                        "values_file",
                    },
                )
                for f in findings
            ]
        )
        + f"\n\nThe chart's values (JSON):\n{as_json(draft.values)}"
    )


def propose(turn: Turn, draft: ChartDraft, fixes: FixPlan) -> FixPlan:
    """Ask the model to fix ``fixes.unfixable``; return the plan with its accepted proposals."""
    work = Proposals(draft, fixes.unfixable)
    turn.loop(prompts.messages(turn.agent, _context(draft, fixes.unfixable)), work.tools())
    if not work.changes:
        return fixes
    return FixPlan(
        changes=[*fixes.changes, *work.changes],
        unfixable=[f for f in fixes.unfixable if f.rule not in work.addressed],
    )
