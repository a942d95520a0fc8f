"""Hidden markers in what the bot writes on GitHub, so a re-run finds it instead of writing twice.

A job may run again after a crash, a redelivery or a retry; every comment, review and pull
request the bot writes carries an HTML comment naming its kind and thread (and, for reviews, the
question it asks), which GitHub renders invisibly and the bot searches for before writing.
"""

from __future__ import annotations

import re

_MARKER = re.compile(r"<!-- helm-bot:(?P<kind>[a-z-]+) (?P<key>[^\s>]+) -->")


def marker(kind: str, key: str) -> str:
    """Return the marker for ``kind`` (status, pull-request, review, reply) and ``key``."""
    return f"<!-- helm-bot:{kind} {key} -->"


def has_marker(body: str | None, kind: str, key: str) -> bool:
    """Tell whether ``body`` carries the marker."""
    return bool(body) and marker(kind, key) in (body or "")


def markers_in(body: str | None) -> list[tuple[str, str]]:
    """Return every (kind, key) marked in ``body``."""
    return [(m["kind"], m["key"]) for m in _MARKER.finditer(body or "")]
