"""Which policy a run uses: the LLM policy when an endpoint is configured, else the deterministic.

Every edge (CLI, server, Action) asks here, so "is a model in use, and which" is decided once
and said once.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.llm.settings import BadSetting, LLMSettings
from bot.policy.base import Policy
from bot.policy.deterministic import DeterministicPolicy

NO_MODEL = (
    "no model configured (set OPENAI_API_KEY or OPENAI_BASE_URL for LLM mode): "
    "using the deterministic policy"
)


def choose_policy(want: bool | None, env: Mapping[str, str] | None = None) -> tuple[Policy, str]:
    """Return the policy to run and one line saying which and why.

    ``want`` is the user's explicit choice (``--llm`` / ``--no-llm``), or None for "if configured".
    """
    if want is False:
        return DeterministicPolicy(), "deterministic policy (--no-llm)"
    settings = LLMSettings.from_env(env)
    if not settings.configured:
        if want:
            raise BadSetting("--llm needs OPENAI_API_KEY or OPENAI_BASE_URL")
        return DeterministicPolicy(), NO_MODEL
    from bot.policy.llm import LLMPolicy  # the model stack loads only when it is used

    return LLMPolicy(settings), f"LLM policy: {settings.describe()}"
