from __future__ import annotations

import inspect
import typing

import pytest

from bot.policy.base import ToolBox, ToolNotAllowed
from bot.tools import planning, requirements, validate
from bot.tools.registry import AGENT_TOOLS


def test_every_agent_has_its_tools_and_the_brief_count_is_met() -> None:
    seed_agents = ("coordinator", "planner", "template", "validator", "security", "optimizer")
    unique = {tool for agent in seed_agents for tool in AGENT_TOOLS[agent]}
    assert len(unique) >= 36
    assert len(AGENT_TOOLS["template"]) >= 10 and len(AGENT_TOOLS["security"]) >= 7


@pytest.mark.parametrize(
    "tool", sorted({t for tools in AGENT_TOOLS.values() for t in tools}, key=lambda t: t.__name__)
)
def test_every_tool_is_typed_and_documented(tool: typing.Callable[..., object]) -> None:
    hints = typing.get_type_hints(tool)
    params = inspect.signature(tool).parameters
    assert "return" in hints, tool.__name__
    assert all(name in hints for name in params), tool.__name__
    assert (tool.__doc__ or "").strip(), tool.__name__


def test_a_tool_box_only_runs_its_own_agents_tools() -> None:
    box = ToolBox.of("planner", AGENT_TOOLS["planner"])
    with pytest.raises(ToolNotAllowed):
        box.call(validate.package_chart, "x", "y")
    req = requirements.parse_requirements("api, image ghcr.io/acme/api:1.0.0, port 8080")
    analysis = box.call(planning.analyze_application_requirements, req)
    assert analysis.probe.kind == "http"
    assert [c.tool for c in box.calls] == ["analyze_application_requirements"]
    assert box.calls[0].ok and box.calls[0].seconds >= 0
