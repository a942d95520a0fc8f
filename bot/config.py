"""Settings read from the environment, each with a default that works on a laptop.

``DATABASE_URL`` picks the database for checkpoints (a SQLite file by default, PostgreSQL
when it starts with ``postgres``); ``HELM_BOT_HOME`` moves the default SQLite file;
``HELM_BOT_KUBE_VERSIONS`` lists the Kubernetes versions charts are validated against.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_KUBE_VERSIONS = ("1.29", "1.34")


def _state_home() -> Path:
    """Return the directory for helm-bot's own state, following the XDG convention."""
    if home := os.environ.get("HELM_BOT_HOME"):
        return Path(home)
    xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "helm-bot"


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    kube_versions: tuple[str, ...] = DEFAULT_KUBE_VERSIONS
    state_home: Path = field(default_factory=_state_home)

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables."""
        versions = os.environ.get("HELM_BOT_KUBE_VERSIONS", "")
        return cls(
            database_url=os.environ.get("DATABASE_URL", ""),
            kube_versions=tuple(v.strip() for v in versions.split(",") if v.strip())
            or DEFAULT_KUBE_VERSIONS,
        )

    @property
    def checkpoint_url(self) -> str:
        """Return where checkpoints live: DATABASE_URL, or the default SQLite file."""
        return self.database_url or f"sqlite:///{self.state_home / 'helm-bot.sqlite'}"
