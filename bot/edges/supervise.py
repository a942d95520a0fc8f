"""``helm-bot serve``'s workers, in a child process it watches over.

A chart job renders templates, runs Helm and Trivy and validates schemas: seconds of CPU, most of
it holding the GIL. Run beside the webhook in one process, it delays the answers GitHub waits
for. So ``serve`` starts ``helm-bot worker`` as a child at a lower CPU priority (``nice``): when
the machine is busy, the kernel gives the webhook its core first, and the jobs, which nobody
waits on by the millisecond, take what is left. The child is started again if it dies (its jobs'
leases run out and it takes them up again), with a growing pause if it keeps dying, and is
stopped with the server: SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence

log = logging.getLogger(__name__)

DEFAULT_WORKER_NICE = 10  # CFS weight 110 against the server's 1024: ~10% of a contended core
RESTART_PAUSES = (1.0, 2.0, 5.0, 15.0, 60.0)  # after 1st, 2nd, ... quick death in a row
STEADY_SECONDS = 60.0  # a child that ran this long was healthy: the next death starts over
STOP_GRACE = 60.0  # seconds for running jobs to finish; an unfinished job's lease runs out


def worker_command(workers: int, nice: int) -> list[str]:
    """``helm-bot worker`` as this server's child: lower priority, gone when the server is."""
    return [
        sys.executable,
        "-m",
        "bot",
        "worker",
        "--workers",
        str(workers),
        "--nice",
        str(nice),
        "--parent",
        str(os.getpid()),
    ]


class WorkerProcess:
    """Keep one child process running ``command`` until ``stop()``."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        pauses: Sequence[float] = RESTART_PAUSES,
        steady: float = STEADY_SECONDS,
        grace: float = STOP_GRACE,
    ) -> None:
        self._command = list(command)
        self._env = {**os.environ, **(env or {})}
        self._pauses = pauses
        self._steady = steady
        self._grace = grace
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self.starts = 0  # how many children were started, for logs and tests
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._child.pid if self._child is not None else None

    def start(self) -> WorkerProcess:
        self._spawn()
        self._thread.start()
        return self

    def stop(self) -> int | None:
        """Stop the child and the watching; return the child's exit code."""
        with self._lock:  # no new child after this
            self._stopping.set()
            child = self._child
        if child is None:
            return None
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=self._grace)
            except subprocess.TimeoutExpired:
                log.warning("worker process %d busy after %.0f s: killed", child.pid, self._grace)
                child.kill()
                child.wait()
        self._thread.join(timeout=5)
        return child.returncode

    def _spawn(self) -> None:
        # The child writes where the server writes. It has a session of its own, so a Ctrl-C
        # meant for the server reaches only the server, which then stops the child itself.
        with self._lock:
            if self._stopping.is_set():
                return
            child = subprocess.Popen(self._command, env=self._env, start_new_session=True)
            self._child = child
            self.starts += 1
        log.info("worker process %d started: %s", child.pid, " ".join(self._command[1:]))

    def _watch(self) -> None:
        quick_deaths = 0
        while not self._stopping.is_set():
            with self._lock:
                child = self._child
            assert child is not None
            started = time.monotonic()
            while child.poll() is None and not self._stopping.wait(0.2):
                pass
            if self._stopping.is_set():
                return
            ran = time.monotonic() - started
            quick_deaths = 0 if ran >= self._steady else quick_deaths + 1
            pause = self._pauses[min(quick_deaths, len(self._pauses)) - 1] if quick_deaths else 0.0
            log.error(
                "worker process %d exited with code %s after %.0f s; starting another%s",
                child.pid,
                child.returncode,
                ran,
                f" in {pause:.0f} s" if pause else "",
            )
            if self._stopping.wait(pause):
                return
            self._spawn()
