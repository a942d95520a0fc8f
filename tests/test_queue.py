"""The durable job queue, on SQLite and on a real PostgreSQL server.

Lease and retry tests pass an explicit ``now`` a little ahead of the real clock, so that they never
depend on how fast this machine runs; only the racing tests use the database's own clock, with
leases far longer than any job takes.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from bot.jobs.queue import (
    AsyncJobQueue,
    Job,
    JobQueue,
    QueueUnavailable,
    _enqueue_params,
    _WouldWait,
)
from bot.store import UnsupportedDatabase

ROOT = Path(__file__).resolve().parent.parent
INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)


# --- fixtures ------------------------------------------------------------------------------------


def _database_url(server_url: str, name: str) -> str:
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'helm-bot.sqlite'}"
    return str(request.getfixturevalue("fresh_postgres"))


@pytest.fixture
def queue(url: str) -> Iterator[JobQueue]:
    with JobQueue.open(url, pool_size=2) as opened:
        yield opened


def _soon() -> datetime:
    """A clock a second ahead of the real one: every job enqueued so far is due by then."""
    return datetime.now(UTC) + timedelta(seconds=1)


def _enqueue(queue: JobQueue, *deliveries: tuple[str, str]) -> None:
    for delivery_id, thread_key in deliveries:
        assert queue.enqueue(delivery_id, "issue_comment", thread_key, {"id": delivery_id})


def _claim(queue: JobQueue, worker: str, now: datetime, lease: float = 30) -> Job:
    job = queue.claim(worker, lease, now=now)
    assert job is not None
    return job


def _same_time(stored: datetime | None, expected: datetime) -> bool:
    """Times go through a float of epoch seconds: equal to well within a millisecond."""
    return stored is not None and abs(stored - expected) < timedelta(milliseconds=1)


def _only(queue: JobQueue) -> Job:
    (job,) = queue.jobs()
    return job


# --- the webhook's side --------------------------------------------------------------------------


def test_a_redelivery_is_a_noop(queue: JobQueue) -> None:
    payload = {"action": "opened", "issue": {"number": 12, "labels": ["helm", "ünïcode"]}}
    assert queue.enqueue("delivery-1", "issues", "octo/app#12", payload) == "octo/app#12"
    assert queue.enqueue("delivery-1", "issues", "octo/app#12", {"action": "edited"}) is None

    job = _only(queue)
    assert (job.delivery_id, job.kind, job.thread_key) == ("delivery-1", "issues", "octo/app#12")
    assert job.payload == payload
    assert (job.state, job.attempts, job.worker_id, job.lease_until, job.error) == (
        "queued",
        0,
        None,
        None,
        None,
    )
    assert job.run_after == job.created_at
    assert abs(job.created_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_any_parsed_event_round_trips(queue: JobQueue) -> None:
    payload = {"body": 'NUL \x00, emoji \U0001f680, quote " and \\', "n": [1.5, None, True]}
    assert queue.enqueue("delivery-1", "issue_comment", "octo/app#12", payload)
    assert _only(queue).payload == payload


def test_a_failing_job_insert_records_no_delivery(queue: JobQueue) -> None:
    # The empty kind passes the delivery insert and fails the job insert in the same transaction.
    with pytest.raises(INTEGRITY_ERRORS):
        queue.enqueue("delivery-1", "", "octo/app#12", {})
    assert queue.jobs() == []
    # Had the delivery been kept, this would be taken for a redelivery and dropped.
    assert queue.enqueue("delivery-1", "issues", "octo/app#12", {})
    assert len(queue.jobs()) == 1


def test_pull_requests_link_to_the_thread_of_their_issue(queue: JobQueue) -> None:
    assert queue.thread_for("octo/app", 57) is None
    queue.link("Octo/App", 57, "octo/app#12")
    assert queue.thread_for("octo/app", 57) == "octo/app#12"
    assert queue.thread_for("OCTO/APP", 57) == "octo/app#12"
    assert queue.thread_for("octo/app", 58) is None
    assert queue.thread_for("octo/other", 57) is None
    queue.link("octo/app", 57, "octo/app#13")
    assert queue.thread_for("octo/app", 57) == "octo/app#13"


def test_a_thread_finds_its_latest_pull_request(queue: JobQueue) -> None:
    assert queue.pull_request_of("octo/app", "octo/app#12") is None
    queue.link("Octo/App", 57, "octo/app#12")
    queue.link("octo/app", 61, "octo/app#12")
    queue.link("octo/app", 70, "octo/app#13")
    queue.link("octo/other", 80, "octo/app#12")
    assert queue.pull_request_of("octo/app", "octo/app#12") == 61
    assert queue.pull_request_of("OCTO/APP", "octo/app#13") == 70


def test_a_job_about_a_linked_pull_request_joins_its_thread(queue: JobQueue) -> None:
    queue.link("octo/app", 57, "octo/app#12")
    assert queue.enqueue("d-1", "command", "octo/app#57", {}, about=("Octo/App", 57)) == (
        "octo/app#12"
    )
    assert queue.enqueue("d-2", "command", "octo/app#58", {}, about=("octo/app", 58)) == (
        "octo/app#58"
    )
    assert queue.enqueue("d-3", "command", "octo/app#57", {}) == "octo/app#57"
    assert queue.enqueue("d-1", "command", "octo/app#57", {}, about=("octo/app", 57)) is None
    assert [job.thread_key for job in queue.jobs()] == ["octo/app#12", "octo/app#58", "octo/app#57"]


# --- ordering and exclusion ----------------------------------------------------------------------


def test_one_threads_jobs_run_one_at_a_time_in_enqueue_order(queue: JobQueue) -> None:
    _enqueue(queue, ("a1", "o/r#1"), ("a2", "o/r#1"), ("b1", "o/r#2"), ("a3", "o/r#1"))
    now = _soon()
    a1 = _claim(queue, "w1", now)
    b1 = _claim(queue, "w2", now)  # another thread runs alongside
    assert (a1.delivery_id, b1.delivery_id) == ("a1", "b1")
    assert (a1.state, a1.worker_id, a1.attempts) == ("running", "w1", 1)
    assert queue.claim("w3", 30, now=now) is None  # a2 and a3 wait for a1

    assert queue.complete(a1)
    a2 = _claim(queue, "w3", now)
    assert a2.delivery_id == "a2"
    assert queue.complete(b1)
    assert queue.claim("w1", 30, now=now) is None  # a3 waits for a2
    assert queue.complete(a2)
    assert _claim(queue, "w1", now).delivery_id == "a3"


def test_a_retried_job_waits_for_its_time_and_keeps_its_place(queue: JobQueue) -> None:
    _enqueue(queue, ("a1", "o/r#1"), ("a2", "o/r#1"), ("b1", "o/r#2"))
    t0 = _soon()
    a1 = _claim(queue, "w1", t0)
    assert queue.retry(a1, "GitHub answered 502", 60, now=t0)
    assert _same_time(queue.jobs(thread_key="o/r#1")[0].run_after, t0 + timedelta(seconds=60))

    b1 = _claim(queue, "w1", t0 + timedelta(seconds=1))
    assert b1.delivery_id == "b1" and queue.complete(b1)
    assert queue.claim("w1", 30, now=t0 + timedelta(seconds=59)) is None  # a2 may not overtake

    again = _claim(queue, "w2", t0 + timedelta(seconds=61))
    assert (again.id, again.attempts, again.worker_id) == (a1.id, 2, "w2")
    assert again.error == "GitHub answered 502"
    assert not queue.retry(a1, "stale", 1, now=t0)  # the first attempt's handle is spent


def test_an_expired_lease_is_taken_over_and_counted(queue: JobQueue) -> None:
    _enqueue(queue, ("a1", "o/r#1"))
    t0 = _soon()
    first = _claim(queue, "w1", t0, lease=30)
    assert _same_time(first.lease_until, t0 + timedelta(seconds=30))
    assert queue.claim("w2", 30, now=t0 + timedelta(seconds=29)) is None

    second = _claim(queue, "w2", t0 + timedelta(seconds=31))
    assert (second.id, second.worker_id, second.attempts) == (first.id, "w2", 2)
    # The first worker woke up: its every move is refused.
    assert not queue.heartbeat(first, 30, now=t0 + timedelta(seconds=32))
    assert not queue.complete(first)
    assert not queue.retry(first, "late", 5, now=t0)
    assert not queue.fail(first, "late")

    assert queue.heartbeat(second, 30, now=t0 + timedelta(seconds=40))
    assert queue.complete(second)
    assert _only(queue).state == "done"


def test_a_heartbeat_keeps_the_lease(queue: JobQueue) -> None:
    _enqueue(queue, ("a1", "o/r#1"))
    t0 = _soon()
    job = _claim(queue, "w1", t0, lease=30)
    assert queue.heartbeat(job, 30, now=t0 + timedelta(seconds=20))
    assert _same_time(_only(queue).lease_until, t0 + timedelta(seconds=50))
    assert queue.claim("w2", 30, now=t0 + timedelta(seconds=45)) is None
    assert _claim(queue, "w2", t0 + timedelta(seconds=51)).attempts == 2


def test_a_job_abandoned_max_attempts_times_is_dead_and_frees_its_thread(url: str) -> None:
    with JobQueue.open(url, max_attempts=2) as queue:
        _enqueue(queue, ("a1", "o/r#1"), ("a2", "o/r#1"))
        t0 = _soon()
        _claim(queue, "w1", t0)
        _claim(queue, "w2", t0 + timedelta(seconds=31))
        # The third claim buries a1 and moves on to the next job of the thread.
        after = _claim(queue, "w3", t0 + timedelta(seconds=62))
        assert after.delivery_id == "a2"
        (dead,) = queue.jobs(state="dead")
        assert (dead.delivery_id, dead.attempts, dead.lease_until) == ("a1", 2, None)
        assert dead.error == "abandoned: the lease of worker w2 ran out on attempt 2 of 2"


def test_a_retry_on_the_last_attempt_is_dead_at_once(url: str) -> None:
    with JobQueue.open(url, max_attempts=1) as queue:
        _enqueue(queue, ("a1", "o/r#1"))
        job = _claim(queue, "w1", _soon())
        assert queue.retry(job, "rate limited", 10)
        dead = _only(queue)
        assert (dead.state, dead.error) == ("dead", "rate limited")


def test_a_failed_job_is_kept_dead_and_its_thread_goes_on(queue: JobQueue) -> None:
    _enqueue(queue, ("a1", "o/r#1"), ("a2", "o/r#1"))
    now = _soon()
    a1 = _claim(queue, "w1", now)
    assert queue.fail(a1, "the request is not about a service")
    assert _claim(queue, "w1", now).delivery_id == "a2"
    (dead,) = queue.jobs(state="dead")
    assert (dead.id, dead.error) == (a1.id, "the request is not about a service")


def test_jobs_are_listed_by_state_and_thread_and_counted(queue: JobQueue) -> None:
    assert queue.counts() == {"queued": 0, "running": 0, "done": 0, "dead": 0}
    _enqueue(queue, ("a1", "o/r#1"), ("a2", "o/r#1"), ("b1", "o/r#2"), ("c1", "o/r#3"))
    now = _soon()
    queue.complete(_claim(queue, "w", now))
    queue.fail(_claim(queue, "w", now), "no")
    _claim(queue, "w", now)

    assert [j.delivery_id for j in queue.jobs()] == ["a1", "a2", "b1", "c1"]
    assert [j.delivery_id for j in queue.jobs(thread_key="o/r#1")] == ["a1", "a2"]
    assert [j.delivery_id for j in queue.jobs(state="running")] == ["b1"]
    assert [j.delivery_id for j in queue.jobs(state="dead")] == ["a2"]
    assert [j.delivery_id for j in queue.jobs("queued", "o/r#3")] == ["c1"]
    assert queue.jobs("done", "o/r#3") == []
    assert queue.counts() == {"queued": 1, "running": 1, "done": 1, "dead": 1}


def test_bad_arguments_are_refused(queue: JobQueue) -> None:
    with pytest.raises(ValueError, match="lease_seconds"):
        queue.claim("w", 0)
    with pytest.raises(ValueError, match="timezone"):
        queue.claim("w", 30, now=datetime(2030, 1, 1))


# --- concurrency ---------------------------------------------------------------------------------


@dataclass
class _Board:
    """What the racing workers saw, checked by the test once they are all done."""

    total: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    running: set[str] = field(default_factory=set)
    started: list[Job] = field(default_factory=list)
    done: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    deadline: float = field(default_factory=lambda: time.monotonic() + 120)

    def busy(self) -> bool:
        with self.lock:
            return len(self.done) < self.total and not self.errors

    def start(self, job: Job) -> None:
        with self.lock:
            if job.thread_key in self.running:
                self.errors.append(f"{job.delivery_id} started while {job.thread_key} ran")
            self.running.add(job.thread_key)
            self.started.append(job)

    def finish(self, job: Job) -> None:
        # Before complete(): once it commits, the thread's next job may start at once.
        with self.lock:
            self.running.discard(job.thread_key)
            self.done.append(job.id)


def _work(queue: JobQueue, worker: str, board: _Board) -> None:
    try:
        while board.busy():
            if time.monotonic() > board.deadline:
                board.errors.append(f"{worker}: jobs left over at the deadline")
                return
            job = queue.claim(worker, lease_seconds=600)
            if job is None:
                time.sleep(0.002)
                continue
            board.start(job)
            time.sleep(0.001)  # hold the job while the others keep claiming
            board.finish(job)
            if not queue.complete(job):
                board.errors.append(f"{worker} lost {job.delivery_id}")
    except Exception as err:  # reported by the test, not lost in a thread
        board.errors.append(f"{worker}: {err!r}")


def test_racing_workers_never_overlap_a_thread_and_run_every_job_once(url: str) -> None:
    thread_keys = [f"o/r#{n}" for n in range(5)]
    with JobQueue.open(url) as setup:
        for i in range(60):
            setup.enqueue(f"d-{i}", "issue_comment", thread_keys[i % 5], {"i": i})
        enqueued = {job.id: job.thread_key for job in setup.jobs()}

    # Three queue objects (separate connections, like separate processes), two workers each.
    queues = [JobQueue.open(url, pool_size=2, timeout=60) for _ in range(3)]
    board = _Board(total=len(enqueued))
    try:
        workers = [
            threading.Thread(target=_work, args=(queues[i % 3], f"w{i}", board)) for i in range(6)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        counts = queues[0].counts()
    finally:
        for opened in queues:
            opened.close()

    assert board.errors == []
    assert sorted(board.done) == sorted(enqueued)  # each exactly once
    assert all(job.attempts == 1 for job in board.started)
    for key in thread_keys:
        order = [job.id for job in board.started if job.thread_key == key]
        assert order == sorted(i for i, k in enqueued.items() if k == key)
    assert counts == {"queued": 0, "running": 0, "done": 60, "dead": 0}


def test_processes_starting_together_create_the_tables_once(url: str) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            JobQueue.open(url, pool_size=1, timeout=30).close()
        except BaseException as err:
            errors.append(err)

    starters = [threading.Thread(target=start) for _ in range(4)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join()
    assert errors == []
    with JobQueue.open(url) as queue:
        assert queue.enqueue("d-1", "issues", "o/r#1", {})


_ENQUEUER = """
import sys
from bot.jobs.queue import JobQueue

url, name = sys.argv[1], sys.argv[2]
with JobQueue.open(url, timeout=60) as queue:
    print("ready", flush=True)
    sys.stdin.readline()
    accepted = 0
    for i in range(200):
        for delivery in (f"shared-{i}", f"{name}-{i}"):
            accepted += queue.enqueue(delivery, "issues", f"o/r#{i % 7}", {"by": name}) is not None
    print(accepted, flush=True)
"""


def test_two_processes_enqueueing_into_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'helm-bot.sqlite'}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _ENQUEUER, url, name],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    try:
        for proc in procs:  # both have opened the file (and raced to create the tables)
            assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        for proc in procs:  # now both enqueue at once
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
    assert [proc.returncode for proc in procs] == [0, 0]
    accepted = [int(out) for out in outputs]
    assert sum(accepted) == 600 and min(accepted) >= 200  # every shared id went to exactly one
    with JobQueue.open(url) as queue:
        ids = {job.delivery_id for job in queue.jobs()}
    expected = {f"{p}-{i}" for p in ("shared", "a", "b") for i in range(200)}
    assert ids == expected


# --- availability --------------------------------------------------------------------------------


def test_ping_answers_while_open_and_raises_once_closed(url: str) -> None:
    queue = JobQueue.open(url, pool_size=1)
    queue.ping()
    queue.close()
    with pytest.raises(QueueUnavailable):
        queue.ping()
    with pytest.raises(QueueUnavailable):
        queue.enqueue("d-1", "issues", "o/r#1", {})


def test_ping_raises_when_the_postgres_database_is_gone(
    postgres_url: str, fresh_postgres: str
) -> None:
    with JobQueue.open(fresh_postgres, pool_size=2, timeout=1) as queue:
        queue.ping()
        name = fresh_postgres.rsplit("/", 1)[1]
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        with pytest.raises(QueueUnavailable, match="unavailable"):
            queue.ping()


def test_an_unreachable_postgres_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    with pytest.raises(QueueUnavailable, match="unavailable"):
        JobQueue.open(f"postgresql://postgres@127.0.0.1:{port}/postgres", timeout=1)


def test_pooled_connections_killed_by_the_server_are_replaced(
    postgres_url: str, fresh_postgres: str
) -> None:
    with JobQueue.open(fresh_postgres, pool_size=3) as queue:
        assert queue.enqueue("d-1", "issues", "o/r#1", {})
        name = fresh_postgres.rsplit("/", 1)[1]
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            ).fetchone()
        assert killed is not None and killed[0] >= 1
        assert queue.enqueue("d-2", "issues", "o/r#1", {})
        assert len(queue.jobs()) == 2


def test_an_unknown_database_scheme_is_the_stores_error() -> None:
    with pytest.raises(UnsupportedDatabase, match="mysql"):
        JobQueue.open("mysql://localhost/db")


# --- the async view ------------------------------------------------------------------------------


def test_the_async_queue_serves_the_webhook(url: str) -> None:
    with JobQueue.open(url) as queue:
        queue.link("octo/app", 57, "octo/app#12")

        async def webhook() -> None:
            async with await AsyncJobQueue.open(url, pool_size=4) as aqueue:
                await aqueue.ping()
                linked = aqueue.enqueue("d-0", "command", "octo/app#57", {}, about=("Octo/App", 57))
                assert await linked == "octo/app#12"
                assert await aqueue.enqueue("d-1", "issues", "o/r#1", {"n": 1}) == "o/r#1"
                assert await aqueue.enqueue("d-1", "issues", "o/r#1", {"n": 1}) is None
                many = [aqueue.enqueue(f"d-{i}", "issues", f"o/r#{i}", {}) for i in range(2, 42)]
                assert all(await asyncio.gather(*many))
                assert await aqueue.counts() == {"queued": 42, "running": 0, "done": 0, "dead": 0}
            with pytest.raises(QueueUnavailable):
                await aqueue.ping()

        asyncio.run(webhook())
        assert queue.jobs()[1].payload == {"n": 1}


def test_the_async_queue_waits_in_the_event_loop_while_sqlite_is_locked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'helm-bot.sqlite'}"
    JobQueue.open(url).close()
    other_process = sqlite3.connect(tmp_path / "helm-bot.sqlite", isolation_level=None)

    async def webhook() -> None:
        async with await AsyncJobQueue.open(url) as aqueue:
            other_process.execute("BEGIN IMMEDIATE")
            sync = aqueue._sync
            assert sync is not None
            # In place it would have to wait: it declines, and enqueue tries again later.
            with pytest.raises(_WouldWait):
                params = _enqueue_params("d-1", "issues", "o/r#1", {}, None, None)
                sync._enqueue_batch_nowait([params], isolate=False)
            pending = asyncio.ensure_future(aqueue.enqueue("d-1", "issues", "o/r#1", {}))
            for _ in range(5):  # the event loop runs other work meanwhile
                await asyncio.sleep(0.01)
            assert not pending.done()
            other_process.execute("ROLLBACK")
            assert await pending == "o/r#1"

    try:
        asyncio.run(webhook())
    finally:
        other_process.close()
    with JobQueue.open(url) as queue:
        assert [job.delivery_id for job in queue.jobs()] == ["d-1"]


def test_a_sqlite_lock_held_past_the_timeout_is_unavailable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'helm-bot.sqlite'}"
    JobQueue.open(url).close()
    other_process = sqlite3.connect(tmp_path / "helm-bot.sqlite", isolation_level=None)

    async def webhook() -> None:
        async with await AsyncJobQueue.open(url, timeout=0.2) as aqueue:
            other_process.execute("BEGIN IMMEDIATE")
            with pytest.raises(QueueUnavailable, match="locked for 0.2 s"):
                await aqueue.enqueue("d-1", "issues", "o/r#1", {})

    try:
        asyncio.run(webhook())
    finally:
        other_process.close()


def test_deliveries_arriving_together_are_written_together_and_alone_in_their_faults(
    url: str,
) -> None:
    async def webhook() -> list[object]:
        async with await AsyncJobQueue.open(url) as aqueue:
            arrivals = [aqueue.enqueue(f"d-{i}", "issues", f"o/r#{i % 3}", {}) for i in range(30)]
            arrivals.append(aqueue.enqueue("d-7", "issues", "o/r#1", {}))  # a redelivery
            arrivals.append(aqueue.enqueue("d-bad", "", "o/r#1", {}))  # breaks a CHECK
            return await asyncio.gather(*arrivals, return_exceptions=True)

    outcomes = asyncio.run(webhook())
    assert outcomes[:30] == [f"o/r#{i % 3}" for i in range(30)]
    assert outcomes[30] is None
    assert isinstance(outcomes[31], INTEGRITY_ERRORS)
    with JobQueue.open(url) as queue:
        written = sorted(job.delivery_id for job in queue.jobs())
    assert written == sorted(f"d-{i}" for i in range(30))
