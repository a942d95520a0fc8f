"""Which model endpoint to use and how far to trust it, read from the environment.

Any server that speaks the chat-completions API works: OpenAI, Azure OpenAI's v1 endpoint,
Ollama, vLLM, a llama.cpp server. A key alone means OpenAI itself; a base URL alone means a local
server that needs no key. With neither, helm-bot runs its deterministic policy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

AGENTS = ("coordinator", "planner", "template", "validator", "security", "optimizer")
DEFAULT_MODEL = "gpt-4o-mini"
# Local servers (Ollama, llama.cpp) ignore the key, but the OpenAI client insists on one.
KEYLESS = "not-needed"


class BadSetting(ValueError):
    """An environment variable holds something helm-bot cannot use."""


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadSetting(f"{name}={raw!r} is not a number") from None
    if not low <= value <= high:
        raise BadSetting(f"{name}={raw} is outside {low:g}..{high:g}")
    return value


@dataclass(frozen=True)
class LLMSettings:
    api_key: str = ""
    base_url: str = ""
    model: str = DEFAULT_MODEL
    agent_models: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 60.0
    max_retries: int = 2  # HTTP retries on 408/409/429/5xx, honouring Retry-After
    max_iterations: int = 3  # model calls per agent run
    token_budget: int = 60_000  # prompt + completion tokens per request, all agents together
    max_output_tokens: int = 2_000
    breaker_failures: int = 3  # consecutive endpoint failures that open the circuit
    breaker_reset_seconds: float = 60.0
    temperature: float = 0.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LLMSettings:
        """Read ``OPENAI_*`` and ``HELM_BOT_*`` variables; raise BadSetting on nonsense."""
        env = os.environ if env is None else env
        agent_models = {
            agent: env[f"HELM_BOT_MODEL_{agent.upper()}"].strip()
            for agent in AGENTS
            if env.get(f"HELM_BOT_MODEL_{agent.upper()}", "").strip()
        }
        return cls(
            api_key=env.get("OPENAI_API_KEY", "").strip(),
            base_url=env.get("OPENAI_BASE_URL", "").strip().rstrip("/"),
            model=env.get("HELM_BOT_MODEL", "").strip() or DEFAULT_MODEL,
            agent_models=agent_models,
            timeout_seconds=_number(env, "HELM_BOT_LLM_TIMEOUT", 60.0, 1, 3600),
            max_retries=int(_number(env, "HELM_BOT_LLM_MAX_RETRIES", 2, 0, 10)),
            max_iterations=int(_number(env, "HELM_BOT_LLM_MAX_ITERATIONS", 3, 1, 20)),
            token_budget=int(_number(env, "HELM_BOT_LLM_TOKEN_BUDGET", 60_000, 1_000, 10**7)),
            max_output_tokens=int(_number(env, "HELM_BOT_LLM_MAX_OUTPUT_TOKENS", 2_000, 64, 10**5)),
        )

    @property
    def configured(self) -> bool:
        """Tell whether an endpoint is configured at all."""
        return bool(self.api_key or self.base_url)

    def model_for(self, agent: str) -> str:
        """Return the model an agent uses: its own, or the common one."""
        return self.agent_models.get(agent, self.model)

    def describe(self) -> str:
        """Say which endpoint and model are in use, without the key."""
        where = self.base_url or "the OpenAI API"
        own = ", ".join(f"{a}={m}" for a, m in sorted(self.agent_models.items()))
        return f"model {self.model} at {where}" + (f" ({own})" if own else "")
