"""The durable job queue between the webhook and the workers, in the checkpoints' database.

The webhook must answer GitHub within seconds, and GitHub does not retry a delivery by itself, so
a request is safe only once it is written down: ``enqueue`` records the job, a row keyed by the
delivery id, in one statement and a worker does the slow part later. A redelivery (same
``X-GitHub-Delivery``) is a no-op, so the webhook can always answer 2xx after ``enqueue``.

Jobs of one thread (one issue's chart conversation) must never run side by side, or two workers
would resume the same LangGraph thread at once; jobs of different threads should. The rule lives
in the database, not in a process, because workers may be threads, processes or machines:

* a partial unique index allows at most one ``running`` job per ``thread_key``;
* a job is claimable only as the oldest unfinished job of its thread, so a job waiting out a retry
  delay is not overtaken by a later comment on the same issue;
* SQLite serializes writers: ``BEGIN IMMEDIATE``, plus a mutex per process so that threads queue
  on it instead of on SQLite's busy handler, which sleeps in growing steps;
* PostgreSQL claims with ``FOR UPDATE SKIP LOCKED`` at READ COMMITTED; the unique index turns the
  rare race that leaves (two claimers with different snapshots) into an error ``claim`` answers by
  looking again.

A worker that dies leaves its job ``running`` with a lease that runs out; the next ``claim`` takes
it over and counts the attempt. Times are epoch seconds. PostgreSQL reads them from the server's
clock, so machines whose clocks disagree still agree on leases; SQLite is on the local machine, so
its clock is Python's. Tests may pass ``now`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, cast

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolClosed, PoolTimeout

from bot.store import UnsupportedDatabase, sqlite_path

State = Literal["queued", "running", "done", "dead"]
STATES: tuple[State, ...] = ("queued", "running", "done", "dead")
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_POOL_SIZE = 8  # a process's workers: a connection each at most
# The webhook's: deliveries arrive side by side, and with fewer connections than requests in
# flight they queue for one (measured: 8 held PostgreSQL to 67% of a bare endpoint, 32 to 72%).
WEBHOOK_POOL_SIZE = 32
DEFAULT_TIMEOUT = 5.0
Row = tuple[Any, ...]
Params = dict[str, Any]
Outcome = str | None | Exception  # an enqueue's thread, None for a redelivery, or its error


class QueueUnavailable(RuntimeError):
    """The queue's database cannot be reached, or the queue was closed: a 503, not a 500."""


@dataclass(frozen=True)
class Job:
    """One unit of work; ``worker_id`` and ``attempts`` say who holds it and on which try.

    ``worker_id`` stays set after the job leaves ``running``: it names the last worker that ran it.
    """

    id: int
    delivery_id: str
    kind: str
    thread_key: str
    payload: dict[str, Any]
    state: State
    attempts: int
    worker_id: str | None
    lease_until: datetime | None
    run_after: datetime
    error: str | None
    created_at: datetime


# --- SQL -----------------------------------------------------------------------------------------
# Written once, in psycopg's named style; the SQLite dialect rewrites placeholders to ``:name``.
# ``{now}`` is the caller's ``now`` if given, else the clock of the database's machine.

_COLUMNS = (
    "id, delivery_id, kind, thread_key, payload, state, attempts, worker_id, lease_until, "
    "run_after, error, created_at"
)

# A job is its delivery: the unique index on delivery_id is what makes a redelivery a no-op, and
# enqueue is one INSERT (a table of deliveries beside the jobs cost a fifth of its throughput).
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS helm_bot_jobs (
        id {id_type} PRIMARY KEY,
        delivery_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind <> ''),
        thread_key TEXT NOT NULL CHECK (thread_key <> ''),
        payload {json_type} NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        worker_id TEXT,
        lease_until DOUBLE PRECISION,
        run_after DOUBLE PRECISION NOT NULL,
        error TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        CHECK (state <> 'running' OR (worker_id IS NOT NULL AND lease_until IS NOT NULL))
    )""",
    """CREATE UNIQUE INDEX IF NOT EXISTS helm_bot_jobs_delivery ON helm_bot_jobs (delivery_id)""",
    """CREATE UNIQUE INDEX IF NOT EXISTS helm_bot_jobs_one_running_per_thread
        ON helm_bot_jobs (thread_key) WHERE state = 'running'""",
    """CREATE INDEX IF NOT EXISTS helm_bot_jobs_unfinished
        ON helm_bot_jobs (thread_key, id) WHERE state IN ('queued', 'running')""",
    """CREATE INDEX IF NOT EXISTS helm_bot_jobs_unfinished_in_order
        ON helm_bot_jobs (id) WHERE state IN ('queued', 'running')""",
    """CREATE TABLE IF NOT EXISTS helm_bot_thread_links (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        thread_key TEXT NOT NULL,
        PRIMARY KEY (repo, number)
    )""",
    """CREATE INDEX IF NOT EXISTS helm_bot_thread_links_thread
        ON helm_bot_thread_links (thread_key)""",
)

# Concurrent CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalogs.
_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(hashtext('helm_bot queue schema'))"

# A job about an issue or pull request that was linked to a thread (the bot's PR) joins that
# thread; the lookup is part of the insert, so the webhook makes one round trip per delivery.
_ENQUEUE = """
    INSERT INTO helm_bot_jobs (delivery_id, kind, thread_key, payload, run_after, created_at)
    VALUES (
        %(delivery_id)s,
        %(kind)s,
        COALESCE(
            (SELECT thread_key FROM helm_bot_thread_links
             WHERE repo = %(repo)s AND number = %(number)s),
            %(thread_key)s),
        CAST(%(payload)s AS {json_type}),
        {now},
        {now})
    ON CONFLICT (delivery_id) DO NOTHING
    RETURNING thread_key"""

# A thread's head is its oldest unfinished job. It is claimable when queued and due, or running
# with a lapsed lease (its worker is presumed dead). A head already at max_attempts is marked dead
# instead of running; claim then looks again.
_CLAIM = """
    UPDATE helm_bot_jobs SET
        state = CASE WHEN attempts >= %(max_attempts)s THEN 'dead' ELSE 'running' END,
        attempts = CASE WHEN attempts >= %(max_attempts)s THEN attempts ELSE attempts + 1 END,
        worker_id = CASE WHEN attempts >= %(max_attempts)s THEN worker_id ELSE %(worker_id)s END,
        lease_until = CASE WHEN attempts >= %(max_attempts)s THEN NULL
                           ELSE {now} + %(lease_seconds)s END,
        error = CASE
            WHEN attempts < %(max_attempts)s OR state <> 'running' THEN error
            ELSE 'abandoned: the lease of worker ' || COALESCE(worker_id, '?')
                 || ' ran out on attempt ' || attempts || ' of ' || %(max_attempts)s
        END
    WHERE id = (
        SELECT head.id FROM helm_bot_jobs AS head
        WHERE head.state IN ('queued', 'running')
          AND CASE WHEN head.state = 'queued' THEN head.run_after ELSE head.lease_until END
              <= {now}
          AND NOT EXISTS (
              SELECT 1 FROM helm_bot_jobs AS other
              WHERE other.thread_key = head.thread_key
                AND other.state IN ('queued', 'running')
                AND other.id <> head.id
                AND (other.id < head.id OR other.state = 'running'))
        ORDER BY head.id
        LIMIT 1 {skip_locked}
    )
    RETURNING {columns}"""

# Every change to a claimed job names its holder: worker id and attempt number act as a fencing
# token, so a worker whose lease was taken over cannot touch the new holder's run.
_HELD = (
    "id = %(id)s AND state = 'running' AND worker_id = %(worker_id)s AND attempts = %(attempts)s"
)

_HEARTBEAT = f"""
    UPDATE helm_bot_jobs SET lease_until = {{now}} + %(lease_seconds)s
    WHERE {_HELD} RETURNING id"""

_COMPLETE = f"""
    UPDATE helm_bot_jobs SET state = 'done', lease_until = NULL WHERE {_HELD} RETURNING id"""

_RETRY = f"""
    UPDATE helm_bot_jobs SET
        state = CASE WHEN attempts >= %(max_attempts)s THEN 'dead' ELSE 'queued' END,
        lease_until = NULL,
        run_after = {{now}} + %(delay_seconds)s,
        error = %(error)s
    WHERE {_HELD} RETURNING id"""

_FAIL = f"""
    UPDATE helm_bot_jobs SET state = 'dead', lease_until = NULL, error = %(error)s
    WHERE {_HELD} RETURNING id"""

_LIST = "SELECT {columns} FROM helm_bot_jobs"

_COUNTS = "SELECT state, COUNT(*) FROM helm_bot_jobs GROUP BY state"

_LINK = """
    INSERT INTO helm_bot_thread_links (repo, number, thread_key)
    VALUES (%(repo)s, %(number)s, %(thread_key)s)
    ON CONFLICT (repo, number) DO UPDATE SET thread_key = excluded.thread_key
    RETURNING thread_key"""

_PULL_REQUEST_OF = """
    SELECT number FROM helm_bot_thread_links
    WHERE repo = %(repo)s AND thread_key = %(thread_key)s
    ORDER BY number DESC LIMIT 1"""

_THREAD_FOR = """
    SELECT thread_key FROM helm_bot_thread_links WHERE repo = %(repo)s AND number = %(number)s"""

_PING = "SELECT 1"


@dataclass(frozen=True)
class _Dialect:
    """What differs between the two databases, so that each statement is written only once."""

    id_type: str
    json_type: str
    clock: str | None  # None: the database runs on this machine, Python passes the time
    skip_locked: str
    named_style: bool

    def render(self, template: str) -> str:
        """Fill a statement template for this database."""
        now = f"COALESCE(CAST(%(now)s AS DOUBLE PRECISION), {self.clock})" if self.clock else None
        sql = template.format(
            id_type=self.id_type,
            json_type=self.json_type,
            now=now or "%(now)s",
            skip_locked=self.skip_locked,
            columns=_COLUMNS,
        )
        return re.sub(r"%\((\w+)\)s", r":\1", sql) if self.named_style else sql


_SQLITE = _Dialect(
    id_type="INTEGER",
    json_type="TEXT",
    clock=None,
    skip_locked="",
    named_style=True,
)
_POSTGRES = _Dialect(
    id_type="BIGINT GENERATED ALWAYS AS IDENTITY",
    # JSON, not JSONB: JSONB refuses "\u0000", which an issue body may hold; JSON keeps the text
    # as sent and still answers ->> queries.
    json_type="JSON",
    clock="CAST(EXTRACT(EPOCH FROM statement_timestamp()) AS DOUBLE PRECISION)",
    skip_locked="FOR UPDATE OF head SKIP LOCKED",
    named_style=False,
)
_TEMPLATES = {
    "claim": _CLAIM,
    "heartbeat": _HEARTBEAT,
    "complete": _COMPLETE,
    "retry": _RETRY,
    "fail": _FAIL,
    "counts": _COUNTS,
    "link": _LINK,
    "thread_for": _THREAD_FOR,
    "enqueue": _ENQUEUE,
    "pull_request_of": _PULL_REQUEST_OF,
}
# Raised by the one-running-job-per-thread index when another worker won a race for the thread.
_THREAD_TAKEN = (sqlite3.IntegrityError, psycopg.errors.UniqueViolation)


# --- Backends ------------------------------------------------------------------------------------


class _Backend(Protocol):
    dialect: _Dialect

    def write(self, sql: str, params: Params) -> list[Row]: ...

    def read(self, sql: str, params: Params) -> list[Row]: ...

    def close(self) -> None: ...


class _ThreadConnection:
    """Holds one thread's SQLite connection; when the thread ends this dies and closes it."""

    __slots__ = ("conn", "__weakref__")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


class _Sqlite:
    """A SQLite file in WAL mode: a connection per thread, writes serialized by a process mutex.

    The busy timeout still covers other processes sharing the file, and ``BEGIN IMMEDIATE`` takes
    the write lock before reading, so a read-then-write never fails on a stale snapshot.
    """

    dialect = _SQLITE

    def __init__(self, path: Path, timeout: float) -> None:
        self._path = path
        self._timeout = timeout
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._registry_lock = threading.Lock()
        self._finalizers: set[weakref.finalize[Any, Any]] = set()
        self._closed = False

    def setup(self) -> None:
        """Switch the file to WAL (a lasting property of the file) and create the tables."""
        with self._guard():
            self._enable_wal()
        with self._transaction() as conn:
            for statement in _SCHEMA:
                conn.execute(_SQLITE.render(statement))

    def write(self, sql: str, params: Params) -> list[Row]:
        with self._transaction() as conn:
            return conn.execute(sql, params).fetchall()

    def _enable_wal(self) -> None:
        """Set WAL mode, waiting out other processes doing the same on a new file.

        Changing the journal mode can fail with "database is locked" at once, without SQLite's
        busy handler, while another connection is creating or converting the file.
        """
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                self._conn().execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def read(self, sql: str, params: Params) -> list[Row]:
        with self._guard():
            return self._conn().execute(sql, params).fetchall()

    def enqueue_batch_nowait(self, sql: str, batch: list[Params], isolate: bool) -> list[Outcome]:
        """Enqueue ``batch`` in one transaction unless a thread or process is writing.

        Raises _WouldWait instead of waiting for the lock. One transaction for the deliveries
        that arrived together costs a third less than one each (a group commit). A row that
        breaks a constraint fails the whole batch, unless ``isolate``: then each row is under
        a savepoint, and its error is its result while the others are written.
        """
        if not self._write_lock.acquire(blocking=False):
            raise _WouldWait
        try:
            with self._guard():
                conn = self._conn(wait=False)
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as err:
                    if err.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                        raise
                    raise _WouldWait from None  # another process is writing
                with _committed(conn):
                    return [_insert(conn, sql, params, isolate) for params in batch]
        finally:
            self._write_lock.release()

    def close(self) -> None:
        with self._registry_lock:
            self._closed = True
            finalizers, self._finalizers = self._finalizers, set()
        for finalizer in finalizers:
            finalizer()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a write transaction, waiting for this process's and other processes' writers."""
        with self._guard(), self._write_lock:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            with _committed(conn):
                yield conn

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Report a missing, locked or closed database as QueueUnavailable."""
        try:
            yield
        except (sqlite3.OperationalError, sqlite3.ProgrammingError) as err:
            raise QueueUnavailable(f"job queue database {self._path}: {err}") from err

    def _conn(self, wait: bool = True) -> sqlite3.Connection:
        """Return this thread's connection; the no-wait one has a zero busy timeout."""
        name = "waiting" if wait else "nowait"
        holder: _ThreadConnection | None = getattr(self._local, name, None)
        if holder is not None and not self._closed:
            return holder.conn
        with self._registry_lock:
            if self._closed:
                raise QueueUnavailable(f"the job queue on {self._path} is closed")
            conn = self._connect(self._timeout if wait else 0.0)
            holder = _ThreadConnection(conn)
            self._finalizers = {f for f in self._finalizers if f.alive}
            self._finalizers.add(weakref.finalize(holder, conn.close))
        setattr(self._local, name, holder)
        return conn

    def _connect(self, timeout: float) -> sqlite3.Connection:
        # check_same_thread=False only so that close() may close it; each thread uses its own.
        conn = sqlite3.connect(
            self._path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        # In WAL mode NORMAL may lose the last commits on power loss, never integrity.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


def _insert(conn: sqlite3.Connection, sql: str, params: Params, isolate: bool) -> Outcome:
    """One delivery of a batch; with ``isolate``, under a savepoint, its error its outcome."""
    if not isolate:
        return _thread_chosen(conn.execute(sql, params).fetchall())
    conn.execute("SAVEPOINT one_delivery")
    try:
        return _thread_chosen(conn.execute(sql, params).fetchall())
    except sqlite3.IntegrityError as err:
        conn.execute("ROLLBACK TO one_delivery")
        return err
    finally:
        conn.execute("RELEASE one_delivery")


@contextlib.contextmanager
def _committed(conn: sqlite3.Connection) -> Iterator[None]:
    """Commit the open transaction, or roll all of it back if anything in it failed."""
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class _WouldWait(Exception):
    """SQLite's write lock is held: enqueueing now would block the caller."""


class _ConnectionLost(Exception):
    """A pooled connection had died (server restart, idle timeout): try another one."""


def _pool_kwargs(pool_size: int, timeout: float) -> dict[str, Any]:
    """Settings shared by the sync and async pools: up to ``pool_size`` autocommit connections.

    The pool opens with a few and grows while callers wait, so an idle server holds few of the
    database's connections. No ``check`` on checkout: it costs a round trip per request (half
    the throughput); a dead connection is detected by the statement that fails on it, and that
    statement is re-run.
    """
    return {
        "min_size": min(pool_size, 2),
        "max_size": pool_size,
        "kwargs": {"autocommit": True, "connect_timeout": max(2, round(timeout))},
        "timeout": timeout,
        "open": False,
        "name": "helm-bot-queue",
    }


def _unavailable(err: Exception) -> QueueUnavailable:
    return QueueUnavailable(f"job queue database unavailable: {err}")


class _Postgres:
    """A psycopg pool of autocommit connections; every operation is a single statement.

    A single statement needs no BEGIN/COMMIT round trips and is atomic on its own.
    """

    dialect = _POSTGRES

    def __init__(self, url: str, pool_size: int, timeout: float) -> None:
        self._timeout = timeout
        self._pool_size = pool_size
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url, **_pool_kwargs(pool_size, timeout)
        )

    def setup(self) -> None:
        try:
            self._pool.open(wait=True, timeout=self._timeout)
        except PoolTimeout as err:
            raise _unavailable(err) from err
        with self._connection() as conn, conn.transaction():
            conn.execute(_SCHEMA_LOCK)
            for statement in _SCHEMA:
                conn.execute(_POSTGRES.render(statement))

    def write(self, sql: str, params: Params) -> list[Row]:
        """Run one statement; re-run it on another connection if the one drawn was dead.

        Re-running is safe even if the lost statement had committed: enqueue then reports a
        redelivery, a claim leaves a job whose lease runs out, a fenced update returns False.
        """
        for _ in range(self._pool_size):
            try:
                with self._connection() as conn:
                    return _execute(conn, sql, params)
            except _ConnectionLost:
                continue
        with self._connection() as conn:  # every connection was dead: the server is gone
            return conn.execute(sql, params).fetchall()

    read = write

    def close(self) -> None:
        self._pool.close()

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Row]]:
        """Lend a pooled connection; an unreachable server or a closed pool is QueueUnavailable."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout, PoolClosed) as err:
            raise _unavailable(err) from err


def _execute(conn: psycopg.Connection[Row], sql: str, params: Params) -> list[Row]:
    try:
        return conn.execute(sql, params).fetchall()
    except psycopg.OperationalError as err:
        if conn.broken:
            raise _ConnectionLost from err
        raise


class _AsyncPostgres:
    """The asyncio twin of ``_Postgres``, for the webhook: no thread hop per request.

    ``asyncio.to_thread`` runs at most cpu+4 calls at once in the default executor, so with a
    remote server its round trips would cap the webhook; here all ``pool_size`` connections can
    be in flight. Measured with the server on the same 2 cores: a fifth less client CPU per
    enqueue and about the same rate (the server is the bottleneck there).
    """

    def __init__(self, url: str, pool_size: int, timeout: float) -> None:
        self._timeout = timeout
        self._pool_size = pool_size
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Row]] = AsyncConnectionPool(
            url, **_pool_kwargs(pool_size, timeout)
        )

    async def setup(self) -> None:
        try:
            await self._pool.open(wait=True, timeout=self._timeout)
        except PoolTimeout as err:
            raise _unavailable(err) from err
        async with self._connection() as conn, conn.transaction():
            await conn.execute(_SCHEMA_LOCK)
            for statement in _SCHEMA:
                await conn.execute(_POSTGRES.render(statement))

    async def run(self, sql: str, params: Params) -> list[Row]:
        """Run one statement, re-run on another connection if the one drawn was dead."""
        for _ in range(self._pool_size):
            try:
                async with self._connection() as conn:
                    return await _aexecute(conn, sql, params)
            except _ConnectionLost:
                continue
        async with self._connection() as conn:  # every connection was dead
            return await (await conn.execute(sql, params)).fetchall()

    async def close(self) -> None:
        await self._pool.close()

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Row]]:
        try:
            async with self._pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout, PoolClosed) as err:
            raise _unavailable(err) from err


async def _aexecute(conn: psycopg.AsyncConnection[Row], sql: str, params: Params) -> list[Row]:
    try:
        return await (await conn.execute(sql, params)).fetchall()
    except psycopg.OperationalError as err:
        if conn.broken:
            raise _ConnectionLost from err
        raise


def _backend(url: str, pool_size: int, timeout: float) -> _Sqlite | _Postgres:
    """Pick the backend for a database URL, as bot/store.py does for checkpoints."""
    if url.startswith("sqlite:"):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return _Sqlite(path, timeout)
    if url.startswith(("postgres://", "postgresql://")):
        return _Postgres(url, pool_size, timeout)
    scheme = url.split(":", 1)[0]
    raise UnsupportedDatabase(
        f"unsupported database URL scheme {scheme!r}: use sqlite:///path or postgresql://..."
    )


# --- The queue -----------------------------------------------------------------------------------


class JobQueue:
    """Durable jobs, delivery deduplication and PR-to-thread links in the checkpoints' database.

    Open with ``JobQueue.open(url)``; use it as a context manager or call ``close()``. One instance
    serves all threads of a process.
    """

    def __init__(self, backend: _Backend, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._backend = backend
        self._local_clock = backend.dialect.clock is None
        self._sql = {name: backend.dialect.render(sql) for name, sql in _TEMPLATES.items()}
        self.max_attempts = max_attempts

    @classmethod
    def open(
        cls,
        url: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> JobQueue:
        """Connect to ``url`` and create the tables if they are missing.

        ``timeout`` bounds connecting, waiting for a pooled connection (PostgreSQL) and waiting
        for another process's write lock (SQLite): GitHub gives the webhook 10 s in all.
        """
        backend = _backend(url, pool_size, timeout)
        try:
            backend.setup()
        except BaseException:
            backend.close()
            raise
        return cls(backend, max_attempts)

    def close(self) -> None:
        """Close every connection; later calls raise QueueUnavailable."""
        self._backend.close()

    def __enter__(self) -> JobQueue:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the webhook's side ---

    def enqueue(
        self,
        delivery_id: str,
        kind: str,
        thread_key: str,
        payload: dict[str, Any],
        *,
        about: tuple[str, int] | None = None,
    ) -> str | None:
        """Record a delivery and its job atomically; None if the delivery was seen before.

        The job goes to ``thread_key`` unless ``about`` (repo, number) names an issue or pull
        request that ``link`` tied to a thread: then to that thread. Returns the thread chosen.
        """
        params = _enqueue_params(delivery_id, kind, thread_key, payload, about, self._now(None))
        return _thread_chosen(self._backend.write(self._sql["enqueue"], params))

    def _enqueue_batch_nowait(self, batch: list[Params], isolate: bool) -> list[Outcome]:
        """``enqueue`` a batch now, or raise _WouldWait if that means waiting for SQLite's lock."""
        if not isinstance(self._backend, _Sqlite):
            raise _WouldWait
        return self._backend.enqueue_batch_nowait(self._sql["enqueue"], batch, isolate)

    def thread_for(self, repo: str, number: int) -> str | None:
        """Return the thread an issue or pull request was linked to, if any."""
        rows = self._backend.read(self._sql["thread_for"], _link_params(repo, number))
        return str(rows[0][0]) if rows else None

    def pull_request_of(self, repo: str, thread_key: str) -> int | None:
        """Return the latest pull request ``link`` tied to ``thread_key`` in ``repo``, if any."""
        params = {"repo": repo.lower(), "thread_key": thread_key}
        rows = self._backend.read(self._sql["pull_request_of"], params)
        return int(rows[0][0]) if rows else None

    def link(self, repo: str, number: int, thread_key: str) -> None:
        """Send events about ``repo#number`` (e.g. the bot's pull request) to ``thread_key``."""
        params = _link_params(repo, number) | {"thread_key": thread_key}
        self._backend.write(self._sql["link"], params)

    # --- the workers' side ---

    def claim(
        self, worker_id: str, lease_seconds: float, *, now: datetime | None = None
    ) -> Job | None:
        """Take the oldest runnable job whose thread has nothing else running, or None.

        Jobs that reached ``max_attempts`` are marked dead on the way and never returned.
        """
        _positive(lease_seconds, "lease_seconds")
        params = {
            "worker_id": worker_id,
            "lease_seconds": lease_seconds,
            "max_attempts": self.max_attempts,
            "now": self._now(now),
        }
        races = 0
        while True:
            try:
                rows = self._backend.write(self._sql["claim"], params)
            except _THREAD_TAKEN:
                # Another worker started a job of the same thread between our read and write.
                races += 1
                if races > 3:
                    return None
                continue
            if not rows:
                return None
            job = _job(rows[0])
            if job.state == "running":
                return job

    def heartbeat(self, job: Job, lease_seconds: float, *, now: datetime | None = None) -> bool:
        """Extend the lease; False means the job is no longer ours and the work must stop."""
        _positive(lease_seconds, "lease_seconds")
        params = _held(job) | {"lease_seconds": lease_seconds, "now": self._now(now)}
        return bool(self._backend.write(self._sql["heartbeat"], params))

    def complete(self, job: Job) -> bool:
        """Mark the job done; False if another worker had taken it over."""
        return bool(self._backend.write(self._sql["complete"], _held(job)))

    def retry(
        self, job: Job, error: str, delay_seconds: float, *, now: datetime | None = None
    ) -> bool:
        """Queue the job again after ``delay_seconds`` (GitHub 5xx, a rate limit's Retry-After).

        The thread's later jobs keep waiting behind it. On its last attempt the job is marked dead
        with ``error`` instead. False if the job was no longer ours.
        """
        if delay_seconds < 0:
            raise ValueError("delay_seconds must not be negative")
        params = _held(job) | {
            "error": error,
            "delay_seconds": delay_seconds,
            "max_attempts": self.max_attempts,
            "now": self._now(now),
        }
        return bool(self._backend.write(self._sql["retry"], params))

    def fail(self, job: Job, error: str) -> bool:
        """Mark the job dead, kept for inspection, when retrying cannot help."""
        return bool(self._backend.write(self._sql["fail"], _held(job) | {"error": error}))

    # --- inspection ---

    def jobs(self, state: State | None = None, thread_key: str | None = None) -> list[Job]:
        """List jobs oldest first, optionally only those of one state and/or one thread."""
        clauses: list[str] = []
        params: Params = {}
        if state is not None:
            clauses.append("state = %(state)s")
            params["state"] = state
        if thread_key is not None:
            clauses.append("thread_key = %(thread_key)s")
            params["thread_key"] = thread_key
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = self._backend.dialect.render(_LIST + where + " ORDER BY id")
        return [_job(row) for row in self._backend.read(sql, params)]

    def counts(self) -> dict[State, int]:
        """Return how many jobs are in each state, zeros included, for metrics."""
        return _counts(self._backend.read(self._sql["counts"], {}))

    def ping(self) -> None:
        """Raise QueueUnavailable unless the database answers a query."""
        self._backend.read(_PING, {})

    def _now(self, now: datetime | None) -> float | None:
        """Return the explicit clock, else Python's for SQLite, else None (the server's clock)."""
        if now is not None:
            return _epoch(now)
        return time.time() if self._local_clock else None


class AsyncJobQueue:
    """The webhook's async view of the queue: enqueue, ping and counts.

    On PostgreSQL it has its own ``AsyncConnectionPool`` and the same SQL as ``JobQueue``. On
    SQLite it enqueues in place, and when another writer holds the lock it tries again after a
    pause in the event loop, never blocking it; the other calls run in a thread. Open it inside
    the event loop that will use it.
    """

    def __init__(
        self, sync: JobQueue | None, pg: _AsyncPostgres | None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._sync = sync
        self._pg = pg
        self._timeout = timeout
        self._waiting: list[tuple[Params, asyncio.Future[Outcome]]] = []
        self._writer: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int = WEBHOOK_POOL_SIZE, timeout: float = DEFAULT_TIMEOUT
    ) -> AsyncJobQueue:
        """Connect to ``url`` and create the tables if they are missing."""
        if not url.startswith(("postgres://", "postgresql://")):
            sync = await asyncio.to_thread(JobQueue.open, url, timeout=timeout)
            return cls(sync, None, timeout)
        pg = _AsyncPostgres(url, pool_size, timeout)
        try:
            await pg.setup()
        except BaseException:
            await pg.close()
            raise
        return cls(None, pg, timeout)

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        if self._sync is not None:
            self._sync.close()

    async def __aenter__(self) -> AsyncJobQueue:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def enqueue(
        self,
        delivery_id: str,
        kind: str,
        thread_key: str,
        payload: dict[str, Any],
        *,
        about: tuple[str, int] | None = None,
    ) -> str | None:
        """``JobQueue.enqueue`` without blocking the event loop: the thread chosen, or None.

        The deliveries that arrive in the same turn of the event loop are written together by
        one writer task (a group commit): on SQLite in one transaction, on PostgreSQL in one
        statement. Measured by bench/webhook_load.py, that took SQLite from 64-69% of a bare
        endpoint to 91%. When SQLite's lock is held, the writer tries again after a pause in
        the event loop, never blocking it: a write holds the lock for about 0.1 ms, but a
        writer in another process may be descheduled while holding it (the workers run at a
        lower priority), and waiting in threads instead filled asyncio's few executor threads.
        """
        now = self._sync._now(None) if self._sync is not None else None
        params = _enqueue_params(delivery_id, kind, thread_key, payload, about, now)
        done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((params, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        outcome = await done
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _write_waiting(self) -> None:
        await asyncio.sleep(0)  # let the deliveries of this turn of the loop join the batch
        deadline, pause, isolate = 0.0, 0.0, False
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                outcomes = await self._write([p for p, _ in batch], isolate)
            except _WouldWait:
                self._waiting = batch + self._waiting
                deadline = deadline or time.monotonic() + self._timeout
                if time.monotonic() >= deadline:
                    locked = f"the job queue's SQLite file stayed locked for {self._timeout:g} s"
                    outcomes = [QueueUnavailable(locked) for _ in self._waiting]
                    batch, self._waiting = self._waiting, []
                else:
                    await asyncio.sleep(pause)
                    pause = min(max(2 * pause, _FIRST_PAUSE), _LONGEST_PAUSE)
                    continue
            except _INTEGRITY_ERRORS as exc:
                if isolate:
                    outcomes = [exc] * len(batch)
                else:  # write them again, each on its own, to find the one at fault
                    self._waiting, isolate = batch + self._waiting, True
                    continue
            except Exception as exc:
                outcomes = [exc] * len(batch)
            for (_, done), outcome in zip(batch, outcomes, strict=True):
                if not done.done():  # its request may have been cancelled meanwhile
                    done.set_result(outcome)
            deadline, pause, isolate = 0.0, 0.0, False

    async def _write(self, batch: list[Params], isolate: bool) -> list[Outcome]:
        """Write a batch; with ``isolate``, a row's constraint error is that row's outcome."""
        if self._sync is not None:
            return self._sync._enqueue_batch_nowait(batch, isolate)
        if not isolate:
            rows = await self._postgres.run(_ASYNC_SQL["enqueue_batch"], _batch_params(batch))
            return _thread_per_delivery(batch, rows)
        outcomes: list[Outcome] = []
        for params in batch:
            try:
                rows = await self._postgres.run(_ASYNC_SQL["enqueue"], params)
                outcomes.append(_thread_chosen(rows))
            except psycopg.IntegrityError as exc:
                outcomes.append(exc)
        return outcomes

    async def ping(self) -> None:
        """Raise QueueUnavailable unless the database answers a query."""
        if self._sync is not None:
            await asyncio.to_thread(self._sync.ping)
        else:
            await self._postgres.run(_PING, {})

    async def counts(self) -> dict[State, int]:
        """Return how many jobs are in each state, zeros included, for metrics."""
        if self._sync is not None:
            return await asyncio.to_thread(self._sync.counts)
        return _counts(await self._postgres.run(_ASYNC_SQL["counts"], {}))

    @property
    def _postgres(self) -> _AsyncPostgres:
        assert self._pg is not None
        return self._pg


# Seconds between tries while SQLite is locked: at once, then 1 ms, then 2 ms until the timeout
# (a failed try costs ~10 µs; longer pauses left the lock free and the deliveries waiting).
_FIRST_PAUSE, _LONGEST_PAUSE = 0.001, 0.002
# The webhook's group commit on PostgreSQL: one statement for many deliveries, as arrays.
_ENQUEUE_BATCH = f"""
    INSERT INTO helm_bot_jobs (delivery_id, kind, thread_key, payload, run_after, created_at)
    SELECT d.delivery_id, d.kind,
           COALESCE(
               (SELECT l.thread_key FROM helm_bot_thread_links AS l
                WHERE l.repo = d.repo AND l.number = d.number),
               d.thread_key),
           CAST(d.payload AS JSON), {_POSTGRES.clock}, {_POSTGRES.clock}
    FROM unnest(
        CAST(%(delivery_ids)s AS TEXT[]), CAST(%(kinds)s AS TEXT[]),
        CAST(%(thread_keys)s AS TEXT[]), CAST(%(payloads)s AS TEXT[]),
        CAST(%(repos)s AS TEXT[]), CAST(%(numbers)s AS INTEGER[])
    ) AS d(delivery_id, kind, thread_key, payload, repo, number)
    ON CONFLICT (delivery_id) DO NOTHING
    RETURNING delivery_id, thread_key"""
_INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)
_ASYNC_SQL = {
    "enqueue": _POSTGRES.render(_ENQUEUE),
    "enqueue_batch": _ENQUEUE_BATCH,
    "counts": _POSTGRES.render(_COUNTS),
}


# --- helpers -------------------------------------------------------------------------------------


def _enqueue_params(
    delivery_id: str,
    kind: str,
    thread_key: str,
    payload: dict[str, Any],
    about: tuple[str, int] | None,
    now: float | None,
) -> Params:
    link = _link_params(*about) if about is not None else {"repo": None, "number": None}
    return {
        "delivery_id": delivery_id,
        "kind": kind,
        "thread_key": thread_key,
        "payload": json.dumps(payload, separators=(",", ":")),
        "now": now,
    } | link


def _batch_params(batch: list[Params]) -> Params:
    """A batch of enqueue parameters as the arrays ``_ENQUEUE_BATCH`` takes."""
    columns = ("delivery_id", "kind", "thread_key", "payload", "repo", "number")
    return {f"{column}s": [params[column] for params in batch] for column in columns}


def _thread_per_delivery(batch: list[Params], rows: list[Row]) -> list[Outcome]:
    """Each delivery's thread from a batch's ``RETURNING`` rows; None for a redelivery.

    A delivery id twice in one batch is written once: the first asks for it gets the thread.
    """
    written = {str(row[0]): str(row[1]) for row in rows}
    return [written.pop(params["delivery_id"], None) for params in batch]


def _thread_chosen(rows: list[Row]) -> str | None:
    """The thread an enqueue put its job in, from ``RETURNING``; None: a redelivery."""
    return str(rows[0][0]) if rows else None


def _held(job: Job) -> Params:
    return {"id": job.id, "worker_id": job.worker_id, "attempts": job.attempts}


def _link_params(repo: str, number: int) -> Params:
    # GitHub repository names are case-insensitive, and events may spell them either way.
    return {"repo": repo.lower(), "number": number}


def _counts(rows: list[Row]) -> dict[State, int]:
    found = {row[0]: int(row[1]) for row in rows}
    return {state: found.get(state, 0) for state in STATES}


def _positive(value: float, name: str) -> None:
    if value <= 0:
        raise ValueError(f"{name} must be positive")


def _epoch(moment: datetime) -> float:
    """Convert an explicit clock for the SQL; a naive datetime would silently mean local time."""
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return moment.timestamp()


def _time(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _job(row: Row) -> Job:
    """Build a Job from a row in ``_COLUMNS`` order (psycopg has already decoded the JSON)."""
    payload = row[4] if isinstance(row[4], dict) else json.loads(row[4])
    return Job(
        id=int(row[0]),
        delivery_id=row[1],
        kind=row[2],
        thread_key=row[3],
        payload=payload,
        state=cast(State, row[5]),
        attempts=int(row[6]),
        worker_id=row[7],
        lease_until=_time(row[8]),
        run_after=cast(datetime, _time(row[9])),
        error=row[10],
        created_at=cast(datetime, _time(row[11])),
    )
