"""The LLM policy: every agent reasons with a model over its own bounded tools."""

from bot.policy.llm.policy import LLMPolicy

__all__ = ["LLMPolicy"]
