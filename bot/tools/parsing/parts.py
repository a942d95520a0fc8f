"""A request cut into the parts about each workload: what ``segments`` and ``introductions``
hand each other, and the two line shapes both of them cut at (list items and headings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BULLET = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+")
HEADING = re.compile(
    r"^[ \t]*#{2,6}[ \t]|^[ \t]*(?:\*\*|__)[^*_\n]+(?:\*\*|__)[ \t]*:?[ \t]*$|"
    # "Archiver (CronJob)" alone on its line: a bold heading once emphasis is normalised away.
    r"^[ \t]*[A-Za-z][\w.-]{0,40}[ \t]+\([^()\n]{1,30}\)[ \t]*:?[ \t]*$"
)


@dataclass
class Segment:
    """Text about the components in ``names`` (one, or several for a shared list)."""

    names: list[str]
    text: str
    start: int
    end: int


@dataclass
class Reading:
    """The request cut in workload segments, and the components it introduces."""

    segments: list[Segment] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=dict)
    main: str = ""  # "The tracking server (call that component `server`)": the main one's name
    kinds: dict[str, str] = field(default_factory=dict)  # the workload kinds said with the names
