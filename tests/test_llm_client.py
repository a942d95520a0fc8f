"""The model plumbing on its own: settings, the guarded client, and the bounded tool loop."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel

from bot.llm.client import EndpointFailed, ModelClient
from bot.llm.react import BudgetSpent, LoopExhausted, ModelTool, ToolRejected, run_tool_loop
from bot.llm.settings import BadSetting, LLMSettings
from bot.llm.usage import ModelUsage, add_usage, summarize
from bot.policy.choose import NO_MODEL, choose_policy
from bot.policy.deterministic import DeterministicPolicy
from bot.policy.llm import LLMPolicy
from tests.scripted_model import BASE_URL, ScriptedModel, calls, serve, status, text


def client(**overrides: Any) -> ModelClient:
    base: dict[str, Any] = {"api_key": "k", "base_url": BASE_URL, "max_retries": 0}
    return ModelClient(LLMSettings(**{**base, **overrides}))


# --------------------------------------------------------------------------- settings


def test_settings_read_the_environment() -> None:
    settings = LLMSettings.from_env(
        {
            "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1/",
            "HELM_BOT_MODEL": "llama3.1",
            "HELM_BOT_MODEL_PLANNER": "qwen2.5",
            "HELM_BOT_LLM_TIMEOUT": "12.5",
            "HELM_BOT_LLM_MAX_ITERATIONS": "2",
            "HELM_BOT_LLM_TOKEN_BUDGET": "5000",
        }
    )
    assert settings.configured and not settings.api_key
    assert settings.base_url == "http://127.0.0.1:11434/v1"
    assert settings.model_for("planner") == "qwen2.5"
    assert settings.model_for("template") == "llama3.1"
    assert (settings.timeout_seconds, settings.max_iterations, settings.token_budget) == (
        12.5,
        2,
        5000,
    )
    assert "qwen2.5" in settings.describe() and "k" not in settings.describe().split()


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("HELM_BOT_LLM_TIMEOUT", "soon", "not a number"),
        ("HELM_BOT_LLM_MAX_ITERATIONS", "0", "outside"),
        ("HELM_BOT_LLM_TOKEN_BUDGET", "10", "outside"),
    ],
)
def test_nonsense_settings_are_refused_with_the_variable_named(
    name: str, value: str, problem: str
) -> None:
    with pytest.raises(BadSetting, match=f"{name}.*{problem}"):
        LLMSettings.from_env({"OPENAI_API_KEY": "k", name: value})


def test_the_policy_follows_configuration_and_flags() -> None:
    policy, note = choose_policy(None, {})
    assert isinstance(policy, DeterministicPolicy) and note == NO_MODEL
    with pytest.raises(BadSetting, match="--llm needs"):
        choose_policy(True, {})
    policy, note = choose_policy(None, {"OPENAI_BASE_URL": BASE_URL})
    assert isinstance(policy, LLMPolicy) and BASE_URL in note
    policy, _ = choose_policy(False, {"OPENAI_API_KEY": "k"})
    assert isinstance(policy, DeterministicPolicy)


# --------------------------------------------------------------------------- client


def ask(model_client: ModelClient, usage: ModelUsage, content: str = "hello") -> Any:
    chat = model_client.chat("planner")
    return model_client.invoke(chat, [SystemMessage("s"), HumanMessage(content)], usage)


def test_retries_are_counted_as_http_requests_of_one_call() -> None:
    model = ScriptedModel().script("planner", status(500), status(502), text("ok"))
    usage = ModelUsage()
    with serve(model):
        answer = ask(client(max_retries=2), usage)
    assert answer.content == "ok"
    assert (usage.calls, usage.http_requests) == (1, 3)
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0


def test_the_breaker_opens_after_repeated_failures_and_closes_after_a_pause() -> None:
    model = ScriptedModel(fallback=status(503))
    shared = client(breaker_failures=2, breaker_reset_seconds=0.3)
    usage = ModelUsage()
    with serve(model):
        for _ in range(2):
            with pytest.raises(EndpointFailed, match="HTTP 503|circuit"):
                ask(shared, usage)
        with pytest.raises(EndpointFailed, match="circuit breaker is open"):
            ask(shared, usage)
        assert model.count() == 2 and usage.calls == 2  # the open breaker sent nothing
        time.sleep(0.35)
        model.fallback = text("back")
        assert ask(shared, usage).content == "back"
    assert model.count() == 3


def test_a_refused_request_does_not_open_the_breaker() -> None:
    model = ScriptedModel(fallback=status(400))
    shared = client(breaker_failures=1)
    with serve(model):
        for _ in range(3):
            with pytest.raises(EndpointFailed, match="HTTP 400"):
                ask(shared, ModelUsage())
    assert model.count() == 3


def test_secret_values_are_redacted_on_the_way_out() -> None:
    model = ScriptedModel(fallback=text("ok"))
    with serve(model):
        ask(client(), ModelUsage(), "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 here")
    sent = json.dumps(model.requests[0][1])
    assert "ghp_abcdef" not in sent and "[REDACTED]" in sent


# --------------------------------------------------------------------------- the tool loop


class Note(BaseModel):
    text: str


class Box:
    def __init__(self) -> None:
        self.notes: list[str] = []

    def add(self, args: Note) -> str:
        if "root" in args.text:
            raise ToolRejected("no root")
        self.notes.append(args.text)
        return "added"

    def tools(self) -> list[ModelTool]:
        return [
            ModelTool("add", "Add a note.", Note, self.add),
            ModelTool("peek", "Show notes.", Note, lambda a: ",".join(self.notes), query=True),
        ]


def loop(model_client: ModelClient, box: Box, usage: ModelUsage, budget: int = 10**6) -> Any:
    messages = [SystemMessage("s"), HumanMessage("go")]
    return run_tool_loop(
        model_client, "planner", messages, box.tools(), usage, tokens_left=lambda: budget
    )


def test_errors_are_answered_to_the_model_which_may_correct_itself() -> None:
    model = ScriptedModel().script(
        "planner",
        calls(("add", {"text": "run as root"}), ("add", {"txt": "typo"}), ("nope", {})),
        calls(("add", {"text": "fine"})),
    )
    box, usage = Box(), ModelUsage()
    with serve(model):
        result = loop(client(), box, usage)
    assert result.iterations == 2 and box.notes == ["fine"]
    assert (usage.calls, usage.tool_calls, usage.tool_errors) == (2, 4, 3)
    replies = [m["content"] for m in model.requests[1][1]["messages"] if m["role"] == "tool"]
    assert replies[0] == "error: add refused: no root"
    assert "invalid arguments for add: text: Field required" in replies[1]
    assert replies[2] == "error: there is no tool named 'nope'"


def test_broken_json_arguments_are_tool_errors() -> None:
    model = ScriptedModel().script("planner", calls(("add", "{text: ")), text("DONE"))
    usage = ModelUsage()
    with serve(model):
        loop(client(), Box(), usage)
    assert (usage.calls, usage.tool_errors) == (2, 1)
    replies = [m["content"] for m in model.requests[1][1]["messages"] if m["role"] == "tool"]
    assert "not valid JSON" in replies[0]


def test_a_query_lets_the_model_read_the_result() -> None:
    model = ScriptedModel().script(
        "planner", calls(("add", {"text": "a"}), ("peek", {"text": ""})), text("DONE")
    )
    usage = ModelUsage()
    with serve(model):
        result = loop(client(), Box(), usage)
    assert result.iterations == 2 and result.text == "DONE"


def test_the_loop_ends_at_the_iteration_limit() -> None:
    model = ScriptedModel(fallback=calls(("peek", {"text": ""})))
    with serve(model), pytest.raises(LoopExhausted, match="after 3 model call"):
        loop(client(max_iterations=3), Box(), ModelUsage())
    assert model.count() == 3


def test_the_loop_does_not_call_past_the_token_budget() -> None:
    model = ScriptedModel(fallback=text("DONE"))
    with serve(model), pytest.raises(BudgetSpent):
        loop(client(), Box(), ModelUsage(), budget=0)
    assert model.count() == 0


def test_usage_sums_per_agent_across_runs() -> None:
    first = ModelUsage(model="m", calls=1, prompt_tokens=10, completion_tokens=2)
    second = ModelUsage(model="m", calls=2, http_requests=3, fallbacks=["down"])
    merged = add_usage({"planner": first.as_json()}, {"planner": second.as_json()})
    summary = summarize(merged)
    assert summary["policy"] == "llm"
    assert (summary["calls"], summary["tokens"], summary["http_requests"]) == (3, 12, 3)
    assert summary["fallbacks"] == [{"agent": "planner", "reason": "down"}]
    assert summarize(None)["policy"] == "deterministic"
