"""Webhook payloads to events, slash commands and signatures, on GitHub's own example payloads."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot.events.commands import SlashCommand, parse_command
from bot.events.events import Event, to_event
from bot.events.signature import sign, verify
from tests.app_harness import with_changes

HOOKS = Path(__file__).parent / "fixtures" / "github" / "webhooks"


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """A real example payload as a GitHub App receives it, with ``a__b`` path changes applied."""
    data = json.loads((HOOKS / f"{name}.json").read_text())
    data.setdefault(
        "installation", {"id": 4242, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg=="}
    )
    return with_changes(data, **changes)


# --------------------------------------------------------------------------- commands


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/approve", SlashCommand("approve")),
        ("/approve looks good to me", SlashCommand("approve")),
        ("  /APPROVE", SlashCommand("approve")),
        ("Thanks!\n\n/reject\nnot needed", SlashCommand("reject")),
        (
            "/edit use port 8080\nresources.limits.memory=1Gi",
            SlashCommand("edit", "use port 8080\nresources.limits.memory=1Gi"),
        ),
        ("/chart A Go API on port 8080", SlashCommand("chart", "A Go API on port 8080")),
        ("\uff0fapprove", SlashCommand("approve")),  # fullwidth slash from a phone keyboard
        ("/help", SlashCommand("help")),
        ("/retry\r\n", SlashCommand("retry")),
    ],
)
def test_commands_are_read_from_the_first_command_line(body: str, expected: SlashCommand) -> None:
    assert parse_command(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "",
        None,
        "I would /approve this if it had probes",
        "> /approve\n\nquoting the bot",
        "```\n/approve\n```",
        "~~~sh\n/reject\n~~~\nsee above",
        "/approveit",
        "/deploy now",
        "/ approve",
    ],
)
def test_commands_in_prose_quotes_and_code_blocks_do_not_count(body: str | None) -> None:
    assert parse_command(body) is None


def test_a_command_after_a_closed_code_block_counts() -> None:
    assert parse_command("```\n/reject\n```\n/approve") == SlashCommand("approve")


# --------------------------------------------------------------------------- signatures


def test_signature_round_trip_and_forgeries() -> None:
    body = b'{"zen": "Keep it logically awesome."}'
    header = sign(b"s3cret", body)
    assert header.startswith("sha256=") and verify(b"s3cret", body, header)
    assert not verify(b"other", body, header)
    assert not verify(b"s3cret", body + b" ", header)
    assert not verify(b"s3cret", body, None)
    assert not verify(b"s3cret", body, header.replace("sha256=", "sha1="))
    assert not verify(b"", body, sign(b"", body))  # a server without a secret accepts nothing


# --------------------------------------------------------------------------- events


def test_labelled_issue_is_a_chart_request() -> None:
    data = payload("issues.labeled", label__name="helm-chart")
    event = to_event("issues", data)
    assert event.kind == "chart_request"
    assert event.repo == data["repository"]["full_name"]
    assert event.number == data["issue"]["number"]
    assert event.label == "helm-chart" and event.installation_id == data["installation"]["id"]
    assert event.clone_url == data["repository"]["clone_url"]
    assert Event.from_json(json.loads(json.dumps(event.as_json()))) == event


def test_issue_opened_without_labels_is_ignored() -> None:
    event = to_event("issues", payload("issues.opened", issue__labels=[]))
    assert event.kind == "ignore" and "without labels" in event.reason


def test_comment_with_chart_command_is_a_request_and_approve_is_a_command() -> None:
    chart = to_event(
        "issue_comment",
        payload("issue_comment.created", comment__body="/chart A Go API on port 8080"),
    )
    assert (chart.kind, chart.verb, chart.text) == (
        "chart_request",
        "chart",
        "A Go API on port 8080",
    )
    assert chart.comment_id > 0
    approve = to_event("issue_comment", payload("issue_comment.created", comment__body="/approve"))
    assert (approve.kind, approve.verb) == ("command", "approve")


def test_comments_without_commands_and_bot_comments_are_ignored() -> None:
    plain = to_event("issue_comment", payload("issue_comment.created", comment__body="nice"))
    assert plain.kind == "ignore"
    bot = payload("issue_comment.created", comment__body="/approve")
    bot["sender"]["type"] = "Bot"
    assert to_event("issue_comment", bot).reason == "comment written by a bot"


def test_approving_review_counts_as_approve() -> None:
    data = payload("pull_request_review.submitted")
    data["review"].update(state="approved", body=None)
    event = to_event("pull_request_review", data)
    assert (event.kind, event.verb, event.number) == (
        "command",
        "approve",
        data["pull_request"]["number"],
    )
    data["review"].update(state="commented", body="/edit use 3 replicas")
    assert to_event("pull_request_review", data).text == "use 3 replicas"
    data["review"].update(state="commented", body="LGTM")
    assert to_event("pull_request_review", data).kind == "ignore"


def test_closed_pull_request() -> None:
    data = payload("pull_request.closed")
    event = to_event("pull_request", data)
    assert event.kind == "pull_request_closed" and event.merged is data["pull_request"]["merged"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("issues", []),
        ("issues", "text"),
        ("issues", {"action": "opened"}),
        ("issues", {"action": "opened", "repository": {"full_name": 7}}),
        ("issues", {"action": 3, "repository": {"full_name": "a/b"}}),
        (
            "issue_comment",
            {"action": "created", "repository": {"full_name": "a/b"}, "issue": {"number": "1"}},
        ),
        ("installation", None),
        ("star", {"action": "created"}),
    ],
)
def test_malformed_or_unknown_payloads_are_ignored_with_a_reason(name: str, data: Any) -> None:
    event = to_event(name, data)
    assert event.kind == "ignore" and event.reason


def test_a_delivery_without_an_installation_is_ignored() -> None:
    data = payload("issues.labeled")
    del data["installation"]
    assert "installation" in to_event("issues", data).reason


def test_real_installation_payload_is_ignored() -> None:
    assert to_event("installation", payload("installation.created")).kind == "ignore"


def test_odd_unicode_survives() -> None:
    data = payload(
        "issue_comment.created", comment__body="/chart Ünïcode API 🚀 on port 8080\u202e"
    )
    event = to_event("issue_comment", copy.deepcopy(data))
    assert "🚀" in event.text


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    # JSON may escape half of a surrogate pair; no API call or commit could carry it.
    data = payload("issue_comment.created", comment__body="/chart api \ud800 on port 8080")
    data["sender"]["login"] = "odd\udfff"
    event = to_event("issue_comment", data)
    assert event.text == "api \ufffd on port 8080"
    assert event.actor == "odd\ufffd"
    event.text.encode("utf-8")
