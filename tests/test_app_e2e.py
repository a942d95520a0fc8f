"""The GitHub App end to end: issue -> chart PR, decisions on the PR, restarts, redeliveries.

Real uvicorn, real git, real database; only GitHub's API is the loopback fake, and every request
the bot sent it is checked against GitHub's published description (``fake.violations``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.edges.cli import main
from bot.events.signature import sign
from bot.jobs.runner import config_for
from bot.policy.base import ToolBox
from bot.policy.deterministic import DeterministicPolicy
from bot.tools.models import Finding, FixPlan, SecurityReport
from tests.app_harness import (
    APP_ID,
    INSTALLATION,
    REPO,
    SECRET,
    App,
    github_app,
    show,
    wait_for,
)

REQUEST = (
    "Node.js express API payments-api, image ghcr.io/acme/payments:1.4.2, port 3000, 2-4 replicas"
)
BRANCH = "helm-bot/payments-api-1"


@pytest.fixture(autouse=True)
def no_trivy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Trivy has its own tests; here it would only add seconds to every chart."""
    monkeypatch.setenv("TRIVY", str(tmp_path / "no-trivy-here"))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with github_app(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite'}") as running:
        yield running
        assert running.fake.violations == []


def pr_of(app: App, branch: str = BRANCH) -> dict[str, Any] | None:
    for number, pull in app.repo.pulls.items():
        if pull["head"] == branch:
            return {"number": number, **pull, **app.repo.issues[number]}
    return None


def check_of(app: App) -> dict[str, Any] | None:
    runs = list(app.repo.check_runs.values())
    return runs[-1] if runs else None


def test_labelled_issue_becomes_a_pull_request_with_the_chart_and_a_green_check(app: App) -> None:
    issue = app.open_issue("Chart for payments", REQUEST)
    wait_for(lambda: "chart ready" in app.status_of(issue), "the status comment to say ready")

    pull = pr_of(app)
    assert pull is not None and pull["draft"] is False and pull["state"] == "open"
    assert f"Closes #{issue}." in pull["body"] and "passed every gate" in pull["body"]
    chart = show(app.bare, BRANCH, "charts/payments-api/Chart.yaml")
    assert chart is not None and "name: payments-api" in chart
    assert show(app.bare, BRANCH, "charts/payments-api/values.schema.json")
    # The whole report sits beside the chart, as the command line writes it.
    report = show(app.bare, BRANCH, "charts/payments-api.report.md")
    assert report is not None and report.split("\n")[0] in pull["body"]
    check = check_of(app)
    assert check is not None and check["conclusion"] == "success"
    assert check["head_sha"] == app.repo.branch_sha(BRANCH)
    assert any(r["content"] == "eyes" for r in app.repo.reactions)
    assert len(app.bot_comments(issue)) == 1  # one status comment, edited in place


def test_a_redelivered_webhook_does_nothing_twice(app: App) -> None:
    issue = app.repo.add_issue("Chart", REQUEST, labels=("helm-chart",), user="requester")
    payload = app.payload(
        "issues.labeled", issue__number=issue, issue__title="Chart", issue__body=REQUEST,
        issue__labels=[{"name": "helm-chart"}], label__name="helm-chart",
    )  # fmt: skip
    payload["sender"]["type"] = "User"
    first = app.deliver("issues", payload, delivery="d-1")
    again = app.deliver("issues", payload, delivery="d-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["outcome"] == "duplicate"
    wait_for(lambda: "chart ready" in app.status_of(issue), "the chart")
    # The issues.opened delivery that GitHub also sends for a labelled issue changes nothing.
    opened = app.payload(
        "issues.opened", issue__number=issue, issue__title="Chart", issue__body=REQUEST,
        issue__labels=[{"name": "helm-chart"}],
    )  # fmt: skip
    opened["sender"]["type"] = "User"
    assert app.deliver("issues", opened, delivery="d-2").status_code == 202
    wait_for(app.idle, "the queue to drain")
    assert len(app.repo.pulls) == 1 and len(app.bot_comments(issue)) == 1
    assert len(app.repo.check_runs) == 1
    assert len(app.server.service.queue.jobs()) == 2
    # Both jobs used one cached installation token (it lives an hour).
    issued = [t for t in app.fake.tokens.values() if t.installation_id == INSTALLATION]
    assert len(issued) == 1


def test_a_request_needing_review_waits_and_only_a_writer_may_approve(app: App) -> None:
    issue = app.open_issue("Chart", REQUEST + ". database password for now: DB_PASSWORD=Xk9-plmq2")
    wait_for(lambda: "waiting for a decision" in app.status_of(issue), "the question")
    assert "/approve" in app.status_of(issue) and not app.repo.pulls

    assert app.comment(issue, "/approve", user="visitor").status_code == 202
    wait_for(
        lambda: app.said(issue, "only collaborators"),
        "the polite refusal",
    )
    assert "waiting for a decision" in app.status_of(issue) and not app.repo.pulls

    app.comment(issue, "/approve please", user="maintainer")
    wait_for(lambda: "chart ready" in app.status_of(issue), "the chart after approval")
    assert pr_of(app) is not None


class UnfixableOnce(DeterministicPolicy):
    """The security gate finds, once, something only a human can accept."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def secure(self, box: ToolBox, *args: Any, **kwargs: Any) -> tuple[SecurityReport, FixPlan]:
        report, plan = super().secure(box, *args, **kwargs)
        if self.found:
            return report, plan
        self.found = True
        finding = Finding(
            source="policy", rule="T-ACCEPT", severity="CRITICAL",
            message="the pod talks to a legacy service without TLS",
            file="templates/deployment.yaml", line=5,
        )  # fmt: skip
        report.findings.append(finding)
        report.passed = False
        return report, FixPlan(unfixable=[finding])


@pytest.fixture
def waiting(tmp_path: Path) -> Iterator[tuple[App, int, dict[str, Any]]]:
    """A thread paused on a security decision, its draft PR open with a review on the line."""
    with github_app(
        tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite'}", policy=UnfixableOnce()
    ) as app:
        issue = app.open_issue("Chart", REQUEST)
        wait_for(lambda: "waiting for a decision" in app.status_of(issue), "the question")
        pull = pr_of(app)
        assert pull is not None
        yield app, issue, pull
        assert app.fake.violations == []


def test_an_interrupt_becomes_a_draft_pr_with_a_review_on_the_line(
    waiting: tuple[App, int, dict[str, Any]],
) -> None:
    app, _, pull = waiting
    assert pull["draft"] is True
    # What is known so far is committed beside the draft chart, and the PR links to it.
    progress = show(app.bare, BRANCH, "charts/payments-api.report.md") or ""
    assert progress.startswith("# payments-api (in progress)")
    reviews = app.repo.reviews[pull["number"]]
    assert len(reviews) == 1 and "/approve" in reviews[0]["body"]
    (comment,) = reviews[0]["comments"]
    assert comment["path"] == "charts/payments-api/templates/deployment.yaml"
    assert comment["line"] == 5 and "T-ACCEPT" in comment["body"]
    check = check_of(app)
    assert check is not None and check["conclusion"] == "action_required"
    annotations = check["annotations"]
    assert any(
        a["path"].endswith("templates/deployment.yaml") and a["start_line"] == 5
        for a in annotations
    )


def test_approve_on_the_pr_resumes_and_finalizes(waiting: tuple[App, int, dict[str, Any]]) -> None:
    app, issue, pull = waiting
    app.comment(pull["number"], "/approve", user="maintainer")
    wait_for(lambda: "chart ready" in app.status_of(issue), "the finished chart")
    done = pr_of(app)
    assert done is not None and done["draft"] is False
    check = check_of(app)
    assert check is not None and check["conclusion"] == "success"
    assert len(app.repo.reviews[pull["number"]]) == 1


def test_reject_closes_the_pr_and_deletes_the_branch(
    waiting: tuple[App, int, dict[str, Any]],
) -> None:
    app, issue, pull = waiting
    app.comment(pull["number"], "/reject", user="maintainer")
    wait_for(lambda: "stopped" in app.status_of(issue), "the rejection")
    closed = pr_of(app)
    assert closed is not None and closed["state"] == "closed"
    assert app.repo.branch_sha(BRANCH) is None
    assert app.said(pull["number"], "rejected")


def test_commands_on_a_thread_that_is_not_waiting_get_a_clear_reply(app: App) -> None:
    issue = app.open_issue("Chart", REQUEST)
    wait_for(lambda: "chart ready" in app.status_of(issue), "the chart")
    pull = pr_of(app)
    assert pull is not None
    app.comment(pull["number"], "/approve", user="maintainer")
    wait_for(
        lambda: app.said(pull["number"], "not waiting"),
        "the reply",
    )
    app.comment(pull["number"], "/help", user="visitor")
    wait_for(
        lambda: app.said(pull["number"], "helm-bot commands"),
        "the help",
    )


def test_edit_on_the_pr_changes_the_request_and_goes_on(
    waiting: tuple[App, int, dict[str, Any]],
) -> None:
    app, issue, pull = waiting
    app.comment(pull["number"], "/edit use 3 replicas", user="maintainer")
    wait_for(lambda: "chart ready" in app.status_of(issue), "the edited chart")
    values = show(app.bare, BRANCH, "charts/payments-api/values-prod.yaml") or ""
    base = show(app.bare, BRANCH, "charts/payments-api/values.yaml") or ""
    assert "replicaCount: 3" in base + values


def test_an_edit_that_renames_the_chart_keeps_its_branch_and_pull_request(
    waiting: tuple[App, int, dict[str, Any]],
) -> None:
    app, issue, pull = waiting
    app.comment(pull["number"], "/edit rename the chart to billing-api", user="maintainer")
    wait_for(lambda: "chart ready" in app.status_of(issue), "the renamed chart")
    assert list(app.repo.pulls) == [pull["number"]]
    chart = show(app.bare, BRANCH, "charts/billing-api/Chart.yaml") or ""
    assert "name: billing-api" in chart
    assert show(app.bare, BRANCH, "charts/billing-api.report.md")
    # The old name's directory is gone from the branch.
    assert show(app.bare, BRANCH, "charts/payments-api/Chart.yaml") is None
    assert pr_of(app) is not None and "billing-api" in (pr_of(app) or {})["title"]


def test_a_pr_closed_by_a_person_cancels_the_waiting_thread(
    waiting: tuple[App, int, dict[str, Any]],
) -> None:
    app, issue, pull = waiting
    payload = app.payload("pull_request.closed", pull_request__number=pull["number"])
    payload["pull_request"]["merged"] = False
    payload["sender"]["type"] = "User"
    assert app.deliver("pull_request", payload).status_code == 202
    wait_for(lambda: "has ended" in app.status_of(issue), "the cancellation")
    app.comment(pull["number"], "/approve", user="maintainer")
    wait_for(
        lambda: app.said(pull["number"], "not waiting"),
        "the reply to a command on an ended thread",
    )


def test_the_server_restarted_while_a_thread_waits_resumes_it(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    with github_app(tmp_path, database, policy=UnfixableOnce()) as first:
        issue = first.open_issue("Chart", REQUEST)
        wait_for(lambda: "waiting for a decision" in first.status_of(issue), "the question")
        fake, bare = first.fake, first.bare
        pull = pr_of(first)
        assert pull is not None
        # A second server on the same database and GitHub: a new process after a restart.
        with github_app(tmp_path, database, fake=fake, bare=bare) as second:
            second.comment(pull["number"], "/approve", user="maintainer")
            wait_for(lambda: "chart ready" in second.status_of(issue), "the resumed chart")
        assert fake.violations == []


def test_the_same_flow_on_postgresql(tmp_path: Path, fresh_postgres: str) -> None:
    with github_app(tmp_path, fresh_postgres, policy=UnfixableOnce()) as app:
        issue = app.open_issue("Chart", REQUEST)
        wait_for(lambda: "waiting for a decision" in app.status_of(issue), "the question")
        pull = pr_of(app)
        assert pull is not None and pull["draft"] is True
        app.comment(pull["number"], "/approve", user="maintainer")
        wait_for(lambda: "chart ready" in app.status_of(issue), "the chart")
        assert app.fake.violations == []


def test_github_errors_are_retried_without_duplicates(app: App) -> None:
    app.fake.fail_next("POST", r"/pulls$", 502, times=8)
    issue = app.open_issue("Chart", REQUEST)
    wait_for(lambda: "chart ready" in app.status_of(issue), "the chart after GitHub recovered")
    assert len(app.repo.pulls) == 1 and len(app.bot_comments(issue)) == 1
    assert len(app.repo.check_runs) == 1


def test_a_broken_config_file_is_explained_and_the_defaults_apply(tmp_path: Path) -> None:
    with github_app(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite'}") as app:
        app.repo.files[".github/helm-bot.yml"] = "chart_dir: ../../etc\n"
        issue = app.open_issue("Chart", REQUEST)
        wait_for(lambda: "chart ready" in app.status_of(issue), "the chart")
        assert app.said(issue, "chart_dir")
        assert show(app.bare, BRANCH, "charts/payments-api/Chart.yaml")


def test_repository_settings_move_the_chart_and_the_trigger(tmp_path: Path) -> None:
    with github_app(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite'}") as app:
        app.repo.files[".github/helm-bot.yml"] = (
            "chart_dir: deploy/helm\nbranch_prefix: charts/\nenvironments: [prod]\n"
        )
        issue = app.open_issue("Chart", REQUEST)
        wait_for(lambda: "chart ready" in app.status_of(issue), "the chart")
        branch = "charts/payments-api-1"
        assert show(app.bare, branch, "deploy/helm/payments-api/values-prod.yaml")
        assert show(app.bare, branch, "deploy/helm/payments-api/values-dev.yaml") is None


def _validated_against(app: App, issue: int) -> list[str]:
    graph = app.server.service.context.graph_for(None)
    state = graph.get_state(config_for(f"{REPO}#{issue}")).values
    return list(state["settings"]["kube_versions"])


def test_kubernetes_versions_come_from_the_repository_else_the_server(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    with github_app(tmp_path, database, kube_versions=("1.30", "1.33")) as app:
        first = app.open_issue("Chart", REQUEST)
        wait_for(lambda: "chart ready" in app.status_of(first), "the chart")
        assert _validated_against(app, first) == ["1.30", "1.33"]

        app.repo.files[".github/helm-bot.yml"] = 'kube_versions: ["1.31"]\n'
        second = app.open_issue("Another chart", REQUEST.replace("payments-api", "ledger-api"))
        wait_for(lambda: "chart ready" in app.status_of(second), "the second chart")
        assert _validated_against(app, second) == ["1.31"]


# --------------------------------------------------------------------------- bad input


def test_bad_deliveries_get_clear_answers_and_enqueue_nothing(app: App) -> None:
    payload = app.payload("issues.labeled")
    body = b'{"action": "labeled"'
    forged = app.http.post(
        "/webhook",
        content=b"{}",
        headers={
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": "x",
            "X-Hub-Signature-256": "sha256=00",
        },
    )
    assert forged.status_code == 401
    assert app.deliver("issues", None, raw=body).status_code == 400
    assert app.deliver("issues", None, raw=b"\xff\xfe").status_code == 400
    huge = b'{"a": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    assert app.deliver("issues", None, raw=huge).status_code == 413
    assert app.deliver("star", {"action": "created"}).json()["outcome"] == "ignored"
    assert app.deliver("ping", app.payload("ping")).json()["outcome"] == "pong"
    no_id = app.http.post(
        "/webhook",
        content=b"{}",
        headers={"X-GitHub-Event": "issues", "X-Hub-Signature-256": sign(SECRET, b"{}")},
    )
    assert no_id.status_code == 400
    assert (
        app.deliver("issues", {**payload, "issue": "not an object"}).json()["outcome"] == "ignored"
    )
    assert app.server.service.queue.jobs() == []


def test_a_payload_only_pythons_json_parses_is_still_queued(app: App) -> None:
    # orjson refuses a lone surrogate escape and integers over 64 bits; GitHub may send either.
    payload = app.payload("issues.labeled", issue__title="Chart \ud800", sender__id=2**70)
    raw = json.dumps(payload).encode()
    assert b"\\ud800" in raw
    answer = app.deliver("issues", None, raw=raw)
    assert answer.status_code == 202, answer.text
    (job,) = app.server.service.queue.jobs()
    assert job.payload["event"]["title"] == "Chart \ufffd"


def test_health_readiness_and_metrics(app: App) -> None:
    assert app.http.get("/healthz").text == "ok"
    assert app.http.get("/readyz").status_code == 200
    app.deliver("star", {"action": "created"})
    unsigned = {"X-GitHub-Event": "made-up-event", "X-GitHub-Delivery": "x"}
    app.http.post("/webhook", content=b"{}", headers=unsigned)
    metrics = app.http.get("/metrics").text
    assert 'helm_bot_webhook_deliveries_total{event="star",outcome="ignored"} 1.0' in metrics
    # An unsigned request's event name never becomes a label value.
    assert 'event="unverified",outcome="bad_signature"} 1.0' in metrics
    assert "made-up-event" not in metrics
    assert "helm_bot_jobs" in metrics


def test_an_approving_review_by_a_writer_counts_as_approve(
    waiting: tuple[App, int, dict[str, Any]],
) -> None:
    app, issue, pull = waiting
    review = app.payload("pull_request_review.submitted", pull_request__number=pull["number"])
    review["review"].update(state="approved", body=None)
    review["review"]["user"].update(login="visitor", type="User")
    review["sender"].update(login="visitor", type="User")
    assert app.deliver("pull_request_review", review).status_code == 202
    wait_for(
        lambda: app.said(pull["number"], "only collaborators"),
        "the refusal of a reader's approval",
    )
    review["review"]["user"]["login"] = review["sender"]["login"] = "maintainer"
    assert app.deliver("pull_request_review", review).status_code == 202
    wait_for(lambda: "chart ready" in app.status_of(issue), "the approved chart")


def test_rate_limits_are_waited_out(app: App) -> None:
    app.fake.fail_next("POST", r"/issues/\d+/comments$", 403, {"retry-after": "1"})
    app.fake.fail_next("POST", r"/check-runs$", 429, {"retry-after": "1"})
    issue = app.open_issue("Chart", REQUEST)
    wait_for(lambda: "chart ready" in app.status_of(issue), "the chart after the limits")
    assert len(app.bot_comments(issue)) == 1 and len(app.repo.check_runs) == 1
    limited = [c for c in app.fake.requests if c.status in (403, 429)]
    assert len(limited) == 2


def test_serve_without_the_app_settings_says_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "s")
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "GITHUB_APP_ID" in err and "GITHUB_APP_PRIVATE_KEY" in err
    assert "GITHUB_WEBHOOK_SECRET" not in err


def _app_env(app: App, database: str, home: Path) -> dict[str, str]:
    """The environment a helm-bot process needs to act as the test's App."""
    return {
        **os.environ,
        "DATABASE_URL": database,
        "HELM_BOT_HOME": str(home),
        "GITHUB_APP_ID": str(APP_ID),
        "GITHUB_APP_PRIVATE_KEY": app.private_key,
        "GITHUB_WEBHOOK_SECRET": SECRET.decode(),
        "GITHUB_API_URL": app.fake.url,
        "HELM_BOT_GITHUB_WRITE_INTERVAL": "0",
        "HELM_BOT_GITHUB_REQUEST_INTERVAL": "0",
    }


def test_a_separate_worker_process_takes_the_jobs(tmp_path: Path) -> None:
    """``helm-bot worker`` on the same database does the work of a server with no workers."""
    database = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    with github_app(tmp_path, database, workers=0) as app:
        issue = app.open_issue("Chart", REQUEST)
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", "--workers", "1"],
            env=_app_env(app, database, tmp_path / "worker-home"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for(lambda: "chart ready" in app.status_of(issue), "the worker's chart")
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output
        assert pr_of(app) is not None and app.fake.violations == []


def _address(logs: list[str]) -> str | None:
    match = re.search(r"serving on (http://[\d.]+:\d+)", "".join(logs))
    return match.group(1) if match else None


def _children(pid: int) -> list[int]:
    """Process ``pid``'s children; each of its threads lists those it started."""
    tasks = Path(f"/proc/{pid}/task").glob("*/children")
    return sorted(int(child) for task in tasks for child in task.read_text().split())


def test_serve_runs_its_workers_in_a_child_process_it_restarts(tmp_path: Path) -> None:
    """``helm-bot serve`` as users run it: the webhook here, the jobs in a nicer child process."""
    database = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    with github_app(tmp_path, database, workers=0) as app:  # only its fake GitHub is used
        serve = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", "0", "--workers", "1"],
            env=_app_env(app, database, tmp_path / "serve-home"),
            stderr=subprocess.PIPE,
            text=True,
        )
        logs: list[str] = []

        def read_logs() -> None:
            assert serve.stderr is not None
            logs.extend(iter(serve.stderr.readline, ""))

        reader = threading.Thread(target=read_logs, daemon=True)
        reader.start()
        try:
            url = wait_for(lambda: _address(logs), "the server's address")
            (worker,) = wait_for(lambda: _children(serve.pid), "the worker process")
            # Its niceness is set once it has loaded the bot.
            wait_for(lambda: os.getpriority(os.PRIO_PROCESS, worker) == 10, "a nice worker")
            with httpx.Client(base_url=url, timeout=30) as http:
                served = dataclasses.replace(app, http=http)
                issue = served.open_issue("Chart", REQUEST)
                wait_for(lambda: "chart ready" in app.status_of(issue), "the child's chart")
                metrics = http.get("/metrics").text
                assert 'helm_bot_job_seconds_count{kind="chart_request",outcome="done"} 1.0' in (
                    metrics
                ), metrics

                os.kill(worker, signal.SIGKILL)  # the supervisor starts another
                wait_for(lambda: _children(serve.pid) not in ([], [worker]), "a new worker")
                served.comment(issue, "/help", user="visitor")
                wait_for(lambda: app.said(issue, "/approve"), "the new worker's reply")
        finally:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=120)
            reader.join(timeout=10)
            assert serve.stderr is not None
            serve.stderr.close()
        assert serve.returncode == 0, "".join(logs)
        assert "exited with code -9" in "".join(logs)
        assert app.fake.violations == []
