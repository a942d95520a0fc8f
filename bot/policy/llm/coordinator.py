"""The coordinator's model: read free text into the same requirements the parser fills.

The model fills the same multi-component model (further components, datastores, ingress). Its
reading fills gaps and replaces the parser's guesses (``certainty``); it never overrides a fact
the parser read in the request, and it never decides anything the security gate owns: elevated
powers, the API token and the redaction count come from the parser alone, so a request that
talks a model into "privileged" still meets the parser's refusal, and a model cannot quietly
drop a power the parser saw requested. Environment values that carry a redaction marker are
dropped: a secret belongs in a Secret, not in ``env``.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import Field

from bot.llm.react import BudgetSpent, LoopExhausted, as_json
from bot.policy.base import Understanding
from bot.policy.deterministic import DeterministicPolicy
from bot.policy.llm import prompts
from bot.policy.llm.certainty import match_components, yield_guesses
from bot.policy.llm.turn import Turn
from bot.policy.merge import merge_requirements
from bot.tools.models import EditRecord, Model, Requirements
from bot.tools.parsing.secrets import REDACTED

PARSER_ONLY = ("elevated", "needs_service_account_token", "redactions", "environments")
MAX_QUESTIONS = 5


class Reading(Model):
    """What the model read from a request."""

    requirements: Requirements
    clarifications: list[str] = Field(
        default_factory=list,
        description="Questions for a human, only when a chart cannot be made without the answer",
    )


def merge_reading(model: Requirements, sure: Requirements, text: str) -> Requirements:
    """Fill ``sure`` (the parser's facts) with what only the model read.

    The parser's guesses (values ``text``, the request and its edits, does not contain) yield
    to a model that read otherwise; what the parser read in the text always wins.
    """
    neutral = Requirements()
    base = model.model_copy(update={name: getattr(neutral, name) for name in PARSER_ONLY})
    base.env = [e for e in base.env if REDACTED not in e.value]
    base.components = match_components(base.components, sure.components)
    merged = merge_requirements(base, yield_guesses(sure, base, text))
    merged = merged.model_copy(update={name: getattr(sure, name) for name in PARSER_ONLY})
    return Requirements.model_validate(merged.model_dump())


def read(turn: Turn, request: str, edits: list[str], sure: Requirements) -> Reading:
    """Ask for a structured reading; feed schema errors back until the iteration budget ends."""
    context = "What the deterministic parser is sure of (JSON):\n" + as_json(
        sure.model_dump(mode="json", exclude_defaults=True)
    )
    messages: list[BaseMessage] = prompts.messages("coordinator", context, request, edits)
    structured = turn.client.chat("coordinator").with_structured_output(
        Reading, method="function_calling", include_raw=True
    )
    for _ in range(turn.client.settings.max_iterations):
        if turn.tokens_left() <= 0:
            raise BudgetSpent("the request's model token budget is spent")
        result: dict[str, Any] = turn.client.invoke(structured, messages, turn.box.usage)
        parsed, raw = result.get("parsed"), result.get("raw")
        if isinstance(parsed, Reading):
            turn.box.usage.tool_calls += 1
            return parsed
        turn.box.usage.tool_errors += 1
        messages += _correction(raw, result.get("parsing_error"))
    raise LoopExhausted(
        f"no valid reading after {turn.client.settings.max_iterations} model call(s)"
    )


def _correction(raw: Any, error: Any) -> list[BaseMessage]:
    """Tell the model what was wrong with its answer, in the shape the API expects."""
    if isinstance(raw, AIMessage) and raw.tool_calls:
        problem = str(error or "the arguments do not match the schema")[:1500]
        return [raw] + [
            ToolMessage(f"error: {problem}", tool_call_id=call.get("id") or "", status="error")
            for call in raw.tool_calls
        ]
    return [HumanMessage("Answer by calling the Reading tool with valid arguments.")]


def coordinate(
    turn: Turn,
    deterministic: DeterministicPolicy,
    request: str,
    edits: list[str],
    sure: Requirements,
    records: list[EditRecord],
) -> Understanding:
    """Merge the model's reading into the parser's; keep the parser's if the merge is worse."""
    box = turn.box
    reading = read(turn, request, edits, sure)
    merged = merge_reading(reading.requirements, sure, "\n".join([request, *edits]))
    understood = deterministic.understand(box, merged, records)
    if understood.check.valid:
        return understood
    parser_only = deterministic.understand(box, sure, records)
    if parser_only.check.valid:
        box.usage.fallbacks.append(
            "the model's reading failed the requirements check ("
            + "; ".join(understood.check.validation_errors[:3])
            + "); the parser's reading is used"
        )
        return parser_only
    questions = [q.strip()[:300] for q in reading.clarifications if q.strip()][:MAX_QUESTIONS]
    check = understood.check.model_copy(
        update={"clarifications_needed": [*understood.check.clarifications_needed, *questions]}
    )
    return Understanding(merged, check, understood.complexity, records)
