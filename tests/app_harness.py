"""The GitHub App under test: the real server and workers, the fake GitHub, a bare git remote.

Only GitHub's API is faked (``tests/fake_github.py``); the webhook server is real uvicorn on
127.0.0.1, git pushes to a real local bare repository, and the checkpoints and job queue live in
a real SQLite file or PostgreSQL database. Deliveries are GitHub's own example payloads, pointed
at the fake repository and signed with the test secret.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.config import Settings
from bot.edges.serve import Running, running
from bot.events.signature import sign
from bot.github.app import AppSettings
from bot.policy.base import Policy
from tests.fake_github import FakeGitHub, Repo, app_keypair, fake_github

HOOKS = Path(__file__).parent / "fixtures" / "github" / "webhooks"
APP_ID = 31337
INSTALLATION = 4242
SECRET = b"webhook-secret-for-tests"
REPO = "octo-org/shop"
_deliveries = itertools.count(1)


def with_changes(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Set nested fields of a payload: ``issue__number=3`` sets ``data["issue"]["number"]``."""
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return data


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def bare_repository(root: Path, files: dict[str, str] | None = None) -> Path:
    """A bare repository whose ``main`` holds a README (and ``files``)."""
    bare, seed = root / "remote.git", root / "seed"
    git("init", "--bare", "--initial-branch=main", str(bare))
    git("init", "--initial-branch=main", str(seed))
    for path, text in {"README.md": "# shop\n", **(files or {})}.items():
        (seed / path).parent.mkdir(parents=True, exist_ok=True)
        (seed / path).write_text(text)
    git("add", "-A", cwd=seed)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init", cwd=seed)
    git("push", "-q", str(bare), "main", cwd=seed)
    return bare


def show(bare: Path, ref: str, path: str) -> str | None:
    """A file's content on a branch of the bare repository, or None."""
    done = subprocess.run(
        ["git", "--git-dir", str(bare), "show", f"{ref}:{path}"], capture_output=True, text=True
    )
    return done.stdout if done.returncode == 0 else None


@dataclass
class App:
    """A running helm-bot App and the world around it."""

    fake: FakeGitHub
    repo: Repo
    bare: Path
    server: Running
    http: httpx.Client
    private_key: str  # the App's key, for a worker process started by a test

    def payload(self, name: str, **fields: Any) -> dict[str, Any]:
        """A real example payload, rewritten to come from the fake repository."""
        data = copy.deepcopy(json.loads((HOOKS / f"{name}.json").read_text()))
        data["installation"] = {"id": INSTALLATION, "node_id": "MDIzOkluc3RhbGxhdGlvbjQyNDI="}
        data["repository"].update(
            full_name=REPO,
            name="shop",
            clone_url=str(self.bare),
            default_branch="main",
        )
        data["repository"]["owner"]["login"] = "octo-org"
        return with_changes(data, **fields)

    def deliver(
        self, event: str, payload: Any, delivery: str | None = None, raw: bytes | None = None
    ) -> httpx.Response:
        """POST a signed delivery to the server, as GitHub does."""
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "X-Hub-Signature-256": sign(SECRET, body),
            "Content-Type": "application/json",
        }
        return self.http.post("/webhook", content=body, headers=headers)

    def open_issue(self, title: str, body: str, user: str = "requester") -> int:
        """Open a labelled issue on the fake and deliver ``issues.labeled`` for it."""
        number = self.repo.add_issue(title, body, labels=("helm-chart",), user=user)
        payload = self.payload(
            "issues.labeled",
            issue__number=number,
            issue__title=title,
            issue__body=body,
            issue__labels=[{"name": "helm-chart"}],
            label__name="helm-chart",
            sender__login=user,
        )
        payload["sender"]["type"] = "User"
        assert self.deliver("issues", payload).status_code == 202
        return number

    def comment(self, number: int, body: str, user: str) -> httpx.Response:
        """Write a comment on the fake and deliver ``issue_comment.created`` for it."""
        comment_id = self.repo.add_comment(number, body, user=user)
        payload = self.payload(
            "issue_comment.created",
            issue__number=number,
            comment__id=comment_id,
            comment__body=body,
            comment__user__login=user,
            sender__login=user,
        )
        payload["comment"]["user"]["type"] = payload["sender"]["type"] = "User"
        if number in self.repo.pulls:
            payload["issue"]["pull_request"] = {"url": f"https://example.invalid/pulls/{number}"}
        else:
            payload["issue"].pop("pull_request", None)
        return self.deliver("issue_comment", payload)

    def bot_comments(self, number: int) -> list[dict[str, Any]]:
        return [
            c
            for c in self.repo.comments.values()
            if c["issue"] == number and "helm-bot:" in c["body"]
        ]

    def said(self, number: int, text: str) -> bool:
        """Tell whether one of the bot's comments on #number contains ``text``."""
        return any(text in c["body"] for c in self.bot_comments(number))

    def status_of(self, number: int) -> str:
        found = [c["body"] for c in self.bot_comments(number) if "helm-bot:status" in c["body"]]
        assert len(found) <= 1, "more than one status comment"
        return found[0] if found else ""

    def idle(self) -> bool:
        counts = self.server.service.queue.counts()
        return not counts.get("queued") and not counts.get("running")


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 180.0) -> Any:
    """Poll until ``condition`` is truthy; a generous bound, not a speed requirement."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def github_app(
    root: Path,
    database_url: str,
    *,
    policy: Policy | None = None,
    workers: int = 2,
    fake: FakeGitHub | None = None,
    bare: Path | None = None,
    permissions: dict[str, str] | None = None,
    kube_versions: tuple[str, ...] | None = None,
) -> Iterator[App]:
    """Start the fake GitHub (unless given), the bare remote and helm-bot's server."""
    private, public = app_keypair()
    with _fake(fake, public) as github:
        if fake is None:
            bare = bare_repository(root)
            repo = github.add_repo(REPO, bare=bare, installation_id=INSTALLATION)
            repo.permissions.update(permissions or {"maintainer": "write", "visitor": "read"})
        else:
            repo = github.repos[REPO.lower()]
        assert bare is not None
        github.public_key = public  # a restarted server may come with a new key
        settings = Settings(database_url=database_url, state_home=root / "home")
        if kube_versions is not None:
            settings = dataclasses.replace(settings, kube_versions=kube_versions)
        app_settings = AppSettings(
            app_id=str(APP_ID),
            private_key=private,
            webhook_secret=SECRET,
            api_url=github.url,
            seconds_between_writes=0,
            seconds_between_requests=0,
            backoff_factor=0.01,
        )
        with (
            running(settings, app_settings, workers=workers, policy=policy) as server,
            httpx.Client(base_url=server.url, timeout=30) as http,
        ):
            yield App(github, repo, bare, server, http, private)


@contextmanager
def _fake(given: FakeGitHub | None, public: str) -> Iterator[FakeGitHub]:
    if given is not None:
        yield given
        return
    with fake_github(APP_ID, public, installation_id=INSTALLATION) as fake:
        yield fake
