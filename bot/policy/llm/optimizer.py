"""The optimizer's model: explain the trade-off of each suggestion for the report's readers.

Explanations are words only: they land in the optimization report's notes, marked as the
model's, and never change which optimizations apply or where the graph goes next.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.llm.react import ModelTool, ToolRejected, as_json
from bot.policy.base import Optimized
from bot.policy.llm import prompts
from bot.policy.llm.turn import Turn
from bot.tools.requirements import redact_secrets

MAX_EXPLANATION = 600


class Explain(BaseModel):
    optimization_id: str
    tradeoff: str = Field(..., description="One or two sentences: what is gained, what is given up")


class Explanations:
    def __init__(self, ids: set[str]) -> None:
        self.ids = ids
        self.notes: dict[str, str] = {}

    def explain(self, args: Explain) -> str:
        if args.optimization_id not in self.ids:
            raise ToolRejected(f"no optimization {args.optimization_id!r}; ids: {sorted(self.ids)}")
        text = " ".join(args.tradeoff.split())
        if not text:
            raise ToolRejected("the explanation is empty")
        self.notes[args.optimization_id] = redact_secrets(text[:MAX_EXPLANATION])[0]
        return "noted"

    def tools(self) -> list[ModelTool]:
        return [
            ModelTool("explain", "Explain one optimization's trade-off.", Explain, self.explain)
        ]


def explain(turn: Turn, result: Optimized) -> Optimized:
    """Add the model's explanation of each optimization to the report's notes."""
    items = result.report.optimizations
    if not items:
        return result
    context = "The optimizer's suggestions (JSON):\n" + as_json(
        [
            o.model_dump(
                mode="json", include={"id", "category", "description", "impact", "applied"}
            )
            for o in items
        ]
    )
    work = Explanations({o.id for o in items})
    turn.loop(prompts.messages("optimizer", context), work.tools())
    notes = [
        f"Trade-off of {oid} (model's explanation): {text}" for oid, text in work.notes.items()
    ]
    report = result.report.model_copy(update={"notes": [*result.report.notes, *notes]})
    return Optimized(report, result.draft, result.cost)
