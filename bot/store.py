"""One database for the graph's checkpoints, chosen by URL: a SQLite file or PostgreSQL.

SQLite needs no server and is the default for local runs; PostgreSQL lets several processes and
machines share threads. Either way a thread paused in one process resumes in another.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver


class UnsupportedDatabase(ValueError):
    """The database URL names a database helm-bot cannot use."""


def sqlite_path(url: str) -> Path:
    """Return the file a ``sqlite:///path`` URL points at."""
    return Path(url.removeprefix("sqlite:///").removeprefix("sqlite://"))


@contextlib.contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver[str]]:
    """Open the checkpointer for ``url``, creating its tables on first use."""
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        try:
            saver = SqliteSaver(conn)
            saver.setup()
            yield saver
        finally:
            conn.close()
    elif url.startswith(("postgres://", "postgresql://")):
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
            yield saver
    else:
        scheme = url.split(":", 1)[0]
        raise UnsupportedDatabase(
            f"unsupported database URL scheme {scheme!r}: use sqlite:///path or postgresql://..."
        )
