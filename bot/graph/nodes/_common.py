"""What every agent node does around its policy call: time it, record it, hand off.

Nodes return ``Command(goto=..., update=...)``; this module adds the bookkeeping to the update so
each node only states its own decision.
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.types import Command

from bot.graph.state import ChartState
from bot.llm.usage import tokens_spent
from bot.policy.base import ToolBox
from bot.tools.registry import AGENT_TOOLS


def toolbox(agent: str, state: ChartState | None = None) -> ToolBox:
    """Return a fresh tool box holding exactly ``agent``'s tools and the tokens spent so far."""
    box = ToolBox.of(agent, AGENT_TOOLS[agent])
    box.tokens_spent = tokens_spent((state or {}).get("llm"))
    return box


def handoff(
    agent: str,
    started: float,
    box: ToolBox,
    goto: str,
    summary: str,
    update: dict[str, Any] | None = None,
) -> Command[str]:
    """Return the node's Command with its timing and a history entry added."""
    seconds = time.perf_counter() - started
    entry = {
        "agent": agent,
        "summary": summary,
        "goto": goto,
        "seconds": round(seconds, 4),
        "tools": box.summary(),
    }
    full = {**(update or {}), "timings": {agent: seconds}, "history": [entry]}
    if box.usage.used():
        entry["model"] = box.usage.as_json()
        full["llm"] = {agent: box.usage.as_json()}
    return Command(goto=goto, update=full)


def settings_of(state: ChartState) -> dict[str, Any]:
    """Return the run's settings with their defaults filled in."""
    settings: dict[str, Any] = {
        "kube_versions": ["1.29", "1.34"],
        "allowed_exceptions": [],
        "out_dir": "charts",
    }
    settings.update(state.get("settings") or {})
    return settings
