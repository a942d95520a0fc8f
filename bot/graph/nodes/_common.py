"""What every agent node does around its policy call: time it, record it, hand off.

Nodes return ``Command(goto=..., update=...)``; this module adds the bookkeeping to the update so
each node only states its own decision.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langgraph.types import Command

from bot.graph.state import ChartState
from bot.policy.base import ToolBox
from bot.tools import values
from bot.tools.models import ChartDraft
from bot.tools.registry import AGENT_TOOLS


def toolbox(agent: str) -> ToolBox:
    """Return a fresh tool box holding exactly ``agent``'s tools."""
    return ToolBox.of(agent, AGENT_TOOLS[agent])


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
    return Command(
        goto=goto,
        update={**(update or {}), "timings": {agent: seconds}, "history": [entry]},
    )


@contextlib.contextmanager
def workspace(draft: ChartDraft) -> Iterator[tuple[str, list[str]]]:
    """Write the draft to a scratch directory; yield the chart dir and its env values files."""
    with tempfile.TemporaryDirectory(prefix="helm-bot-") as scratch:
        chart_dir = values.write_chart(draft, Path(scratch))
        env_files = sorted(
            str(chart_dir / name)
            for name in draft.files
            if name.startswith("values-") and name.endswith(".yaml") and "/" not in name
        )
        yield str(chart_dir), env_files


def settings_of(state: ChartState) -> dict[str, Any]:
    """Return the run's settings with their defaults filled in."""
    settings: dict[str, Any] = {
        "kube_versions": ["1.29", "1.34"],
        "allowed_exceptions": [],
        "out_dir": "charts",
    }
    settings.update(state.get("settings") or {})
    return settings
