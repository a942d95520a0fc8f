"""The comments of a pasted compose file that speak to the reader.

People annotate the file they paste ("# we want two of these", "# TODO: move to S3"), and those
lines are part of the request. Two kinds of ``#`` lines are not: lines inside a block scalar
(``INVIDIOUS_CONFIG: |`` and the app's own config under it) are the value's text, and lines that
comment out configuration (``# image: app:latest-arm64``, ``# https_only: false``,
``# - ./extra:/data``) are what the file does *not* do.
"""

from __future__ import annotations

import re

_BLOCK_START = re.compile(r"^(?P<indent>[ \t]*)(?:-[ \t]+)?[^#\n]*:[ \t]*[|>][-+0-9]*[ \t]*$")
_COMMENT = re.compile(r"^[ \t]*#[ \t]?(?P<body>.*)$")
# "key: value" with a one-token value (or none), "- item", "KEY=value": configuration.
_DISABLED = re.compile(
    r"^(?:-[ \t]+\S|[A-Za-z_][\w.-]*=\S*$|[a-z_][\w.-]*:(?:[ \t]+[^\s#]+)?[ \t]*(?:#.*)?$|"
    r"[A-Z][A-Z0-9_]+:(?:[ \t]+[^\s#]+)?[ \t]*$)"
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def reader_comments(text: str) -> str:
    """Return the comment lines of ``text`` that are prose for the reader, one per line."""
    kept: list[str] = []
    block = -1  # the indent of the key whose block scalar is being read, or -1
    for line in text.splitlines():
        if block >= 0:
            if not line.strip() or _indent(line) > block:
                continue
            block = -1
        start = _BLOCK_START.match(line)
        if start:
            block = len(start.group("indent"))
            continue
        comment = _COMMENT.match(line)
        if comment and not _DISABLED.match(comment.group("body").strip()):
            kept.append(comment.group("body"))
    return "\n".join(kept)
