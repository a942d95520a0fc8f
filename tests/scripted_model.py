"""A chat-completions endpoint, mocked at the HTTP layer with respx, that answers from a script.

The LLM client sends ``X-Helm-Bot-Agent`` with every request; the endpoint keeps one queue of
replies per agent and records every request, so tests assert exactly which agent called how
often. A reply is a function of the request body, so a script can read ids and values out of the
prompt the way a model would. Token counts are estimated as characters / 4 (there is no real
tokenizer here); the benchmark says so when it prints them.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import respx

from tests.loopback import serve_app

BASE_URL = "http://model.test/v1"
Reply = Callable[[dict[str, Any]], httpx.Response]
_ids = itertools.count(1)


def _usage(body: dict[str, Any], completion: Any) -> dict[str, int]:
    prompt = len(json.dumps(body.get("messages", []))) // 4
    done = len(json.dumps(completion)) // 4
    return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}


def _completion(body: dict[str, Any], message: dict[str, Any], finish: str) -> httpx.Response:
    payload = {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "scripted"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": _usage(body, message),
    }
    return httpx.Response(200, json=payload)


def calls(*calls: tuple[str, Any]) -> Reply:
    """Answer with tool calls; an argument that is a str is sent as-is (it may be broken JSON)."""

    def reply(body: dict[str, Any]) -> httpx.Response:
        tool_calls = [
            {
                "id": f"call_{next(_ids)}",
                "type": "function",
                "function": {
                    "name": name,
                    "arguments": args if isinstance(args, str) else json.dumps(args),
                },
            }
            for name, args in calls
        ]
        message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
        return _completion(body, message, "tool_calls")

    return reply


def computed(build: Callable[[dict[str, Any]], list[tuple[str, Any]]]) -> Reply:
    """Answer with tool calls computed from the request body (what a model reads in its prompt)."""
    return lambda body: calls(*build(body))(body)


def text(content: str) -> Reply:
    """Answer with plain text and no tool calls."""
    return lambda body: _completion(body, {"role": "assistant", "content": content}, "stop")


def status(code: int, headers: dict[str, str] | None = None) -> Reply:
    """Answer with an HTTP error, as an overloaded or broken endpoint does."""
    error = {"error": {"message": f"scripted {code}", "type": "server_error", "code": None}}
    return lambda body: httpx.Response(code, json=error, headers=headers or {})


def timeout() -> Reply:
    """Fail the request as a read timeout."""

    def reply(body: dict[str, Any]) -> httpx.Response:
        raise httpx.ReadTimeout("scripted timeout")

    return reply


def garbage() -> Reply:
    """Answer 200 with a body that is not a chat completion at all."""
    return lambda body: httpx.Response(200, text="<html>502 Bad Gateway</html>")


def prompt_of(body: dict[str, Any]) -> str:
    """Return the user message of a request: the context and the fenced request."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def json_after(label: str, prompt: str) -> Any:
    """Read the compact JSON object that follows ``label`` on the next line of a prompt."""
    start = prompt.index(label) + len(label)
    line = prompt[start:].lstrip("\n").split("\n", 1)[0]
    return json.loads(line)


class ScriptedModel:
    """Replies per agent, in order; ``fallback`` answers an agent whose queue is empty."""

    def __init__(self, fallback: Reply | None = None) -> None:
        self.queues: dict[str, list[Reply]] = defaultdict(list)
        self.fallback = fallback or text("DONE")
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.times: list[float] = []  # monotonic arrival time of each request

    def script(self, agent: str, *replies: Reply) -> ScriptedModel:
        self.queues[agent].extend(replies)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return self.answer(request.headers.get("X-Helm-Bot-Agent", "?"), request.content)

    def answer(self, agent: str, content: bytes) -> httpx.Response:
        body = json.loads(content)
        self.requests.append((agent, body))
        self.times.append(time.monotonic())
        queue = self.queues[agent]
        reply = queue.pop(0) if queue else self.fallback
        return reply(body)

    def count(self, agent: str | None = None) -> int:
        """HTTP requests received, for one agent or all."""
        return sum(1 for a, _ in self.requests if agent is None or a == agent)

    def by_agent(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for agent, _ in self.requests:
            counts[agent] += 1
        return dict(counts)


@contextmanager
def serve(model: ScriptedModel, base_url: str = BASE_URL) -> Iterator[ScriptedModel]:
    """Route every chat-completions request under ``base_url`` to ``model``."""
    with respx.mock(base_url=base_url, assert_all_called=False) as router:
        router.post("/chat/completions").mock(side_effect=model)
        yield model


@contextmanager
def serve_http(model: ScriptedModel) -> Iterator[str]:
    """Serve ``model`` as a real chat-completions server on 127.0.0.1; yield its base URL.

    For processes that respx cannot reach (the CLI run as a subprocess). Stopped on exit.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def completions(request: Request) -> Response:
        agent = request.headers.get("x-helm-bot-agent", "?")
        try:
            reply = model.answer(agent, await request.body())
        except httpx.TimeoutException:
            return Response(status_code=504)
        return Response(reply.content, reply.status_code, dict(reply.headers))

    app = Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])
    with serve_app(app, "the scripted model server") as url:
        yield f"{url}/v1"
