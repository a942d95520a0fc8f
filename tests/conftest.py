"""Shared fixtures: an isolated helm-bot home per test, and a real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.postgres import postgres_server, server_binaries


@pytest.fixture(autouse=True)
def helm_bot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test's checkpoints in its own directory, never in the user's home."""
    home = tmp_path / "helm-bot-home"
    monkeypatch.setenv("HELM_BOT_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # A developer's model endpoint must never be called by the tests.
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "HELM_BOT_MODEL", "HELM_BOT_LLM")):
            monkeypatch.delenv(name)
    return home


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server on 127.0.0.1 for the whole session (skipped only outside CI)."""
    if server_binaries() is None:
        if os.environ.get("CI"):
            pytest.fail(
                "PostgreSQL server binaries are required in CI (apt-get install postgresql)"
            )
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    with postgres_server() as url:
        yield url


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the session's server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{postgres_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
