"""Micro-benchmark: how many webhook deliveries per second ``JobQueue.enqueue`` can record.

Run: ``.venv/bin/python bench/queue_enqueue.py [--count N] [--threads N]``

Always measures SQLite (a scratch file); measures PostgreSQL too when ``DATABASE_URL`` points at
one. There the queue's tables are created if missing, and the rows written are left behind: jobs
whose delivery ids start with ``bench-``, and a ``bench_bare`` table. For reference, each database
also gets the bare minimum a webhook must do: insert the delivery id alone into a table of its own,
with the same settings. Printed: enqueues per second from one thread, from several threads at once,
and from asyncio tasks, through ``AsyncJobQueue`` or through ``asyncio.to_thread(enqueue)``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.jobs.queue import AsyncJobQueue, JobQueue  # noqa: E402

# Roughly the size of the parsed issue_comment event the worker needs.
PAYLOAD = {
    "action": "created",
    "repository": {"full_name": "octo-org/service", "id": 1296269},
    "issue": {"number": 12, "title": "Chart for the payments API", "user": {"login": "octocat"}},
    "comment": {"id": 1, "body": "Please use 3 replicas and expose port 8080. " * 8},
    "installation": {"id": 42},
}
Enqueue = Callable[[str], object]


def rate(count: int, threads: int, call: Enqueue) -> float:
    """Run ``call`` on ``count`` fresh delivery ids from ``threads`` threads; return calls/s."""
    run = uuid.uuid4().hex[:8]
    ids = [f"bench-{run}-{i}" for i in range(count)]
    started = time.perf_counter()
    if threads == 1:
        for delivery_id in ids:
            call(delivery_id)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(call, ids))
    return count / (time.perf_counter() - started)


def async_rate(count: int, tasks: int, url: str, via_thread: bool = False) -> float:
    """Enqueue ``count`` deliveries from ``tasks`` asyncio tasks; return enqueues/s.

    ``via_thread`` measures the alternative to AsyncJobQueue: the sync queue in a thread.
    """
    run = uuid.uuid4().hex[:8]

    async def main() -> float:
        limit = asyncio.Semaphore(tasks)
        async with await AsyncJobQueue.open(url, pool_size=tasks) as aqueue:
            with JobQueue.open(url, pool_size=tasks) as queue:

                async def one(i: int) -> None:
                    delivery = (f"bench-{run}-{i}", "issue_comment", f"o/r#{i}", PAYLOAD)
                    async with limit:
                        if via_thread:
                            await asyncio.to_thread(queue.enqueue, *delivery)
                        else:
                            await aqueue.enqueue(*delivery)

                started = time.perf_counter()
                await asyncio.gather(*(one(i) for i in range(count)))
                return count / (time.perf_counter() - started)

    return asyncio.run(main())


def enqueuer(queue: JobQueue) -> Enqueue:
    def call(delivery_id: str) -> object:
        return queue.enqueue(delivery_id, "issue_comment", "octo-org/service#12", PAYLOAD)

    return call


def bare_sqlite(path: Path) -> Enqueue:
    """Insert the delivery id alone: what a webhook without a job queue would still do."""
    local = threading.local()
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE IF NOT EXISTS bench_bare (delivery_id TEXT PRIMARY KEY)")
    setup.close()

    def call(delivery_id: str) -> object:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("INSERT INTO bench_bare VALUES (?) ON CONFLICT DO NOTHING", (delivery_id,))
        return None

    return call


def bare_postgres(url: str, pool_size: int) -> tuple[Enqueue, Callable[[], None]]:
    """Insert the delivery id alone over the same kind of pool."""
    from psycopg_pool import ConnectionPool

    pool = ConnectionPool(
        url, min_size=pool_size, max_size=pool_size, kwargs={"autocommit": True}, open=False
    )
    pool.open(wait=True)
    with pool.connection() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_bare (delivery_id TEXT PRIMARY KEY)")

    def call(delivery_id: str) -> object:
        with pool.connection() as conn:
            conn.execute(
                "INSERT INTO bench_bare VALUES (%s) ON CONFLICT DO NOTHING", (delivery_id,)
            )
        return None

    return call, pool.close


def report(label: str, figures: dict[str, float]) -> None:
    cells = "  ".join(f"{name} {value:>8,.0f}/s" for name, value in figures.items())
    print(f"{label:<28} {cells}")


def bench_sqlite(count: int, threads: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.sqlite"
        url = f"sqlite:///{path}"
        with JobQueue.open(url) as queue:
            call = enqueuer(queue)
            call("warm-up")
            report(
                "sqlite enqueue",
                {
                    "1 thread": rate(count, 1, call),
                    f"{threads} threads": rate(count, threads, call),
                },
            )
            report(
                "sqlite asyncio",
                {
                    f"{threads} tasks, AsyncJobQueue": async_rate(count, threads, url),
                    "to_thread(enqueue)": async_rate(count, threads, url, via_thread=True),
                },
            )
        bare = bare_sqlite(path)
        report(
            "sqlite bare delivery insert",
            {"1 thread": rate(count, 1, bare), f"{threads} threads": rate(count, threads, bare)},
        )


def bench_postgres(url: str, count: int, threads: int) -> None:
    with JobQueue.open(url, pool_size=threads) as queue:
        call = enqueuer(queue)
        call(f"bench-warm-up-{uuid.uuid4()}")
        report(
            "postgres enqueue",
            {"1 thread": rate(count, 1, call), f"{threads} threads": rate(count, threads, call)},
        )
        report(
            "postgres asyncio",
            {
                f"{threads} tasks, AsyncJobQueue": async_rate(count, threads, url),
                "to_thread(enqueue)": async_rate(count, threads, url, via_thread=True),
            },
        )
    bare, close = bare_postgres(url, threads)
    try:
        report(
            "postgres bare delivery insert",
            {"1 thread": rate(count, 1, bare), f"{threads} threads": rate(count, threads, bare)},
        )
    finally:
        close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="enqueues per measurement")
    parser.add_argument("--threads", type=int, default=32, help="concurrent callers")
    args = parser.parse_args()
    print(f"{args.count} enqueues per figure, {os.cpu_count()} CPUs")
    bench_sqlite(args.count, args.threads)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        bench_postgres(url, args.count, args.threads)
    else:
        print("postgres: skipped (set DATABASE_URL=postgresql://... to measure it)")


if __name__ == "__main__":
    main()
