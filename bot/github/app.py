"""The GitHub App's identity: settings, and one API client per installation.

PyGithub does the hard parts: the App JWT, the installation token (refreshed 20 s before its hour
is up), and ``GithubRetry``, which honours ``Retry-After`` and ``x-ratelimit-reset`` on 403/429
and backs off on 5xx. This module keeps one client per installation so the token is cached across
jobs, caps how long a job may sleep for a rate limit (longer waits go back to the queue), and
spaces content-creating requests as GitHub asks of integrations.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from github import Auth, Github, GithubIntegration, GithubRetry

DEFAULT_API_URL = "https://api.github.com"
# Rate-limit waits longer than this are not slept through by a worker: the job is re-queued.
MAX_INLINE_WAIT_SECONDS = 60.0


class NotConfigured(ValueError):
    """The server lacks a setting it cannot run without."""


@dataclass(frozen=True)
class AppSettings:
    """Who the bot is on GitHub and how it talks to the API."""

    app_id: str
    private_key: str
    webhook_secret: bytes
    api_url: str = DEFAULT_API_URL
    seconds_between_writes: float = 1.0  # GitHub asks integrations to space content creation
    seconds_between_requests: float = 0.25  # PyGithub's default pacing of every request
    retries: int = 5
    backoff_factor: float = 0.5
    max_inline_wait: float = MAX_INLINE_WAIT_SECONDS
    timeout: int = 15

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AppSettings:
        """Read ``GITHUB_APP_ID``, the private key, the webhook secret and ``GITHUB_API_URL``."""
        env = os.environ if env is None else env
        key = env.get("GITHUB_APP_PRIVATE_KEY", "")
        if not key and env.get("GITHUB_APP_PRIVATE_KEY_PATH"):
            path = Path(env["GITHUB_APP_PRIVATE_KEY_PATH"])
            try:
                key = path.read_text()
            except OSError as exc:
                raise NotConfigured(f"cannot read GITHUB_APP_PRIVATE_KEY_PATH: {exc}") from None
        missing = [
            name
            for name, value in (
                ("GITHUB_APP_ID", env.get("GITHUB_APP_ID", "")),
                ("GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_PATH", key),
                ("GITHUB_WEBHOOK_SECRET", env.get("GITHUB_WEBHOOK_SECRET", "")),
            )
            if not value.strip()
        ]
        if missing:
            raise NotConfigured("the GitHub App needs " + ", ".join(missing))
        writes = env.get("HELM_BOT_GITHUB_WRITE_INTERVAL", "").strip()
        requests = env.get("HELM_BOT_GITHUB_REQUEST_INTERVAL", "").strip()
        return cls(
            app_id=env["GITHUB_APP_ID"].strip(),
            private_key=key,
            webhook_secret=env["GITHUB_WEBHOOK_SECRET"].encode(),
            api_url=(env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            seconds_between_writes=float(writes) if writes else 1.0,
            seconds_between_requests=float(requests) if requests else 0.25,
        )


class GitHubApp:
    """API clients for the App's installations, each with its cached installation token."""

    def __init__(self, settings: AppSettings) -> None:
        self.settings = settings
        self._integration = GithubIntegration(
            auth=Auth.AppAuth(settings.app_id, settings.private_key), **self._options()
        )
        self._clients: dict[int, Github] = {}
        self._lock = threading.Lock()

    def _options(self) -> dict[str, object]:
        s = self.settings
        retry = GithubRetry(
            total=s.retries,
            backoff_factor=s.backoff_factor,
            max_rate_limit_wait=s.max_inline_wait,
            status_forcelist=[429, *range(500, 600)],
        )
        return {
            "base_url": s.api_url,
            "retry": retry,
            "timeout": s.timeout,
            "seconds_between_writes": s.seconds_between_writes,
            "seconds_between_requests": s.seconds_between_requests,
            "user_agent": "helm-bot",
        }

    def client(self, installation_id: int) -> Github:
        """Return the installation's client; its token refreshes itself before it expires."""
        with self._lock:
            found = self._clients.get(installation_id)
            if found is None:
                auth = self._integration.auth.get_installation_auth(installation_id)
                # Lazy: objects are fetched only when a field is read, not when they are named.
                found = Github(auth=auth, lazy=True, **self._options())  # type: ignore[arg-type]
                self._clients[installation_id] = found
            return found

    def token(self, installation_id: int) -> str:
        """Return a valid installation token, for git over HTTPS (never the private key)."""
        auth = self.client(installation_id).requester.auth
        assert isinstance(auth, Auth.AppInstallationAuth)
        return auth.token
