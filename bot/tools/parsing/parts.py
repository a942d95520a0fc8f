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

# "**Component 1: `vmsingle`**", "### Service 2 - api": a heading that numbers the app's parts.
NUMBERED_HEAD = re.compile(
    r"^[ \t]*(?:#{2,6}[ \t]+)?(?:\*\*|__)?(?:component|workload|process|service|deployment)"
    r"[ \t]*(?:#?\d+|[A-Z])?[ \t]*(?::|[-\u2014\u2013])[ \t]*(?:\*\*|__|`)*"
    # "## Workload 1: `lapi` (Deployment)": its kind may follow in brackets
    r"(?P<name>[A-Za-z][\w.-]{0,40}?)(?:\*\*|__|`)*"
    r"(?:[ \t]*\((?:deployment|statefulset|daemonset|cron\s?job|job)\))?[ \t]*"
    r"(?::[ \t]*(?=[A-Z]).*)?:?[ \t]*$",  # a form's heading arrives with its first line after ":"
    re.I,
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

    def rename(self, old: str, new: str) -> None:
        """Call the part ``old`` by ``new`` wherever the reading names it."""
        self.introduced = [new if n == old else n for n in self.introduced]
        self.listed = [new if n == old else n for n in self.listed]
        for seg in self.segments:
            seg.names = [new if n == old else n for n in seg.names]
        for table in (self.commands, self.kinds, self.counts):
            if old in table:
                table[new] = table.pop(old)  # type: ignore[index]
        if self.main == old:
            self.main = new


@dataclass
class Item:
    """A logical line: a list item with its continuation lines, a heading, or a paragraph."""

    start: int
    end: int
    text: str
    bullet: bool
    heading: bool
    blank_before: bool


# A sentence starts with a capital, or in lowercase as terse writers start one ("... and hbbr.
# both on LoadBalancer services", "gunicorn listens on 8000"); not after an abbreviation.


# A prose line the writer's editor wrapped right after a colon ("... through the chart's own
# Kill Bill Service:" then "`KAUI_KILLBILL_URL` should be ..."): the sentence goes on.
_WRAPPED_AT_COLON = re.compile(r"`[^`\n]+`\s+(?:should|must|is|are|needs?|has|have|will)\b")


def logical_lines(text: str) -> list[Item]:
    """Cut the text in logical lines: wrapped lines and indented continuations are joined."""
    items: list[Item] = []
    pos = 0
    blank = True
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            blank = True
            continue
        bullet = bool(BULLET.match(line))
        heading = bool(HEADING.match(line) or NUMBERED_HEAD.match(line))
        last = items[-1] if items else None
        joins = (
            last is not None
            and not blank
            and not bullet
            and not heading
            and not last.heading
            and (
                not last.text.rstrip().endswith(":")
                or _WRAPPED_AT_COLON.match(line, 0) is not None
                and len(last.text.rsplit("\n", 1)[-1]) >= 80
            )
        )
        if joins and last is not None:
            last.end = end
            last.text = text[last.start : end]
        else:
            items.append(Item(start, end, line, bullet, heading, blank))
        blank = False
    return items
