"""The one way helm-bot calls a model: per-agent chat models behind a circuit breaker.

Retries with backoff on 408/409/429/5xx, honouring ``Retry-After``, are the OpenAI client's own
(``max_retries``); every HTTP request it sends, retries included, is counted through an httpx
event hook. The breaker counts endpoint failures across agents and requests: once the endpoint
has failed ``breaker_failures`` times in a row, agents stop waiting on it and fall back at once
until ``breaker_reset_seconds`` have passed. Every message is redacted once more on its way out,
so no secret value in a request can reach the endpoint whatever a prompt builder does.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Sequence
from typing import Any

import httpx
import openai
import pybreaker
from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI

from bot.llm.settings import KEYLESS, LLMSettings
from bot.llm.usage import ModelUsage
from bot.tools.requirements import redact_secrets

_CURRENT: contextvars.ContextVar[ModelUsage | None] = contextvars.ContextVar(
    "helm_bot_model_usage", default=None
)


class EndpointFailed(RuntimeError):
    """The endpoint gave no answer: unreachable, refusing, too slow, or the circuit is open."""


def _count_request(request: httpx.Request) -> None:
    usage = _CURRENT.get()
    if usage is not None:
        usage.http_requests += 1


def _our_mistake(exc: BaseException) -> bool:
    """A request the endpoint understood and refused (too long, malformed): not an outage."""
    return isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, pybreaker.CircuitBreakerError):
        return "the model endpoint's circuit breaker is open after repeated failures"
    if isinstance(exc, openai.APITimeoutError):
        return "the model endpoint timed out"
    if isinstance(exc, openai.APIStatusError):
        return f"the model endpoint answered HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return "the model endpoint is unreachable"
    return f"the model call failed: {type(exc).__name__}"


def _redacted(message: BaseMessage) -> BaseMessage:
    if isinstance(message, HumanMessage | ToolMessage) and isinstance(message.content, str):
        clean, count = redact_secrets(message.content)
        if count:
            return message.model_copy(update={"content": clean})
    return message


class ModelClient:
    """Chat models for each agent, sharing one HTTP client, one breaker and one set of limits."""

    def __init__(
        self, settings: LLMSettings, *, breaker: pybreaker.CircuitBreaker | None = None
    ) -> None:
        self.settings = settings
        self.breaker = breaker or pybreaker.CircuitBreaker(
            fail_max=settings.breaker_failures,
            reset_timeout=settings.breaker_reset_seconds,
            exclude=[_our_mistake],
            name="model-endpoint",
        )
        self._http = httpx.Client(
            timeout=settings.timeout_seconds, event_hooks={"request": [_count_request]}
        )
        self._chats: dict[str, ChatOpenAI] = {}

    def chat(self, agent: str) -> ChatOpenAI:
        """Return the agent's chat model (its own model name, a header naming the agent)."""
        if agent not in self._chats:
            s = self.settings
            self._chats[agent] = ChatOpenAI(
                model=s.model_for(agent),
                api_key=s.api_key or KEYLESS,  # type: ignore[arg-type]
                base_url=s.base_url or None,
                timeout=s.timeout_seconds,
                max_retries=s.max_retries,
                temperature=s.temperature,
                max_tokens=s.max_output_tokens,  # type: ignore[call-arg]
                http_client=self._http,
                default_headers={"X-Helm-Bot-Agent": agent},
            )
        return self._chats[agent]

    def invoke(
        self, runnable: Runnable[Any, Any], messages: Sequence[BaseMessage], usage: ModelUsage
    ) -> Any:
        """Call the model once, recording the call, its HTTP requests, tokens and latency."""
        outgoing = [_redacted(m) for m in messages]
        token = _CURRENT.set(usage)
        sent_before = usage.http_requests
        usage.calls += 1
        started = time.perf_counter()
        try:
            result = self.breaker.call(runnable.invoke, outgoing)
        except (pybreaker.CircuitBreakerError, openai.APIError) as exc:
            if usage.http_requests == sent_before:  # the open breaker stopped it: no call made
                usage.calls -= 1
            raise EndpointFailed(_describe(exc)) from exc
        finally:
            usage.seconds += time.perf_counter() - started
            _CURRENT.reset(token)
        message = result.get("raw") if isinstance(result, dict) else result
        metadata = getattr(message, "usage_metadata", None) or {}
        usage.prompt_tokens += int(metadata.get("input_tokens", 0))
        usage.completion_tokens += int(metadata.get("output_tokens", 0))
        return result

    def close(self) -> None:
        self._http.close()
