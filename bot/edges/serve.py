"""``helm-bot serve`` and ``helm-bot worker``: assemble the queue, the graphs, GitHub and workers.

One database URL holds the checkpoints and the job queue. ``serve`` runs the webhook server
and one supervised ``worker`` child process; ``worker`` runs only workers, for more capacity on
the same database (PostgreSQL, for workers on other machines). ``running`` is the server with
worker threads in its own process, for tests and embedding.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from prometheus_client import CollectorRegistry

from bot.config import Settings
from bot.edges.server import JobMetrics, Metrics, create_app
from bot.edges.supervise import DEFAULT_WORKER_NICE, WorkerProcess, worker_command
from bot.events.events import Event
from bot.github.app import AppSettings, GitHubApp
from bot.graph.build import build_graph
from bot.jobs import handlers
from bot.jobs.queue import JobQueue
from bot.jobs.runner import Graph
from bot.jobs.worker import Worker
from bot.llm.settings import BadSetting
from bot.policy.base import Policy
from bot.policy.choose import choose_policy
from bot.store import open_checkpointer

log = logging.getLogger(__name__)


def graphs(saver: Any) -> Any:
    """Return ``graph_for(llm)``: the compiled graph for a repository's ``llm`` setting."""
    compiled: dict[str, Graph] = {}
    lock = threading.Lock()

    def graph_for(want: bool | None) -> Graph:
        try:
            policy, note = choose_policy(want)
        except BadSetting:  # the repository asks for a model the server does not have
            policy, note = choose_policy(None)
        key = type(policy).__name__
        with lock:
            if key not in compiled:
                log.info("%s", note)
                compiled[key] = build_graph(saver, policy)
            return compiled[key]

    return graph_for


@dataclass
class Service:
    queue: Any
    context: handlers.Context

    def handler(self, event: Event, thread: str) -> str:
        return handlers.handle(self.context, event, thread)


@contextlib.contextmanager
def service(
    settings: Settings, app_settings: AppSettings, policy: Policy | None = None
) -> Iterator[Service]:
    """Open the database and GitHub: everything a worker needs.

    ``policy`` fixes the agents' policy for every repository (by default each repository's
    ``llm`` setting and the server's model configuration decide).
    """
    with (
        JobQueue.open(settings.checkpoint_url) as queue,
        open_checkpointer(settings.checkpoint_url) as saver,
    ):
        work = Path(settings.state_home) / "work"
        work.mkdir(parents=True, exist_ok=True)
        fixed = build_graph(saver, policy) if policy is not None else None
        context = handlers.Context(
            app=GitHubApp(app_settings),
            graph_for=(lambda want: fixed) if fixed is not None else graphs(saver),
            links=queue,
            work_dir=work,
            kube_versions=settings.kube_versions,
        )
        yield Service(queue, context)


def start_workers(
    svc: Service, count: int, stop: threading.Event, metrics: JobMetrics | None = None
) -> list[threading.Thread]:
    threads = []
    for index in range(count):
        worker = Worker(svc.queue, svc.handler, on_done=metrics.job_done if metrics else None)
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"worker-{index}")
        thread.start()
        threads.append(thread)
    return threads


@dataclass
class Running:
    url: str  # the server's base URL
    service: Service


@contextlib.contextmanager
def running(
    settings: Settings,
    app_settings: AppSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    workers: int = 2,
    policy: Policy | None = None,
) -> Iterator[Running]:
    """Serve webhooks and run ``workers`` worker threads beside them; stop both on exit."""
    with service(settings, app_settings, policy) as svc:
        metrics = Metrics()
        stop = threading.Event()
        threads = start_workers(svc, workers, stop, metrics.jobs)
        try:
            with webhook_server(settings, app_settings, metrics, host, port) as url:
                yield Running(url, svc)
        finally:
            stop.set()
            for worker in threads:
                worker.join(timeout=120)


@contextlib.contextmanager
def webhook_server(
    settings: Settings, app_settings: AppSettings, metrics: Metrics, host: str, port: int
) -> Iterator[str]:
    """Run the webhook server (uvicorn, in a thread) until exit; yield its base URL."""
    app = create_app(settings.checkpoint_url, app_settings.webhook_secret, metrics=metrics)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", lifespan="on", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="webhook-server", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"the webhook server could not start on {host}:{port}")
            time.sleep(0.01)
        bound = server.servers[0].sockets[0].getsockname()[1]
        _settle_heap()
        log.info("serving on http://%s:%d", host, bound)
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _settle_heap() -> None:
    """Move everything loaded so far out of the garbage collector's sight.

    The graph, the schemas and the libraries leave ~150k long-lived objects; a full collection
    that scans them pauses a request for ~60 ms (measured by bench/webhook_load.py).
    """
    gc.collect()
    gc.freeze()


def serve(host: str, port: int, workers: int, nice: int = DEFAULT_WORKER_NICE) -> None:
    """Run the webhook server, and ``workers`` worker threads in a child process, until signalled.

    The child runs ``helm-bot worker`` at ``nice`` (see ``bot.edges.supervise``) and writes its
    metrics into a directory the server's ``/metrics`` reads.
    """
    stop = _stop_on_signals()
    settings, app_settings = Settings.from_env(), AppSettings.from_env()
    with tempfile.TemporaryDirectory(prefix="helm-bot-metrics-") as shared:
        metrics = Metrics(Path(shared) if workers else None)
        # The server process only answers webhooks: no graphs, no checkpointer, no workers.
        with webhook_server(settings, app_settings, metrics, host, port):
            child = None
            if workers:
                command = worker_command(workers, nice)
                child = WorkerProcess(command, env={"PROMETHEUS_MULTIPROC_DIR": shared}).start()
            try:
                stop.wait()
            finally:
                if child is not None:
                    child.stop()


def work(workers: int, nice: int = 0, parent: int | None = None) -> None:
    """Run worker threads only, until SIGINT or SIGTERM, or until process ``parent`` is gone."""
    stop = _stop_on_signals()
    if nice:
        os.nice(nice)  # before any thread starts: threads take the niceness of their creator
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    metrics = JobMetrics(CollectorRegistry()) if shared else None
    with service(Settings.from_env(), AppSettings.from_env()) as svc:
        threads = start_workers(svc, workers, stop, metrics)
        if parent is not None:
            watch = threading.Thread(target=_stop_without, args=(parent, stop), daemon=True)
            watch.start()
        _settle_heap()
        for thread in threads:
            thread.join()


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _stop_without(parent: int, stop: threading.Event) -> None:
    """Set ``stop`` once ``parent`` is no longer this process's parent (it died, even by KILL)."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            log.warning("server process %d is gone: stopping the workers", parent)
            stop.set()
