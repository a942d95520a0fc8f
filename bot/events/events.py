"""Webhook payloads become events: the few facts a job needs, or a reason to ignore the delivery.

This runs inside the webhook request, so it only reads the payload: no API calls, no database.
Anything that needs the repository's configuration (the trigger label, who may approve) is the
worker's to decide. Payloads come from outside; a missing or oddly typed field makes the
delivery ignored with a reason, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.events.commands import parse_command

Kind = Literal["chart_request", "command", "pull_request_closed", "ignore"]
# The largest request or instruction text the bot accepts; GitHub caps bodies at 65,536.
MAX_TEXT = 65_536


@dataclass(frozen=True)
class Event:
    """What a delivery asks of the bot, in plain JSON-able fields."""

    kind: Kind
    reason: str = ""  # why an event is ignored
    repo: str = ""  # owner/name
    number: int = 0  # the issue or pull request the delivery is about
    installation_id: int = 0
    actor: str = ""  # who did it
    verb: str = ""  # chart | approve | reject | edit | retry | help, for commands
    text: str = ""  # the request or the /edit instructions
    title: str = ""  # the issue's title, for a chart request
    labels: list[str] = field(default_factory=list)
    label: str = ""  # the label just added, for issues.labeled
    comment_id: int = 0  # the comment to react to
    on_pull_request: bool = False
    merged: bool = False
    clone_url: str = ""
    default_branch: str = ""

    def as_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its recursive deep copy was a tenth of the webhook's CPU.
        return vars(self) | {"labels": list(self.labels)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Event:
        return cls(**data)


def _ignore(reason: str) -> Event:
    return Event(kind="ignore", reason=reason)


def _get(payload: Any, *path: str) -> Any:
    """Walk nested dicts; None where a level is missing or not a dict."""
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload


def _text(value: Any) -> str:
    """A string field, cut to MAX_TEXT; a lone surrogate (JSON allows "\\ud800") becomes U+FFFD,
    since no UTF-8 API call or git commit could carry it."""
    if not isinstance(value, str):
        return ""
    value = value[:MAX_TEXT]
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _common(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The repository and installation every handled event needs; None when they are missing.

    Deliveries to a GitHub App always name the installation; one without it came from a plain
    repository webhook, which the bot has no token to answer.
    """
    repo = _get(payload, "repository", "full_name")
    installation = _number(_get(payload, "installation", "id"))
    if not isinstance(repo, str) or "/" not in repo or not installation:
        return None
    return {
        "repo": repo,
        "installation_id": installation,
        "actor": _text(_get(payload, "sender", "login")),
        "clone_url": _text(_get(payload, "repository", "clone_url")),
        "default_branch": _text(_get(payload, "repository", "default_branch")) or "main",
    }


def _from_bot(payload: dict[str, Any], *user_path: str) -> bool:
    """Tell whether a bot wrote it: the bot's own comments quote commands in their help text."""
    kinds = (_get(payload, "sender", "type"), _get(payload, *user_path, "type"))
    return "Bot" in kinds


def _issue(payload: dict[str, Any], common: dict[str, Any]) -> Event:
    issue = payload.get("issue")
    number = _number(_get(issue, "number"))
    if not number:
        return _ignore("issue event without an issue number")
    if _get(issue, "pull_request") is not None:
        return _ignore("pull request labels do not request charts")
    labels = [
        _text(label["name"])
        for label in (_get(issue, "labels") or [])
        if isinstance(label, dict) and isinstance(label.get("name"), str)
    ]
    action = payload.get("action")
    if action == "opened" and not labels:
        return _ignore("issue opened without labels")
    if _from_bot(payload, "issue", "user"):
        return _ignore("issue opened by a bot")
    return Event(
        kind="chart_request",
        number=number,
        text=_text(_get(issue, "body")),
        title=_text(_get(issue, "title")),
        labels=labels,
        label=_text(_get(payload, "label", "name")) if action == "labeled" else "",
        **common,
    )


def _comment(payload: dict[str, Any], common: dict[str, Any]) -> Event:
    issue = payload.get("issue")
    number = _number(_get(issue, "number"))
    comment_id = _number(_get(payload, "comment", "id"))
    if not number or not comment_id:
        return _ignore("comment event without an issue number or comment id")
    if _from_bot(payload, "comment", "user"):
        return _ignore("comment written by a bot")
    command = parse_command(_text(_get(payload, "comment", "body")))
    if command is None:
        return _ignore("comment without a command")
    return Event(
        kind="chart_request" if command.verb == "chart" else "command",
        number=number,
        verb=command.verb,
        text=command.text,
        title=_text(_get(issue, "title")),
        comment_id=comment_id,
        on_pull_request=_get(issue, "pull_request") is not None,
        **common,
    )


def _review(payload: dict[str, Any], common: dict[str, Any]) -> Event:
    number = _number(_get(payload, "pull_request", "number"))
    if not number:
        return _ignore("review event without a pull request number")
    if _from_bot(payload, "review", "user"):
        return _ignore("review written by a bot")
    command = parse_command(_text(_get(payload, "review", "body")))
    state = str(_get(payload, "review", "state") or "").lower()
    if command is not None and command.verb != "chart":
        verb, text = command.verb, command.text
    elif state == "approved":
        verb, text = "approve", ""
    else:
        return _ignore(f"review ({state or 'no state'}) without a command")
    return Event(
        kind="command", number=number, verb=verb, text=text, on_pull_request=True, **common
    )


def _closed(payload: dict[str, Any], common: dict[str, Any]) -> Event:
    number = _number(_get(payload, "pull_request", "number"))
    if not number:
        return _ignore("pull request event without a number")
    return Event(
        kind="pull_request_closed",
        number=number,
        merged=_get(payload, "pull_request", "merged") is True,
        on_pull_request=True,
        **common,
    )


ROUTES = {
    ("issues", "opened"): _issue,
    ("issues", "labeled"): _issue,
    ("issue_comment", "created"): _comment,
    ("pull_request_review", "submitted"): _review,
    ("pull_request", "closed"): _closed,
}


def to_event(name: str, payload: Any) -> Event:
    """Turn a delivery (``X-GitHub-Event`` and its JSON body) into an event."""
    if not isinstance(payload, dict):
        return _ignore("payload is not a JSON object")
    action = payload.get("action")
    route = ROUTES.get((name, action if isinstance(action, str) else ""))
    if route is None:
        return _ignore(f"not handled: {name}" + (f".{action}" if isinstance(action, str) else ""))
    common = _common(payload)
    if common is None:
        return _ignore(f"{name}.{action} without a repository or an App installation")
    return route(payload, common)


def thread_id(repo: str, issue: int) -> str:
    """The LangGraph thread of a chart request: one per repository issue."""
    return f"{repo}#{issue}"
