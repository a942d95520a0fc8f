"""Which part of a request talks about which workload of the app.

People describe a multi-process app the way a ticket is written: a list of components with the
facts of each ("1. **web** - `airflow webserver`, port 8080"), a heading per component, a line
naming one ("the worker needs 4Gi"), or a sentence that introduces one ("plus a Celery worker
running `celery -A shop worker`"). Lines that introduce a list for several of them ("Config
shared by web, scheduler and worker:") give each of them the list's facts. What names no
component is about the main workload and the chart as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.tools.parsing.text import dns_name, to_int

# Words that name a further workload by its role, and the component name each one gets.
ROLE_NAMES: tuple[tuple[str, str], ...] = (
    (r"(?:celery |sidekiq |rq |queue |background |async |job )?workers?", "worker"),
    (r"(?:celery )?beat|scheduler|clock", "scheduler"),
    (r"migrations?|migrate|db migrations?|database migrations?", "migrate"),
    (r"front[\s-]?end|ui|web ui", "frontend"),
    (r"back[\s-]?end", "backend"),
)
_ROLE = re.compile(r"\b(?:" + "|".join(p for p, _ in ROLE_NAMES) + r")\b", re.I)
_BULLET = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+")
_HEAD_NAME = re.compile(
    r"^[ \t]*(?:#{2,6}[ \t]+|(?:[-*+\u2022]|\d+[.)])[ \t]+)?(?:\*\*|__|`)?"
    r"(?P<name>[A-Za-z][\w.-]{0,40}?)(?:\*\*|__|`)?"
    r"(?:[ \t]*\((?P<note>[^)\n]{0,60})\))?[ \t]*(?P<sep>:|\s[-\u2014\u2013]\s|$)"
)
# A sentence that introduces a further workload with the command it runs.
_INTRO = re.compile(
    r"\b(?:an?|the|one|plus|with|and|also)\s+(?:separate\s+|dedicated\s+|small\s+)?`?"
    r"(?P<role>(?:[\w-]+\s+)?(?:workers?|beat|scheduler|consumer|migrations?|migrate|migration job|"
    r"cron\s?job|clock))\b`?[^.\n`]{0,60}?`(?P<cmd>[^`\n]+)`",
    re.I,
)
_NOT_COMPONENTS = frozenset(
    {
        "image",
        "images",
        "port",
        "ports",
        "env",
        "environment",
        "note",
        "notes",
        "ingress",
        "routing",
        "storage",
        "resources",
        "database",
        "secrets",
        "secret",
        "config",
        "tls",
        "https",
        "dns",
        "domain",
        "host",
        "hosts",
        "name",
        "service",
        "services",
        "components",
        "context",
        "background",
        "requirements",
        "summary",
        "description",
        "deployment",
        "networking",
        "monitoring",
        "logs",
        "logging",
        "security",
        "replicas",
        "scaling",
        "health",
        "probes",
        "volumes",
        "persistence",
        "redis",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "cache",
        "broker",
        "the",
        "a",
        "an",
        "and",
        "ticket",
        "update",
        "edit",
        "why",
        "what",
        "how",
        "todo",
        "e.g",
        "eg",
        "ps",
        "p.s",
    }
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


def role_name(text: str) -> str:
    """Return the component name a role phrase stands for ('a celery worker' -> worker)."""
    for pattern, name in ROLE_NAMES:
        if re.search(rf"\b(?:{pattern})\b", text, re.I):
            return name
    return ""


def aliases(name: str) -> list[str]:
    """How a request refers to a component: its name, spaced, the parts after its app prefix
    (immich-machine-learning: "machine learning"), or their initials ("ML")."""
    parts = name.split("-")
    spelled = [name, " ".join(parts), "_".join(parts)]
    for i in range(1, len(parts)):
        tail = parts[i:]
        if len("".join(tail)) > 2:
            spelled += ["-".join(tail), " ".join(tail)]
        if len(tail) >= 2:
            spelled.append("".join(p[0] for p in tail))
    return list(dict.fromkeys(spelled))


def alias_pattern(name: str) -> str:
    """A regex alternation of the ways a request writes a component's name."""
    spelled = {re.sub(r"[\s_-]+", " ", a).strip() for a in aliases(name)}
    return "|".join(
        r"[\s_-]?".join(re.escape(w) for w in a.split(" "))
        for a in sorted(spelled, key=len, reverse=True)
    )


def _mentions(line: str, names: list[str]) -> list[str]:
    """Return the known component names ``line`` mentions as words (not inside hosts/paths)."""
    found = []
    for name in names:
        pattern = alias_pattern(name)
        if re.search(rf"(?<![\w./:@-])(?:{pattern})s?(?![\w/@]|\.\w|-\w)", line, re.I):
            found.append(name)
    return found


_CLAUSES = re.compile(r",\s+|;\s+|\s+and\s+(?=(?:\d+|one|two|three|a|an|the|exactly)\b)", re.I)


def _by_clause(line: str, start: int, names: list[str], counts: dict[str, int]) -> list[Segment]:
    """Cut a line that talks about several components into one segment per clause."""
    out = []
    pos = 0
    for clause in _CLAUSES.split(line):
        at = line.find(clause, pos)
        pos = at + len(clause)
        mentioned = _mentions(clause, names)
        if len(mentioned) == 1:
            out.append(Segment(mentioned, clause, start + at, start + at + len(clause)))
            number = _count(clause, mentioned[0])
            if number is not None:
                counts.setdefault(mentioned[0], number)
    return out


def _head(line: str, known: list[str], listing: bool) -> str:
    """Return the component a heading or list item is about ('' if it is about none)."""
    match = _HEAD_NAME.match(line)
    if not match:
        return ""
    raw = match.group("name").strip(".")
    name = dns_name(raw, 30)
    if not name or raw.lower() in _NOT_COMPONENTS or name in _NOT_COMPONENTS:
        return ""
    if name in known:
        return name
    if raw.isupper() and "_" in raw:
        return ""
    decorated = bool(
        re.match(r"^[ \t]*(?:#{2,6}[ \t]+|(?:[-*+\u2022]|\d+[.)])[ \t]+)", line)
    ) or bool(re.match(r"^[ \t]*(?:\*\*|__|`)", line))
    # "**frontend** — image ..." arrives normalised as "frontend - image ...": a definition.
    decorated = decorated or match.group("sep").strip() in ("-", "\u2014", "\u2013")
    rest = line[match.end() :]
    quoted = re.findall(r"`([^`\n]+)`", rest)
    workload_words = any(re.search(r"[\s:/]", q) and not q.startswith("/") for q in quoted) or bool(
        re.search(
            r"\b(?:runs?|running|listens?|port|image|replicas?|command|cron|every|job|hook|"
            r"deployment|daemonset|statefulset)\b",
            re.sub(r"`[^`\n]*`", " ", rest),
            re.I,
        )
    )
    if listing and decorated and workload_words:
        return name
    return ""


@dataclass
class _Item:
    """A logical line: a list item with its continuation lines, a heading, or a paragraph."""

    start: int
    end: int
    text: str
    bullet: bool
    heading: bool
    blank_before: bool


_HEADING = re.compile(r"^[ \t]*#{2,6}[ \t]|^[ \t]*(?:\*\*|__)[^*_\n]+(?:\*\*|__)[ \t]*:?[ \t]*$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")


def _items(text: str) -> list[_Item]:
    """Cut the text in logical lines: wrapped lines and indented continuations are joined."""
    items: list[_Item] = []
    pos = 0
    blank = True
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            blank = True
            continue
        bullet = bool(_BULLET.match(line))
        heading = bool(_HEADING.match(line))
        last = items[-1] if items else None
        joins = (
            last is not None
            and not blank
            and not bullet
            and not heading
            and not last.heading
            and not last.text.rstrip().endswith(":")
        )
        if joins and last is not None:
            last.end = end
            last.text = text[last.start : end]
        else:
            items.append(_Item(start, end, line, bullet, heading, blank))
        blank = False
    return items


def read(text: str, known: list[str], main: str = "") -> Reading:
    """Cut ``text`` into segments per component; ``known`` are the components already known."""
    names = list(known)
    reading = Reading()
    listing = bool(re.search(r"\bcomponents?\b|\bprocesses\b|\bservices\b|\bparts?\b", text, re.I))
    current: list[str] = []
    shared: list[str] = []
    for item in _items(text):
        if item.blank_before and not item.bullet:
            shared = []
        everyone = names + ([main] if main else [])
        head = _head(item.text.split("\n", 1)[0], names, listing)
        if head:
            if head not in names and head != main:
                names.append(head)
                reading.introduced.append(head)
            if head not in reading.listed:
                reading.listed.append(head)
            if item.heading:
                current, shared = [head], []
            else:
                reading.segments.append(Segment([head], item.text, item.start, item.end))
            continue
        mentioned = _mentions(item.text, everyone)
        if item.text.rstrip().endswith(":") and len(mentioned) >= 2:
            shared = mentioned
            continue
        if item.heading:
            current, shared = ([mentioned[0]] if len(mentioned) == 1 else []), []
            continue
        targets = shared if shared and item.bullet else current
        if targets and mentioned and _restricted(item.text, mentioned):
            targets = mentioned
        if targets:
            reading.segments.append(Segment(list(targets), item.text, item.start, item.end))
            continue
        reading.segments += _by_sentence(item, everyone, reading.counts)
    _introductions(text, names, main, reading)
    return reading


_COUNT = re.compile(
    r"^\W*(?:exactly\s+|just\s+|only\s+)?(?P<n>\d+|one|two|three|four|five|six|eight|ten)\s+"
    r"(?:[a-z]+\s+){0,2}?(?P<word>[a-z][\w-]*)",
    re.I,
)


def _count(text: str, name: str) -> int | None:
    """Return N when a clause says "2 celery workers" / "exactly one beat" of a component."""
    match = _COUNT.match(text)
    if not match:
        return None
    word = match.group("word").lower().rstrip("s")
    if any(word == a.lower().rstrip("s") for a in aliases(name) if " " not in a):
        return to_int(match.group("n"))
    return None


def _by_sentence(item: _Item, names: list[str], counts: dict[str, int]) -> list[Segment]:
    """Route each sentence of a logical line to the component it is about, if one; a sentence
    that names none continues the one before it ("... On Kubernetes make that a CronJob")."""
    out: list[Segment] = []
    pos = 0
    topic: list[str] = []
    for sentence in _SENTENCE.split(item.text):
        at = item.text.find(sentence, pos)
        pos = at + len(sentence)
        start = item.start + at
        mentioned = _mentions(sentence, names)
        if len(mentioned) == 1:
            topic = [mentioned[0]]
            out.append(Segment(topic, sentence, start, start + len(sentence)))
        elif len(mentioned) >= 2 and _for_each(sentence, mentioned):
            topic = mentioned
            out.append(Segment(mentioned, sentence, start, start + len(sentence)))
        elif len(mentioned) >= 2:
            topic = []
            out += _by_clause(sentence, start, names, counts)
        elif topic:
            out.append(Segment(list(topic), sentence, start, start + len(sentence)))
    return out


def _restricted(line: str, names: list[str], least: int = 1) -> bool:
    """Say whether a line states its fact for the components it lists ("in scheduler and
    worker"), ``least`` of them at least."""
    alternatives = "|".join(alias_pattern(n) for n in names)
    more = "+" if least > 1 else "*"
    listed = rf"(?:{alternatives})s?(?:\s*(?:,|and|&)\s*(?:the\s+)?(?:{alternatives})s?){more}"
    return bool(
        re.search(rf"\b(?:in|for|on|to|by|of|both)\s+(?:the\s+)?(?:both\s+)?{listed}\b", line, re.I)
    )


def _for_each(line: str, names: list[str]) -> bool:
    """Say whether a line states one fact for several components ("in scheduler and worker")."""
    return _restricted(line, names, least=2)


def _introductions(text: str, names: list[str], main: str, reading: Reading) -> None:
    """Add the components a sentence introduces with their command ('a worker running `x`')."""
    for match in _INTRO.finditer(text):
        name = role_name(match.group("role")) or dns_name(match.group("role"), 30)
        if re.search(r"cron", match.group("role"), re.I):
            name = "cron"
        if not name or name == main:
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        reading.commands.setdefault(name, match.group("cmd").strip())
        sentence_end = text.find(".", match.end())
        end = len(text) if sentence_end < 0 else sentence_end
        newline = text.find("\n", match.start())
        if 0 <= newline < end:
            end = newline
        reading.segments.append(Segment([name], text[match.start() : end], match.start(), end))
