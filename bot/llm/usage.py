"""What the model cost, per agent: calls, HTTP requests, tokens, latency, and every fallback.

One ``ModelUsage`` is filled per agent run; the graph state sums them per agent (``add_usage``)
so the totals survive interrupts and resumes in other processes, and the CLI's ``llm`` field and
the report read them from there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

_COUNTERS = (
    "calls",
    "http_requests",
    "prompt_tokens",
    "completion_tokens",
    "tool_calls",
    "tool_errors",
)


@dataclass
class ModelUsage:
    model: str = ""
    calls: int = 0  # completions the agent asked for
    http_requests: int = 0  # requests sent, retries included
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    tool_calls: int = 0
    tool_errors: int = 0  # unknown tools, bad arguments, calls outside the tools' bounds
    fallbacks: list[str] = field(default_factory=list)  # why the deterministic result was used

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def used(self) -> bool:
        """Tell whether there is anything to record."""
        return bool(self.calls or self.http_requests or self.fallbacks)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 4)}


def add_usage(
    left: dict[str, dict[str, Any]], right: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """State reducer: add each agent's counters, keep the latest model name, append fallbacks."""
    merged = {agent: dict(usage) for agent, usage in (left or {}).items()}
    for agent, usage in (right or {}).items():
        into = merged.setdefault(agent, ModelUsage().as_json())
        for counter in _COUNTERS:
            into[counter] = into.get(counter, 0) + usage.get(counter, 0)
        into["seconds"] = round(into.get("seconds", 0.0) + usage.get("seconds", 0.0), 4)
        into["model"] = usage.get("model") or into.get("model", "")
        into["fallbacks"] = [*into.get("fallbacks", []), *usage.get("fallbacks", [])]
    return merged


def tokens_spent(by_agent: dict[str, dict[str, Any]] | None) -> int:
    """Return the prompt and completion tokens a request has used so far."""
    return sum(
        u.get("prompt_tokens", 0) + u.get("completion_tokens", 0) for u in (by_agent or {}).values()
    )


def summarize(by_agent: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    """Return the ``llm`` object of the CLI's JSON and the report: totals, per agent, fallbacks.

    The LLM policy records every agent's model work (a fallback included), so a thread with no
    record ran the deterministic policy.
    """
    agents = by_agent or {}
    policy = "llm" if agents else "deterministic"
    totals = {c: sum(u.get(c, 0) for u in agents.values()) for c in _COUNTERS}
    return {
        "policy": policy,
        **totals,
        "tokens": totals["prompt_tokens"] + totals["completion_tokens"],
        "seconds": round(sum(u.get("seconds", 0.0) for u in agents.values()), 4),
        "agents": agents,
        "fallbacks": [
            {"agent": agent, "reason": reason}
            for agent, usage in agents.items()
            for reason in usage.get("fallbacks", [])
        ],
    }
