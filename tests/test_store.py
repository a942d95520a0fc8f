from __future__ import annotations

from pathlib import Path

import pytest
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt
from typing_extensions import TypedDict

from bot.config import Settings
from bot.store import UnsupportedDatabase, open_checkpointer, sqlite_path


class _State(TypedDict, total=False):
    asked: str
    answer: str


def _ask(state: _State) -> dict[str, str]:
    return {"answer": interrupt({"question": state["asked"]})}


def _graph():  # type: ignore[no-untyped-def]
    g = StateGraph(_State)
    g.add_node("ask", _ask)
    g.add_edge(START, "ask")
    g.add_edge("ask", END)
    return g


def _pause_then_resume(url: str) -> None:
    cfg = {"configurable": {"thread_id": "t-1"}}
    with open_checkpointer(url) as saver:
        graph = _graph().compile(checkpointer=saver)
        graph.invoke({"asked": "ok?"}, cfg)
        assert graph.get_state(cfg).interrupts[0].value == {"question": "ok?"}
    # A new connection (as another process would open) sees the paused thread and resumes it.
    with open_checkpointer(url) as saver:
        graph = _graph().compile(checkpointer=saver)
        assert graph.invoke(Command(resume="yes"), cfg)["answer"] == "yes"
        assert not graph.get_state(cfg).interrupts


def test_sqlite_checkpoints_survive_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'state.sqlite'}"
    _pause_then_resume(url)
    assert sqlite_path(url).exists()


def test_postgres_checkpoints_survive_reopening(postgres_url: str) -> None:
    _pause_then_resume(postgres_url)


def test_unknown_database_scheme_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedDatabase, match="mysql"):
        with open_checkpointer("mysql://localhost/db"):
            pass


def test_default_checkpoint_url_is_a_sqlite_file_under_helm_bot_home(helm_bot_home: Path) -> None:
    assert Settings.from_env().checkpoint_url == f"sqlite:///{helm_bot_home / 'helm-bot.sqlite'}"


def test_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/db")
    monkeypatch.setenv("HELM_BOT_KUBE_VERSIONS", "1.30, 1.33")
    settings = Settings.from_env()
    assert settings.checkpoint_url == "postgresql://x@127.0.0.1/db"
    assert settings.kube_versions == ("1.30", "1.33")
