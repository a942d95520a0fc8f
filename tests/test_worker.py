"""Workers: which failures are retried and when, and that a failing job never stops a worker."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import requests
from github import GithubException, RateLimitExceededException
from github.GithubException import RateLimitExceededExceedsMaxWait

from bot.events.events import Event
from bot.jobs.queue import JobQueue
from bot.jobs.worker import BACKOFF, Worker, retry_delay
from bot.publish.git import PushFailed
from bot.publish.render import fit


def test_transient_failures_are_retried_with_backoff_and_others_are_not() -> None:
    assert retry_delay(GithubException(502, {}, {}), 1) == BACKOFF[0]
    assert retry_delay(GithubException(503, {}, {}), 3) == BACKOFF[2]
    assert retry_delay(requests.ConnectionError("refused"), 9) == BACKOFF[-1]
    assert retry_delay(PushFailed("git push failed"), 1) == BACKOFF[0]
    assert retry_delay(RateLimitExceededExceedsMaxWait(403, {}, {}, wait=900), 1) == 900
    reset = str(int(time.time()) + 120)
    delay = retry_delay(RateLimitExceededException(403, {}, {"x-ratelimit-reset": reset}), 1)
    assert delay is not None and 100 < delay <= 120
    assert retry_delay(GithubException(404, {}, {}), 1) is None
    assert retry_delay(ValueError("a bug"), 1) is None


def _queue_with(tmp_path: Path, *events: Event) -> JobQueue:
    queue = JobQueue.open(f"sqlite:///{tmp_path / 'q.sqlite'}")
    for index, event in enumerate(events):
        queue.enqueue(f"d-{index}", event.kind, f"o/r#{event.number}", {"event": event.as_json()})
    return queue


def test_a_failing_job_is_kept_dead_and_the_worker_goes_on(tmp_path: Path) -> None:
    bad = Event(kind="command", repo="o/r", number=1, installation_id=1, verb="approve")
    good = Event(kind="command", repo="o/r", number=2, installation_id=1, verb="help")
    queue = _queue_with(tmp_path, bad, good)
    handled: list[int] = []

    def handler(event: Event, thread: str) -> str:
        if event.number == 1:
            raise KeyError("a bug in a handler")
        handled.append(event.number)
        return "ok"

    outcomes: list[str] = []
    worker = Worker(queue, handler, on_done=lambda kind, outcome, s: outcomes.append(outcome))
    stop = threading.Event()
    runner = threading.Thread(target=worker.run, args=(stop,))
    runner.start()
    deadline = time.monotonic() + 60
    while len(outcomes) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    runner.join()
    assert sorted(outcomes) == ["dead", "done"] and handled == [2]
    (dead,) = queue.jobs(state="dead")
    assert "KeyError" in (dead.error or "") and dead.payload["event"]["number"] == 1
    queue.close()


def test_a_transient_failure_puts_the_job_back_with_a_delay(tmp_path: Path) -> None:
    event = Event(kind="command", repo="o/r", number=1, installation_id=1, verb="approve")
    queue = _queue_with(tmp_path, event)

    def handler(event: Event, thread: str) -> str:
        raise GithubException(502, {"message": "Bad Gateway"}, {})

    assert Worker(queue, handler).run_once()
    (job,) = queue.jobs()
    assert job.state == "queued" and "502" in (job.error or "")
    assert job.run_after is not None
    assert not Worker(queue, handler).run_once()  # not due yet
    queue.close()


def test_long_texts_are_cut_at_a_boundary_with_a_note() -> None:
    text = "\n".join(f"## section {i}\n" + "x" * 1000 for i in range(100))
    cut = fit(text, "in the check run", limit=10_000)
    assert len(cut) <= 10_000 and cut.endswith("in the check run.*\n")
    assert fit("short", "anywhere") == "short"
