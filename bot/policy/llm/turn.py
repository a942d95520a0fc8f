"""One agent's turn with the model: its client, its accounting, and what is left of the budget."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage

from bot.llm.client import ModelClient
from bot.llm.react import LoopResult, ModelTool, run_tool_loop
from bot.policy.base import ToolBox


@dataclass
class Turn:
    client: ModelClient
    box: ToolBox

    @property
    def agent(self) -> str:
        return self.box.agent

    def tokens_left(self) -> int:
        """Return the tokens the request may still spend, this turn's included."""
        spent = self.box.tokens_spent + self.box.usage.tokens
        return self.client.settings.token_budget - spent

    def loop(self, messages: list[BaseMessage], tools: list[ModelTool]) -> LoopResult:
        """Run the bounded tool loop for this agent."""
        return run_tool_loop(
            self.client, self.agent, messages, tools, self.box.usage, tokens_left=self.tokens_left
        )
