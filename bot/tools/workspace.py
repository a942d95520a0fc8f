"""Where a draft chart is written for the gates to read.

The validator and the security agent each open the draft; written to one directory per draft
content, both see the same path and digest, so they share one chart context: one set of renders
and one background Trivy scan (which takes most of a run's time). A few idle drafts are kept for
the next node; the oldest idle one is removed, and what still runs for it stopped.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from bot.tools import helm
from bot.tools.models import ChartDraft
from bot.tools.values import write_chart

_KEPT_IDLE = 4  # drafts nobody uses now, kept for the next node of the same run
_lock = threading.Lock()
_users: dict[Path, int] = {}
_idle: OrderedDict[Path, None] = OrderedDict()
_root: Path | None = None


def _drafts_root() -> Path:
    """Return this process's private directory for drafts, made on first use."""
    global _root
    if _root is None:
        _root = Path(tempfile.mkdtemp(prefix="helm-bot-drafts-"))
        atexit.register(shutil.rmtree, _root, True)
    return _root


def draft_key(draft: ChartDraft) -> str:
    """Return a digest of the draft's name and every file's path and content."""
    digest = hashlib.sha256(draft.name.encode())
    for relative in sorted(draft.files):
        digest.update(b"\0" + relative.encode() + b"\0" + draft.files[relative].encode())
    return digest.hexdigest()[:32]


def _remove(home: Path) -> None:
    """Stop what runs for a draft's chart and delete its files."""
    for chart_dir in home.iterdir() if home.is_dir() else ():
        helm.forget(chart_dir)
    shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def workspace(draft: ChartDraft) -> Iterator[tuple[str, list[str]]]:
    """Write the draft (once per content); yield the chart dir and its environment values files."""
    evicted: list[Path] = []
    with _lock:
        home = _drafts_root() / draft_key(draft)
        if home in _idle:
            del _idle[home]
        elif home not in _users:
            shutil.rmtree(home, ignore_errors=True)
            write_chart(draft, home)
        _users[home] = _users.get(home, 0) + 1
    chart_dir = home / draft.name
    env_files = sorted(
        str(chart_dir / name)
        for name in draft.files
        if name.startswith("values-") and name.endswith(".yaml") and "/" not in name
    )
    try:
        yield str(chart_dir), env_files
    finally:
        with _lock:
            _users[home] -= 1
            if _users[home] == 0:
                del _users[home]
                _idle[home] = None
                while len(_idle) > _KEPT_IDLE:
                    evicted.append(_idle.popitem(last=False)[0])
        for old in evicted:
            _remove(old)
