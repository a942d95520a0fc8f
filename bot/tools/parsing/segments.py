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

from bot.tools.parsing.mentions import (
    NOT_COMPONENTS,
    NUMBERED_HEAD,
    count_of,
    for_each,
    head_component,
    mentions,
    noted_kind,
    restricted,
    role_name,
)
from bot.tools.parsing.text import dns_name

_BULLET = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+")
# A sentence that introduces a further workload with the command it runs.
_INTRO = re.compile(
    r"\b(?:an?|the|one|plus|with|and|also)\s+(?:(?:separate|dedicated|small|nightly|daily|hourly|"
    r"weekly|periodic)\s+)*`?"
    r"(?P<role>(?:[\w-]+\s+|[a-z][\w]*-)?(?:workers?|beat|scheduler|consumer|migrations?|migrate|"
    r"migration job|cron\s?job|clock))\b`?"
    r"(?:\s+(?:named\s+|called\s+)?`(?P<label>[a-z][\w-]{0,40})`)?[^.\n`]{0,60}?"
    # "a backup CronJob using `altinity/clickhouse-backup:2.6.3` that runs `...`": its image first
    r"(?:\b(?:using|with|from|on)\s+(?:the\s+)?(?:image\s+)?`[^`\s]+`[^.\n`]{0,30}?)?"
    r"`(?P<cmd>[^`\n]+)`",
    re.I,
)
# Words before "CronJob" that say when it runs, not what it is called.
_WHEN = re.compile(
    r"^(?:nightly|daily|hourly|weekly|monthly|periodic|scheduled|separate|a|the)$", re.I
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


# Words that announce a list of the app's workloads, and list items that define one each
# ("- `server` — the web app on port 5000"): either way, the list names components.
_LISTING_WORDS = re.compile(
    r"\bcomponents?\b|\bprocess(?:es)?\b|\bservices\b|\bparts?\b|\broles\b|\bworkloads\b",
    re.I,
)
_DEFINITIONS = re.compile(
    r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+(?:(?:\*\*|__|`)[A-Za-z][\w.-]{0,40}(?:\*\*|__|`)"
    r"[ \t]*(?:\([^)\n]{0,60}\)[ \t]*)?(?::|[-\u2014\u2013])[ \t]|"
    r"[a-z][\w.-]{0,40}[ \t]+[-\u2014\u2013][ \t])",
    re.M,
)
_CLAUSES = re.compile(r",\s+|;\s+|\s+and\s+(?=(?:\d+|one|two|three|a|an|the|exactly)\b)", re.I)


def _by_clause(line: str, start: int, names: list[str], counts: dict[str, int]) -> list[Segment]:
    """Cut a line that talks about several components into one segment per clause."""
    out = []
    pos = 0
    topic: list[str] = []
    for clause in _CLAUSES.split(line):
        at = line.find(clause, pos)
        pos = at + len(clause)
        mentioned = mentions(clause, names)
        if len(mentioned) == 1:
            topic = mentioned
            number = count_of(clause, mentioned[0])
            if number is not None:
                counts.setdefault(mentioned[0], number)
        elif mentioned:
            topic = []
        if topic and out and out[-1].names == topic:
            # "give sidekiq a 1Gi request and a 2Gi limit": the limit is sidekiq's too.
            first = out[-1].start - start
            out[-1].end, out[-1].text = start + at + len(clause), line[first : at + len(clause)]
        elif topic:
            out.append(Segment(list(topic), clause, start + at, start + at + len(clause)))
    return out


@dataclass
class _Item:
    """A logical line: a list item with its continuation lines, a heading, or a paragraph."""

    start: int
    end: int
    text: str
    bullet: bool
    heading: bool
    blank_before: bool


_HEADING = re.compile(
    r"^[ \t]*#{2,6}[ \t]|^[ \t]*(?:\*\*|__)[^*_\n]+(?:\*\*|__)[ \t]*:?[ \t]*$|"
    # "Archiver (CronJob)" alone on its line: a bold heading once emphasis is normalised away.
    r"^[ \t]*[A-Za-z][\w.-]{0,40}[ \t]+\([^()\n]{1,30}\)[ \t]*:?[ \t]*$"
)
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
        heading = bool(_HEADING.match(line) or NUMBERED_HEAD.match(line))
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
    for name in _kind_introductions(text, names, main):
        names.append(name)
        reading.introduced.append(name)
        reading.listed.append(name)
    listing = bool(_LISTING_WORDS.search(text)) or len(_DEFINITIONS.findall(text)) >= 2
    current: list[str] = []
    shared: list[str] = []
    intro: Segment | None = None
    intro_indent = -1
    items = _items(text)
    headed = _headed_lists(items, names, listing)
    for index, item in enumerate(items):
        if item.blank_before and not item.bullet:
            shared = []
        everyone = names + ([main] if main else [])
        head = head_component(item.text.split("\n", 1)[0], names, listing) or headed.get(index, "")
        if head and index in headed:
            item.heading = True  # a bold heading the text lost its emphasis for
        if head:
            if head not in names and head != main:
                names.append(head)
                reading.introduced.append(head)
            if head not in reading.listed and not noted_kind(item.text.split("\n", 1)[0]):
                reading.listed.append(head)  # "Archiver (CronJob)" is no candidate for main
            if item.heading:
                current, shared = [head], []
                # "Archiver (CronJob)", "CronJob `visit-locate`": the heading says its kind
                if noted_kind(item.text) or re.search(r"\b(?:cron\s?job|job)\b", item.text, re.I):
                    reading.segments.append(Segment([head], item.text, item.start, item.end))
            else:
                reading.segments.append(Segment([head], item.text, item.start, item.end))
            continue
        mentioned = mentions(item.text, everyone)
        if (
            item.text.rstrip().endswith(":")
            and len(mentioned) >= 2
            and for_each(item.text, mentioned)
        ):
            # "... is shared by web and sidekiq, so it needs a ReadWriteMany volume:" states
            # facts of its own for both, and introduces more for them.
            shared = mentioned
            intro = Segment(list(mentioned), item.text, item.start, item.end)
            intro_indent = _indent(item.text) if item.bullet else -1
            reading.segments.append(intro)
            continue
        if item.heading:
            # A title naming the app itself ("Superset on Kubernetes") is about the whole
            # request: what follows is routed sentence by sentence.
            about = [m for m in mentioned if m != main]
            current, shared = (about if len(about) == 1 and len(mentioned) == 1 else []), []
            continue
        continues = item.bullet or item.text[:1] in (" ", "\t")
        if shared and intro is not None and continues and not item.bullet:
            # The indented rest of the intro's sentence: one part with it.
            intro.end, intro.text = item.end, text[intro.start : item.end]
            continue
        if item.bullet:
            intro = None
            if _indent(item.text) <= intro_indent:
                shared = []  # a sibling of the list item that introduced them, not a sub-item
        targets = shared if shared and continues else current
        if targets and mentioned and restricted(item.text, mentioned):
            targets = mentioned
        if targets:
            reading.segments.append(Segment(list(targets), item.text, item.start, item.end))
            continue
        reading.segments += _by_sentence(item, everyone, reading.counts)
    _introductions(text, names, main, reading)
    _named_introductions(text, names, main, reading)
    _given_names(text, reading)
    return reading


# "The server should be a StatefulSet running ...", "The agents are a Deployment of ...".
_KIND_INTRO = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))[ \t]*(?:the|our|its)\s+(?P<name>[a-z][\w-]{1,30}?)"
    r"(?:\s+(?:server|service|worker|process|container|gateway))?"
    # "The querier (call it `query`)", "The store gateway (`store-gateway`)": its given name
    r"(?:\s*\((?:call\s+it\s+|named\s+|called\s+)?`(?P<label>[a-z][\w-]{0,40})`\))?\s+"
    r"(?:(?:should\s+be|will\s+be|must\s+be|is|are|runs?\s+as|goes\s+in)\s+an?\s+"
    r"(?:[\w-]+\s+)?(?:deployment|statefulset|daemonset|cron\s?job|job)\b|"
    # "The server should run `drone/drone:2.24.0`", "The runner is `drone/drone-runner-kube:1.0`"
    r"(?:should\s+(?:run|use|be)|will\s+run|is|are|runs|uses)\s+`?[\w.-]+(?:/[\w.-]+)+:[\w.-]+|"
    # "The daemon runs `dagster-daemon run`"
    r"runs\s+`[^`\n]+`)",
    re.I | re.M,
)


def _kind_introductions(text: str, names: list[str], main: str) -> list[str]:
    """Roles that sentences of their own give a workload kind each: two or more of them are
    the app's components, and what follows each sentence is about that one."""
    found: list[str] = []
    for match in _KIND_INTRO.finditer(text):
        word = (match.group("label") or match.group("name")).lower()
        name = dns_name(word[:-1] if word.endswith("s") and not word.endswith("ss") else word, 30)
        if (
            name
            and name not in found
            and name not in names
            and name != main
            and name not in ("app", "application", "service", "chart", "it", "whole", "thing")
        ):
            found.append(name)
    return found if len(found) >= 2 else []


# "(call that component `server`)", "Call it `backup`.": the name of what was just described.
_CALL = re.compile(
    r"\bcall\s+(?:it|that|this|them|the\s+[\w-]+)\s+(?:one\s+|component\s+|workload\s+)?"
    r"`(?P<name>[a-z][\w-]{0,40})`",
    re.I,
)


def _given_names(text: str, reading: Reading) -> None:
    """Name what a "call it `x`" follows: a workload just introduced, else the main one."""
    for match in _CALL.finditer(text):
        name = dns_name(match.group("name"), 30)
        before = [
            seg
            for seg in reading.segments
            if len(seg.names) == 1
            and seg.names[0] in reading.introduced
            and seg.start <= match.start() <= seg.end + 3
        ]
        if not before:
            reading.main = reading.main or name
            continue
        old = before[-1].names[0]
        if name == old or name in reading.introduced:
            continue
        reading.introduced[reading.introduced.index(old)] = name
        for seg in reading.segments:
            seg.names = [name if n == old else n for n in seg.names]
        if old in reading.commands:
            reading.commands[name] = reading.commands.pop(old)


# "**web-client**" or "**CronJob `visit-locate`**" alone on its line, over a list that gives an
# image: the heading names a workload, whatever language the list is in.
_HEADED = re.compile(
    r"^[ \t#*_]*(?:(?:cron\s?job|job|deployment|statefulset|daemonset)\s+)?`?"
    r"(?P<name>[A-Za-z][\w.-]{1,40})`?(?:\s*\([^()\n]{1,30}\))?[ \t*_]*:?[ \t]*$",
    re.I,
)
_GIVES_IMAGE = re.compile(
    r"\b(?:image|imagen|imagem|immagine|bild|obraz)\b|\b[\w.-]+/[\w.-]+:[\w.-]+|misma\s+image",
    re.I,
)


_THE_APP = frozenset(
    """app application main the-app container containers pod pods workload workloads
    deployment setup details general overview configuration basics""".split()
)


def _headed_lists(items: list[_Item], names: list[str], listing: bool) -> dict[int, str]:
    """The headings over lists that give an image, by item: two or more of them are the app's
    workloads; one alone ("Controller:", "**Web**" beside "**Archiver (CronJob)**") is the app
    itself."""
    found: dict[int, str] = {}
    for index, item in enumerate(items):
        lone = not item.bullet and "\n" not in item.text.strip() and len(item.text.strip()) <= 50
        if head_component(item.text.split("\n", 1)[0], names, listing):
            continue  # a heading read as a workload's already
        if item.heading or lone:
            name = _headed_list(item, items[index + 1 :])
            if name:
                found[index] = name
    return found if len(set(found.values())) >= 2 else {}


def _headed_list(item: _Item, following: list[_Item]) -> str:
    match = _HEADED.match(item.text.split("\n", 1)[0])
    if not match:
        return ""
    name = dns_name(match.group("name"), 30)
    if not name or name in NOT_COMPONENTS or name in _THE_APP:
        return ""  # "**App**", "## Container" over the main workload's list: the app itself
    listed = []
    for other in following:
        if other.heading or not other.bullet:
            break
        listed.append(other.text)
    return name if listed and _GIVES_IMAGE.search("\n".join(listed)) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


_ALL_OF_THEM = re.compile(
    r"\s*(?:all|each\s+of\s+the|every\s+one\s+of\s+the)\s+(?:(?:two|three|four|five|\d)\s+)?"
    r"(?:workloads|components|processes|services|deployments|containers)\b",
    re.I,
)
_PRONOUN = re.compile(r"\s*(?:it|its|it's|this\s+one)\b", re.I)


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
        mentioned = mentions(sentence, names)
        if not mentioned and _ALL_OF_THEM.match(sentence):
            topic = list(names)  # "All three workloads need ..."
            out.append(Segment(topic, sentence, start, start + len(sentence)))
            continue
        if topic and _PRONOUN.match(sentence):
            # "It serves HTTP on 8000 and gRPC for the agents": still the one before.
            mentioned = topic
        if len(mentioned) == 1:
            topic = [mentioned[0]]
            out.append(Segment(topic, sentence, start, start + len(sentence)))
            number = count_of(sentence, mentioned[0])
            if number is not None:
                counts.setdefault(mentioned[0], number)
        elif len(mentioned) >= 2 and for_each(sentence, mentioned):
            topic = mentioned
            out.append(Segment(mentioned, sentence, start, start + len(sentence)))
        elif len(mentioned) >= 2:
            topic = []
            out += _by_clause(sentence, start, names, counts)
        elif topic:
            out.append(Segment(list(topic), sentence, start, start + len(sentence)))
    return out


def _not_an_introduction(text: str, match: re.Match[str]) -> bool:
    """ "Run it as a CronJob" says what the main workload is; "`cronjob.yaml`" names a file."""
    said_as = re.search(r"\bas\s*$", text[max(0, match.start() - 10) : match.start()], re.I)
    return bool(said_as) or bool(re.search(r"\.(?:ya?ml|json)$", match.group("cmd").strip()))


def _introductions(text: str, names: list[str], main: str, reading: Reading) -> None:
    """Add the components a sentence introduces with their command ('a worker running `x`')."""
    for match in _INTRO.finditer(text):
        role = match.group("role")
        named = "-" in role and " " not in role  # "a `db-migrate` Job": the name it is given
        name = dns_name(role, 30) if named else role_name(role) or dns_name(role, 30)
        if re.search(r"cron", role, re.I):
            first = role.split()[0] if " " in role else ""
            # "a backup CronJob" is called backup; "a nightly cron job" is the app's cron
            name = dns_name(first, 30) if first and not _WHEN.match(first) else "cron"
        if match.group("label"):
            name = match.group("label")  # "a CronJob `index` that runs `...`": its given name
        known = [w for w in re.findall(r"[a-z][\w-]*", role.lower()) if w in names]
        if known:
            name = known[0]  # "The sync worker uses ..., runs `x`": the sync one, named before
        if not name or name == main or _not_an_introduction(text, match):
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        reading.commands.setdefault(name, match.group("cmd").strip())
        sentence_end = text.find(".", match.end())
        end = len(text) if sentence_end < 0 else sentence_end
        end = min(end, _item_end(text, match.start()))
        start = _lead_in(text, match.start())
        reading.segments.append(Segment([name], text[start:end], start, end))


# "as a CronJob called `state-compressor`:" and the list under it: a further, named workload.
_NAMED_INTRO = re.compile(
    r"\b(?:as\s+)?an?\s+(?:[a-z][\w-]*\s+){0,3}?(?:cron\s?job|job|deployment|statefulset|"
    r"daemonset|worker)\s+(?:called|named)\s+`(?P<name>[a-z][\w-]{0,40})`(?P<colon>[ \t]*:)?",
    re.I,
)


def _named_introductions(text: str, names: list[str], main: str, reading: Reading) -> None:
    for match in _NAMED_INTRO.finditer(text):
        name = dns_name(match.group("name"), 30)
        if not name or name == main or any(name in seg.names for seg in reading.segments):
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        start = match.start()
        sentence_end = text.find(".", match.end())
        end = len(text) if sentence_end < 0 else sentence_end
        # "..., and then the Deployment itself only runs `x`": the sentence moves on.
        turn = re.compile(r",?\s+and\s+then\b|;\s").search(text, match.end(), end)
        end = turn.start() if turn else end
        if match.group("colon"):
            end = _list_end(text, match.end())
        reading.segments.append(Segment([name], text[start:end], start, end))


def _list_end(text: str, pos: int) -> int:
    """Where the bullet list that follows ``pos`` ends (a blank line and no further item)."""
    end = text.find("\n", pos)
    if end < 0:
        return len(text)
    while True:
        following = text.find("\n", end + 1)
        line = text[end + 1 : following if following >= 0 else len(text)]
        if line.strip() and not _BULLET.match(line) and not line.startswith((" ", "\t")):
            return end
        if following < 0:
            return len(text)
        end = following


_LEAD_IN = re.compile(r"(?:^|(?<=[.!?:\n]))[ \t]*(?P<words>[A-Za-z][A-Za-z ]{0,50})$")


def _lead_in(text: str, start: int) -> int:
    """Move an introduction's start back over the few plain words that open its sentence:
    "Before each release add a `migrate` Job" says when that Job runs, not the app."""
    match = _LEAD_IN.search(text[max(0, start - 60) : start])
    if not match or len(match.group("words").split()) > 6:
        return start
    return start - len(match.group("words"))


def _item_end(text: str, pos: int) -> int:
    """Return where the paragraph or list item holding ``pos`` ends (a wrapped line goes on)."""
    newline = text.find("\n", pos)
    while newline >= 0:
        following = text[newline + 1 : text.find("\n", newline + 1) % (len(text) + 1)]
        if not following.strip() or _BULLET.match(following) or _HEADING.match(following):
            return newline
        newline = text.find("\n", newline + 1)
    return len(text)
