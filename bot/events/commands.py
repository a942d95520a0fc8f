"""Slash commands in comment bodies: ``/chart``, ``/approve``, ``/reject``, ``/edit``, ``/retry``.

People quote earlier comments, paste logs and show examples in code blocks, so a command counts
only at the start of a line that is not quoted and not inside a fenced code block; the first
such line wins. ``/approve looks good to me`` is an approval: text after a command that takes no
argument is commentary, not part of the command. ``/edit`` and ``/chart`` take the rest of the
comment (their own line and the lines after it) as their text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Verb = Literal["chart", "approve", "reject", "edit", "retry", "help"]
VERBS: tuple[Verb, ...] = ("chart", "approve", "reject", "edit", "retry", "help")
TAKES_TEXT = frozenset({"chart", "edit"})
_COMMAND = re.compile(r"^/(?P<verb>[a-z]+)\b[ \t]*(?P<rest>.*)$", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True)
class SlashCommand:
    verb: Verb
    text: str = ""  # the request for /chart, the instructions for /edit


def _normalize(body: str) -> str:
    """Fold the look-alikes phones and pastes bring in (fullwidth slash, NBSP)."""
    return unicodedata.normalize("NFKC", body).replace("\r\n", "\n").replace("\r", "\n")


def _visible_lines(body: str) -> list[tuple[int, str]]:
    """Return (index, line) for lines outside fenced code blocks and quotes."""
    lines = body.split("\n")
    visible: list[tuple[int, str]] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1) == fence:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if line.lstrip().startswith(">"):
            continue
        visible.append((index, line))
    return visible


def parse_command(body: str | None) -> SlashCommand | None:
    """Return the comment's command, or None when it holds none."""
    if not body:
        return None
    text = _normalize(body)
    lines = text.split("\n")
    for index, line in _visible_lines(text):
        match = _COMMAND.match(line.strip())
        if not match:
            continue
        verb = match.group("verb").lower()
        if verb not in VERBS:
            continue
        if verb not in TAKES_TEXT:
            return SlashCommand(verb)  # type: ignore[arg-type]
        rest = "\n".join([match.group("rest"), *lines[index + 1 :]]).strip()
        return SlashCommand(verb, rest)  # type: ignore[arg-type]
    return None


HELP = """\
**helm-bot commands** (on the chart's pull request or its issue):

| Command | What it does |
|---|---|
| `/chart <description>` | generate a chart for the service you describe |
| `/approve` | accept the decision the bot is waiting for, and go on |
| `/reject` | stop: the pull request is closed and its branch deleted |
| `/edit <instructions>` | change the request (`use port 8080`) or values \
(`resources.limits.memory=1Gi`, one per line), then go on |
| `/retry` | try the step that failed again |
| `/help` | this table |

`/approve`, `/reject`, `/edit` and `/retry` need write access to the repository (or a place in
the `approvers` list of `.github/helm-bot.yml`). An approving pull request review counts as
`/approve`."""
