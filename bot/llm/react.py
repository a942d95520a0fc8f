"""A bounded ReAct loop: the model calls tools, every call is checked, and the loop always ends.

Each ``ModelTool`` declares its arguments as a pydantic model; that model is both the JSON schema
the endpoint sees (through ``bind_tools``) and the validator a call must pass before it runs.
Unknown tools, arguments that are not JSON, arguments that fail the schema and calls the tool
refuses (``ToolRejected``) are answered to the model as tool errors and counted; the model may
correct itself within the iteration budget.

The loop ends when the model answers without tool calls, or after a round in which every call
succeeded and none was a query (a query's result is something the model asked to see, so it gets
to read it). It raises ``LoopExhausted`` at the iteration limit and ``BudgetSpent`` when the
request's token budget is gone; the caller then falls back to its deterministic result. That is
why the happy path costs one call per agent: a model that gets it right the first time is not
asked again just to say it is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from pydantic import BaseModel, ValidationError

from bot.llm.client import ModelClient
from bot.llm.usage import ModelUsage

MAX_CALLS_PER_ANSWER = 16
_MAX_REPLY = 4_000


class ToolRejected(ValueError):
    """A well-formed call the tool refuses because it is outside the tool's bounds."""


class LoopExhausted(RuntimeError):
    """The model did not finish within the iteration budget."""


class BudgetSpent(RuntimeError):
    """The request's token budget is used up."""


@dataclass(frozen=True)
class ModelTool:
    name: str
    description: str
    args: type[BaseModel]
    run: Callable[[Any], str]
    query: bool = False  # the model needs the result to go on

    def schema(self) -> dict[str, Any]:
        """Return the OpenAI function description of this tool."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.args.model_json_schema(),
            },
        }


@dataclass(frozen=True)
class LoopResult:
    text: str
    iterations: int


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_REPLY else text[:_MAX_REPLY] + " [truncated]"


def _run(tool: ModelTool | None, name: str, args: Any) -> tuple[str, bool]:
    """Run one call; return the reply for the model and whether it succeeded."""
    if tool is None:
        return f"error: there is no tool named {name!r}", False
    try:
        parsed = tool.args.model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(arguments)'}: {e['msg']}"
            for e in exc.errors()
        )
        return f"error: invalid arguments for {name}: {problems}", False
    try:
        return _clip(tool.run(parsed)), True
    except ToolRejected as exc:
        return f"error: {name} refused: {exc}", False


def run_tool_loop(
    client: ModelClient,
    agent: str,
    messages: list[BaseMessage],
    tools: list[ModelTool],
    usage: ModelUsage,
    *,
    tokens_left: Callable[[], int],
) -> LoopResult:
    """Let the model act through ``tools`` until it is done or a bound is reached."""
    by_name = {tool.name: tool for tool in tools}
    chat = client.chat(agent).bind_tools([tool.schema() for tool in tools])
    limit = client.settings.max_iterations
    for iteration in range(1, limit + 1):
        if tokens_left() <= 0:
            raise BudgetSpent("the request's model token budget is spent")
        answer = client.invoke(chat, messages, usage)
        if not isinstance(answer, AIMessage):
            raise LoopExhausted(f"unexpected answer type {type(answer).__name__}")
        messages.append(answer)
        if not answer.tool_calls and not answer.invalid_tool_calls:
            return LoopResult(str(answer.content or ""), iteration)
        again = False
        for bad in answer.invalid_tool_calls:
            usage.tool_errors += 1
            again = True
            messages.append(
                ToolMessage(
                    f"error: the arguments of {bad.get('name')!r} are not valid JSON",
                    tool_call_id=bad.get("id") or "",
                    status="error",
                )
            )
        for number, call in enumerate(answer.tool_calls):
            usage.tool_calls += 1
            if number >= MAX_CALLS_PER_ANSWER:
                reply, ok = f"error: at most {MAX_CALLS_PER_ANSWER} calls per answer", False
            else:
                tool = by_name.get(call["name"])
                reply, ok = _run(tool, call["name"], call["args"])
                again = again or (ok and tool is not None and tool.query)
            if not ok:
                usage.tool_errors += 1
                again = True
            messages.append(
                ToolMessage(
                    reply, tool_call_id=call.get("id") or "", status="success" if ok else "error"
                )
            )
        if not again:
            return LoopResult(str(answer.content or ""), iteration)
    raise LoopExhausted(
        f"no final answer after {limit} model call(s) ({usage.tool_errors} tool error(s))"
    )


def as_json(value: Any) -> str:
    """Serialise context for a prompt compactly and deterministically."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
