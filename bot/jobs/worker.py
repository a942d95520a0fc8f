"""Workers: take jobs from the queue, run them, and decide what a failure means.

A job holds a lease that a heartbeat extends while it runs, so a worker that dies leaves a job
another worker takes up once the lease runs out. GitHub being briefly unavailable or rate
limiting is not the job's fault: such a job goes back to the queue with a delay (the rate
limit's own reset time when GitHub gives one). Any other error marks the job dead with the
error kept, so nothing is lost and an operator can see and re-run it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from github import GithubException, RateLimitExceededException
from github.GithubException import RateLimitExceededExceedsMaxWait

from bot.events.events import Event
from bot.publish.git import PushFailed

log = logging.getLogger(__name__)
LEASE_SECONDS = 120.0
IDLE_POLL_SECONDS = 0.5
# Delays before retrying a job after a transient failure, by attempt.
BACKOFF = (5.0, 30.0, 120.0, 600.0)

Handler = Callable[[Event, str], str]  # (event, thread key) -> account of what was done


def worker_id() -> str:
    """A name that says which host and process holds a job."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def retry_delay(exc: BaseException, attempts: int) -> float | None:
    """Seconds to wait before a transient failure is retried; None when it is not transient."""
    if isinstance(exc, RateLimitExceededExceedsMaxWait):
        return max(float(exc.wait), 1.0)
    if isinstance(exc, RateLimitExceededException):
        reset = (exc.headers or {}).get("x-ratelimit-reset")
        if reset and str(reset).isdigit():
            return max(int(reset) - time.time(), 1.0)
        return 60.0
    transient = isinstance(exc, requests.RequestException | PushFailed) or (
        isinstance(exc, GithubException) and exc.status >= 500
    )
    if transient:
        return BACKOFF[min(attempts - 1, len(BACKOFF) - 1)] if attempts > 0 else BACKOFF[0]
    return None


class Worker:
    """Run jobs from ``queue`` with ``handler`` until ``stop`` is set."""

    def __init__(
        self,
        queue: Any,
        handler: Handler,
        *,
        name: str | None = None,
        lease: float = LEASE_SECONDS,
        poll: float = IDLE_POLL_SECONDS,
        on_done: Callable[[str, str, float], None] | None = None,
    ) -> None:
        self.queue = queue
        self.handler = handler
        self.name = name or worker_id()
        self.lease = lease
        self.poll = poll
        self.on_done = on_done  # (kind, outcome, seconds), for metrics

    def run_once(self) -> bool:
        """Take and run one job; False when there was none to take."""
        job = self.queue.claim(self.name, self.lease)
        if job is None:
            return False
        started = time.monotonic()
        stop_beat = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job, stop_beat), daemon=True)
        beat.start()
        outcome = "done"
        try:
            event = Event.from_json(job.payload["event"])
            account = self.handler(event, job.thread_key)
            log.info("job %s (%s, %s): %s", job.id, job.kind, job.thread_key, account)
            self.queue.complete(job)
        except Exception as exc:  # a job's failure must never stop the worker
            delay = retry_delay(exc, job.attempts)
            error = f"{type(exc).__name__}: {exc}"[:4000]
            if delay is not None:
                outcome = "retried"
                log.warning("job %s retried in %.0fs: %s", job.id, delay, error)
                self.queue.retry(job, error, delay)
            else:
                outcome = "dead"
                log.exception("job %s failed", job.id)
                self.queue.fail(job, error)
        finally:
            stop_beat.set()
            beat.join(timeout=5)
        if self.on_done:
            self.on_done(job.kind, outcome, time.monotonic() - started)
        return True

    def _heartbeat(self, job: Any, stop: threading.Event) -> None:
        while not stop.wait(self.lease / 3):
            try:
                if not self.queue.heartbeat(job, self.lease):
                    log.error("job %s was taken over by another worker", job.id)
                    return
            except Exception:  # the database blinked; the next beat may succeed
                log.exception("heartbeat failed for job %s", job.id)

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set; sleep ``poll`` seconds whenever the queue is empty."""
        while not stop.is_set():
            try:
                if not self.run_once():
                    stop.wait(self.poll)
            except Exception:  # the queue itself failed (database down): wait, then try again
                log.exception("worker %s could not take a job", self.name)
                stop.wait(max(self.poll, 2.0))
