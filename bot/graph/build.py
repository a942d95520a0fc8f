"""Wiring of the graph: which nodes exist and where each may hand off. Nothing else.

Nodes choose their successor with ``Command(goto=...)``; the ``destinations`` declared here are
the edges each may take, so the compiled graph (and its drawing) shows every loop of the design:
validator -> validator (auto-fix), validator -> template, security -> template,
optimizer -> validator, and every gate -> human_review -> back into the graph.
"""

from __future__ import annotations

from functools import partial

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from bot.graph.nodes.coordinator import coordinator
from bot.graph.nodes.finalize import finalize
from bot.graph.nodes.human_review import human_review
from bot.graph.nodes.optimizer import optimizer
from bot.graph.nodes.planner import planner
from bot.graph.nodes.security import security
from bot.graph.nodes.template import template
from bot.graph.nodes.validator import validator
from bot.graph.state import ChartState
from bot.policy.base import Policy
from bot.policy.deterministic import DeterministicPolicy

AGENTS = ("coordinator", "planner", "template", "validator", "security", "optimizer", "finalize")


def build_graph(
    checkpointer: BaseCheckpointSaver[str] | None = None, policy: Policy | None = None
) -> CompiledStateGraph[ChartState, None, ChartState, ChartState]:
    """Compile the chart graph with the given checkpointer and agent policy."""
    policy = policy or DeterministicPolicy()
    graph = StateGraph(ChartState)
    graph.add_node(
        "coordinator",
        partial(coordinator, policy=policy),
        destinations=("planner", "human_review", END),
    )
    graph.add_node("planner", partial(planner, policy=policy), destinations=("template",))
    graph.add_node("template", partial(template, policy=policy), destinations=("validator",))
    graph.add_node(
        "validator",
        partial(validator, policy=policy),
        destinations=("security", "validator", "template", "human_review"),
    )
    graph.add_node(
        "security",
        partial(security, policy=policy),
        destinations=("optimizer", "template", "human_review", END),
    )
    graph.add_node(
        "optimizer",
        partial(optimizer, policy=policy),
        destinations=("finalize", "validator", "human_review"),
    )
    graph.add_node(
        "human_review",
        human_review,
        destinations=(
            "coordinator",
            "planner",
            "template",
            "validator",
            "optimizer",
            "finalize",
            END,
        ),
    )
    graph.add_node("finalize", finalize, destinations=(END,))
    graph.add_edge(START, "coordinator")
    return graph.compile(checkpointer=checkpointer, name="helm-bot")
