"""Which part of a request talks about which workload of the app.

People describe a multi-process app the way a ticket is written: a list of components with the
facts of each ("1. **web** - `airflow webserver`, port 8080"), a heading per component, a line
naming one ("the worker needs 4Gi"), or a sentence that introduces one ("plus a Celery worker
running `celery -A shop worker`"). Lines that introduce a list for several of them ("Config
shared by web, scheduler and worker:") give each of them the list's facts. What names no
component is about the main workload and the chart as a whole. Workloads named before the cut
come from ``image_roles`` (the images the parts are given) and ``part_lists`` ("two workloads —
a and b", "(web + worker)"); those a sentence brings in as it goes, from ``introductions``.
"""

from __future__ import annotations

import re

from bot.tools.parsing.headed_lists import (
    NUMBERED,
    headed_lists,
    known_heads,
    lead_of_parts,
    titles_list,
)
from bot.tools.parsing.image_aliases import rename_roles
from bot.tools.parsing.image_roles import called_images, image_parts
from bot.tools.parsing.introductions import (
    given_names,
    introductions,
    kind_introductions,
    later_mentions,
    listed_cronjobs,
    named_introductions,
    own_words,
)
from bot.tools.parsing.mentions import (
    alias_pattern,
    count_of,
    for_each,
    head_component,
    mentions,
    noted_kind,
    restricted,
)
from bot.tools.parsing.part_lists import (
    argument_parts,
    counted_parts,
    plus_parts,
    running_parts,
)
from bot.tools.parsing.parts import Item, Reading, Segment, logical_lines
from bot.tools.parsing.text import dns_name, to_int, without_asides

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
_ENDS_WITH_NAME = re.compile(r"(?:^|:\s)[`*_]*(?P<name>[a-z][\w-]*)[`*_]*:$")
# "CLIENT_HOST=https://uptime.example.net" lines, each a setting
_SETTINGS = re.compile(r"(?:[ \t]*[A-Z][A-Z0-9_]*=[^\n]*(?:\n|$))+$")
_CLAUSES = re.compile(r",\s+|;\s+|\s+and\s+(?=(?:\d+|one|two|three|a|an|the|exactly)\b)", re.I)


_ROUTING = re.compile(r"\bingress\b|\bhosts?\b|\bdomains?\b|\broute[sd]?\b|(?<![\w.])/[\w-]*", re.I)


def _clauses(line: str, names: list[str]) -> list[tuple[int, str]]:
    """Cut ``line`` at its clause breaks, with where each clause starts: commas and "and" before
    a count or a component's name, outside brackets ("hbbs (`hbbs -r x`, tcp 21115) and hbbr")."""
    named = "|".join(alias_pattern(n) for n in names)
    breaks = [
        m
        # "... port 7000) and an `indexer` (...)": the name may be in code, after an article
        for pattern in (
            _CLAUSES,
            re.compile(rf"\s+and\s+(?=(?:the\s+|an?\s+)?`?(?:{named})\b)", re.I),
        )
        for m in pattern.finditer(line)
        if names or pattern is _CLAUSES
    ]
    depth_at = [0] * (len(line) + 1)
    depth = 0
    for i, ch in enumerate(line):
        depth += (ch == "(") - (ch == ")")
        depth_at[i + 1] = max(depth, 0)
    cuts = sorted({(m.start(), m.end()) for m in breaks if depth_at[m.start()] == 0})
    out: list[tuple[int, str]] = []
    pos = 0
    for begin, end in cuts:
        if begin < pos:
            continue
        out.append((pos, line[pos:begin]))
        pos = end
    out.append((pos, line[pos:]))
    return out


_OBJECT_OF = re.compile(
    r"\b(?:to|from|with|at|towards|via|behind|reach(?:es)?|than|of)\s+(?:the\s+|its\s+|our\s+)?`?$",
    re.I,
)


def _subject(clause: str, mentioned: list[str]) -> list[str]:
    """The part a clause opens with, when every other part it names is what that one talks to
    ("The agents connect outward to the hub"); none otherwise."""
    for name in mentioned:
        said = re.match(
            rf"\W*(?:the\s+|our\s+|each\s+|every\s+)?`?(?:{alias_pattern(name)})s?`?(?![\w-])",
            clause,
            re.I,
        )
        if not said:
            continue
        for other in mentioned:
            if other == name:
                continue
            found = [
                m.start()
                for m in re.finditer(
                    rf"(?<![\w-])`?(?:{alias_pattern(other)})s?`?(?![\w-])", clause, re.I
                )
            ]
            if not found or not all(
                _OBJECT_OF.search(clause[max(0, at - 40) : at]) for at in found
            ):
                return []
        return [name]
    return []


_POINTING = re.compile(
    r"\s*(?:and\s+)?(?:pointing|points|connecting|connects|talking|talks)\s+(?:at|to)\b", re.I
)


# A clause with no subject of its own: it goes on about the one before
_GOES_ON = re.compile(
    r"\s*(?:and\s+|but\s+)?(?:must|should|needs?\s+to|has\s+to|have\s+to|will|can|reaches|"
    r"talks|connects|points|uses)\b",
    re.I,
)


def _only_objects(clause: str, mentioned: list[str]) -> bool:
    """Whether the parts a clause names are what it reaches, not who does ("reach Kill Bill")."""
    for name in mentioned:
        found = [
            m.start()
            for m in re.finditer(
                rf"(?<![\w-])`?(?:{alias_pattern(name)})s?`?(?![\w-])", clause, re.I
            )
        ]
        if not found or not _OBJECT_OF.search(clause[max(0, found[0] - 40) : found[0]]):
            return False  # its first mention is what the clause's verb reaches
    return True


def _by_clause(line: str, start: int, names: list[str], counts: dict[str, int]) -> list[Segment]:
    """Cut a line that talks about several components into one segment per clause."""
    out = []
    topic: list[str] = []
    for at, clause in _clauses(line, names):
        mentioned = mentions(_COMPARED.sub(" ", clause), names)  # "the same `A` as the worker"
        if len(mentioned) > 1:
            # "The REST API proxy runs with `--server <chirpstack service>:8080`": a name
            # inside its command is what it talks to
            mentioned = mentions(re.sub(r"`[^`\n]*`", " ", clause), names) or mentioned
        if len(mentioned) > 1:
            # "The agents connect outward to the hub": the agents', the hub only what they reach
            mentioned = _subject(clause, mentioned) or mentioned
        if topic and _POINTING.match(clause):
            mentioned = topic  # "..., pointing at the chirpstack Service": still the same one
        elif (
            topic
            and mentioned != topic
            and _GOES_ON.match(clause)
            and _only_objects(clause, mentioned)
        ):
            mentioned = topic  # "Kaui ..., and must reach Kill Bill through ...": Kaui's still
        if len(mentioned) == 1:
            topic = mentioned
            number = count_of(clause, mentioned[0])
            if number is not None:
                counts.setdefault(mentioned[0], number)
        elif mentioned:
            # "the agent needs a Service the engine can reach on 8081": about one of them, not
            # about the app as a whole; nobody's fact, rather than the main workload's. Routes
            # between them ("/api going to api and the rest to web") are the chart's.
            topic = []
            if not _ROUTING.search(clause):
                out.append(Segment([], clause, start + at, start + at + len(clause)))
        if topic and out and out[-1].names == topic:
            # "give sidekiq a 1Gi request and a 2Gi limit": the limit is sidekiq's too.
            first = out[-1].start - start
            out[-1].end, out[-1].text = start + at + len(clause), line[first : at + len(clause)]
        elif topic:
            out.append(Segment(list(topic), clause, start + at, start + at + len(clause)))
    return out + _each_of_those(line, start, out)


# "syslog (514 tcp+udp) and snmptrapd (162 tcp+udp) must be reachable, so give each of those its
# own LoadBalancer": what follows the last one's name is said of both
_EACH = re.compile(
    r"\b(?:each\s+of\s+(?:those|them|these|the\s+two)|both\s+of\s+them|both)\b", re.I
)
_LEAD = re.compile(r"\W*(?:the\s+)?`?[\w-]+`?\s*(?:\([^()\n]*\))?")


def _each_of_those(line: str, start: int, segs: list[Segment]) -> list[Segment]:
    extra = []
    for before, after in zip(segs, segs[1:], strict=False):
        gap = line[before.end - start : after.start - start]
        if (
            len(before.names) != 1
            or before.names == after.names
            or not re.fullmatch(r"\s+and\s+", gap)
        ):
            continue
        lead = _LEAD.match(after.text)
        if lead and _EACH.search(after.text, lead.end()):
            at = after.start + lead.end()
            extra.append(Segment(list(before.names), after.text[lead.end() :], at, after.end))
        elif lead and "(" in lead.group(0) and _EACH.search(lead.group(0)):
            # "uwsgi and celeryworker (both at `/app/media`)": the brackets are both's
            at = after.start + lead.group(0).index("(")
            extra.append(
                Segment(
                    list(before.names),
                    line[at - start : after.start - start + lead.end()],
                    at,
                    after.start + lead.end(),
                )
            )
    return extra


_SENTENCE = re.compile(
    r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bapprox\.)(?<!\bca\.)"
    r"(?<!\bincl\.)(?<!\bno\.)(?<![\s.]\w\.)\s+(?=[A-Z`(]|[a-z][\w-]*(?:[,:]|\s+(?!\d)\w))"
)


def read(
    text: str, known: list[str], main: str = "", images: dict[str, str] | None = None
) -> Reading:
    """Cut ``text`` into segments per component; ``known`` are the components already known,
    ``images`` the image each of them runs (a sentence may name them by it)."""
    names = list(known)
    reading = Reading()
    by_argument = argument_parts(text) or running_parts(text)
    for name in (
        list(called_images(text))
        or kind_introductions(text, names, main)
        or image_parts(text, names, main)
        or list(by_argument)
        or counted_parts(text)
        or plus_parts(text)
    ):
        if name in names or name == main:
            continue
        names.append(name)
        reading.introduced.append(name)
        reading.listed.append(name)
        if name in by_argument:
            reading.commands[name], kind = by_argument[name]
            if kind:
                reading.kinds[name] = kind
    # The parts a sentence introduces later ("The scheduler, `celery-beat`, runs ..."): known
    # while routing, so a sentence that names one is not taken for the one before's
    early = Reading()
    introductions(text, list(names), main, early)
    named_introductions(text, list(names), main, early)
    items = logical_lines(text)
    listing = (
        bool(_LISTING_WORDS.search(text))
        or len(_DEFINITIONS.findall(text)) >= 2
        or known_heads(items, [n for n in [*names, main] if n]) >= 2
    )
    current: list[str] = []
    shared: list[str] = []
    intro: Segment | None = None
    lead = ""
    intro_indent = -1
    titled = False  # the current part's heading is a "Name:" line over a list
    headed = headed_lists(items, names, listing)
    section = ""  # the line over the current list ("Replicas:")
    over_list = False  # the current part's heading is a lone line over a list ("**web**")
    said_below = ""  # a part's list item that ends "command:" over its indented code
    leads: list[Segment] = []  # lines over a list of parts, said of each of them
    for index, item in enumerate(items):
        if (
            said_below
            and not item.bullet
            and (item.text[:1] in (" ", "\t") or _SETTINGS.match(item.text))
        ):
            # "server:" over its indented lines, or over the block of its settings
            own = next((g for g in reversed(reading.segments) if g.names == [said_below]), None)
            if own is not None and own.end <= item.start:
                own.end, own.text = item.end, text[own.start : item.end]
            else:
                reading.segments.append(Segment([said_below], item.text, item.start, item.end))
            continue
        said_below = ""
        if item.blank_before and not item.bullet:
            shared = []
            if over_list and not item.heading:
                # "**worker**" over its list, then "**database**: bundle PostgreSQL 15": a
                # paragraph after the list is about the app again
                current, over_list = [], False
        if not item.bullet:
            section = item.text.split("\n", 1)[0]
        # "**Server** (call it `server`)" named the main part as the text went
        own_main = main or (reading.main if reading.main not in names else "")
        said_so_far = names + ([own_main] if own_main else [])
        everyone = said_so_far + [n for n in early.introduced if n not in said_so_far]
        if item.bullet and _REPLICAS_SECTION.match(section):
            _listed_count(item.text, everyone, reading.counts)
        head = head_component(item.text.split("\n", 1)[0], names, listing) or headed.get(index, "")
        if head and head not in names and head != main and _settings_group(item.text, head):
            head = ""
        ending = _ENDS_WITH_NAME.search(item.text.strip())
        if head and item.bullet and item.text.rstrip().endswith(":"):
            said_below = head  # "- web: command:" over its indented code
        elif ending and ending.group("name") in everyone:
            said_below = ending.group("name")  # "server:" over the block of its settings
        title = titles_list(item, items[index + 1 : index + 2])
        if not head and (item.heading or title) and _EVERY_PART.match(item.text.split("\n", 1)[0]):
            current, shared, titled = list(everyone), [], title  # "**both** need:"
            continue
        own = _MAIN_TITLE.match(item.text.split("\n", 1)[0])
        if own and (item.heading or title):
            reading.main = reading.main or dns_name(own.group("name"), 30)
        if title and titled and not head:
            current, titled = [], False  # "Publishing:" after "Scheduler:": a new section
        short = len(re.sub(r"\s*\([^()\n]*\)|[*_#:]", "", item.text.strip())) <= 40
        about = (
            []
            if head or item.heading or not title or not short
            else mentions(item.text, said_so_far)
        )
        if len(about) == 1:
            # "**Configuration of web**" over a list: that part's, to the list's end
            current, shared, titled, over_list = about, [], True, True
            continue
        # "**nodes** — DaemonSet, control-plane nodes only" over its list: that part's heading
        # "1. weaviate (DB)" over "- image: ...": a numbered line over a list of its own
        below = items[index + 1] if index + 1 < len(items) else None
        over = (
            below is not None
            and below.bullet
            and (
                not item.bullet
                or (bool(NUMBERED.match(item.text)) and not NUMBERED.match(below.text))
            )
        )
        if head and (index in headed or title or (over and "\n" not in item.text.strip())):
            item.heading = True  # a bold heading the text lost its emphasis for
        if head:
            if head not in names and head != main:
                names.append(head)
                reading.introduced.append(head)
            if head not in reading.listed and not noted_kind(item.text.split("\n", 1)[0]):
                reading.listed.append(head)  # "Archiver (CronJob)" is no candidate for main
            if item.heading:
                current, shared, titled = [head], [], title
                lone = item.text.strip()
                over_list = (
                    "\n" not in lone
                    and len(lone) <= 40
                    and not lone.startswith("#")
                    and not re.search(r":\s*\S", lone)
                )
                # "Archiver (CronJob)", "CronJob `visit-locate`": the heading says its kind
                # "Workload 2: `agent` (DaemonSet): Runs on the edge nodes only": a form's
                # heading with its first line
                first = item.text.split("\n", 1)[0]
                if (
                    noted_kind(item.text)
                    or re.search(
                        r"\b(?:cron\s?job|job|deployment|daemonset|statefulset)\b", first, re.I
                    )
                    or re.search(r"[:)]\s*:\s*\S", first)
                ):
                    reading.segments.append(Segment([head], item.text, item.start, item.end))
            else:
                reading.segments += _head_item(item, head, [*names, main])
            continue
        parts_below = lead_of_parts(item, items[index + 1 :], names, listing)
        if parts_below:
            # "**CronJobs**, both with image `curl`, `timeZone: Europe/Berlin`:" over
            # "- `close-surveys`, schedule ...": said of each part listed under it, read after
            # what each item says of its own part
            leads.append(Segment(parts_below, item.text, item.start, item.end))
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
            lead = item.text.strip()
            intro = Segment(list(mentioned), item.text, item.start, item.end)
            intro_indent = _indent(item.text) if item.bullet else -1
            reading.segments.append(intro)
            continue
        if item.heading:
            # a title names the parts known by then: "... how do people run the state
            # compressor?" over a story does not hand the story to a part introduced later
            mentioned = mentions(item.text, said_so_far)
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
        under = shared and continues
        targets = shared if under else current
        if targets and mentioned and restricted(item.text, mentioned):
            targets, under = mentioned, False
        if targets:
            # An item under "Existing secret `s`, for both a and b:" is read with that line.
            said = f"{lead}\n{item.text}" if under and lead else item.text
            reading.segments.append(Segment(list(targets), said, item.start, item.end))
            continue
        reading.segments += _by_sentence(
            item,
            everyone,
            reading.counts,
            reading.kinds,
            images or {},
            [seg for seg in early.segments if seg.names[0] not in said_so_far],
            {n for n in early.introduced if n not in said_so_far},
        )
    reading.segments += leads
    before = len(reading.introduced)
    introductions(text, names, main, reading)
    named_introductions(text, names, main, reading)
    _routed_early(reading, early, names)
    listed_cronjobs(text, names, main, reading)
    later_mentions(text, reading, reading.introduced[before:])
    _shared_later(reading, main, reading.introduced[before:])
    given_names(text, reading)
    own_words(text, reading)
    rename_roles(text, reading)
    if not known and not main:
        _sole_named(text, reading)
    return reading


def _routed_early(reading: Reading, early: Reading, names: list[str]) -> None:
    """A part the early pass found, which sentences were routed to before its introduction
    was read: introduced as that pass read it, with its introduction's own part (the later
    pass skips a name already routed)."""
    for name in dict.fromkeys([*early.introduced, *(seg.names[0] for seg in early.segments)]):
        if not any(name in seg.names for seg in reading.segments):
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        if name in early.commands:
            reading.commands.setdefault(name, early.commands[name])
        if name in early.kinds:
            reading.kinds.setdefault(name, early.kinds[name])
        had = {(seg.start, seg.end) for seg in reading.segments if name in seg.names}
        reading.segments += [
            seg for seg in early.segments if name in seg.names and (seg.start, seg.end) not in had
        ]


# "A **DaemonSet** called `fluentd`" in a request for one workload: the app's own name.
_CALLED = r"\ban?\s+[*_]*(?:daemonset|deployment|statefulset)[*_]*\s+(?:called|named)\s+`{}`"


def _sole_named(text: str, reading: Reading) -> None:
    if len(reading.introduced) != 1 or reading.main:
        return
    name = reading.introduced[0]
    if re.search(_CALLED.format(re.escape(name)), text, re.I):
        reading.main = name
        reading.introduced.clear()
        reading.listed = [n for n in reading.listed if n != name]


# A heading over facts for every part: "**both** need:", "All of them:", "Shared settings"
_EVERY_PART = re.compile(
    r"^[ \t#*_]*(?:both|all(?:\s+of\s+them|\s+(?:three|four|parts|workloads|components))?|"
    r"every\s+(?:part|workload|component)|shared(?:\s+settings)?|common(?:\s+settings)?)\b"
    r"[ \t*_]*(?:need|get|use|share|have)?[ \t*_]*:?[ \t]*$",
    re.I,
)
_THE_JOBS = re.compile(r"\bthe\s+cron\s?jobs\b", re.I)


def _shared_later(reading: Reading, main: str, new: list[str]) -> None:
    """A sentence read as the main workload's before a part was introduced further on ("...,
    for the app and for the migration job") is said for both."""
    jobs = [n for n in new if reading.kinds.get(n) == "CronJob"]
    for seg in reading.segments if main and new else []:
        if seg.names == [main]:
            said = mentions(without_asides(seg.text), [main, *new])
            if len(said) >= 2 and for_each(seg.text, said):
                seg.names = said
        if main in seg.names and jobs and _THE_JOBS.search(seg.text):
            seg.names += [n for n in jobs if n not in seg.names]  # "... and the cron jobs"


# "## App (web)", "Main application (`web`):": the main workload's heading, with its name.
_MAIN_TITLE = re.compile(
    r"^[ \t#*_]*(?:the\s+)?(?:main\s+)?(?:app|application|service)\s*\(\s*`?"
    r"(?P<name>[a-z][\w-]{1,30})`?\s*\)[ \t*_]*:?[ \t]*$",
    re.I,
)


def _settings_group(text: str, head: str) -> bool:
    """ "- ntfy: `DIUN_NOTIF_NTFY_ENDPOINT=...`, `DIUN_NOTIF_NTFY_TOPIC=...`": a group of the
    app's settings named after what they configure, not a part of its own; so is an option
    the app's docs describe."""
    said = re.findall(r"`([A-Z][A-Z0-9_]{2,})\s*=", text)
    word = head.upper().replace("-", "_")
    runs = re.search(
        r"\b(?:ports?|replicas?|image|runs?|command|cron\s?job|job|deployment|daemonset|"
        r"statefulset)\b|`[a-z][^`=\n]*\s[^`=\n]*`",
        text,
        re.I,
    )  # "**scheduler** — `airflow scheduler`, ... `AIRFLOW__SCHEDULER__X=true`": a part
    if said and not runs and all(word in name.split("_") for name in said):
        return True
    # "### `watchByDefault`", "| `endpoint` | `https://ntfy.sh` | Ntfy base URL |": an option
    # of the app's docs (camelCase, or a row with its default), never a workload's name
    lead = text.lstrip(" \t-*#>").split("\n", 1)[0]
    return bool(
        re.match(r"`[a-z][a-z0-9]*[A-Z]\w*`", lead)
        or re.search(r"\bDefault:\s", lead)
        and re.search(r"\bDescription:\s", lead)
    )


def _head_item(item: Item, head: str, names: list[str]) -> list[Segment]:
    """A list item led by a workload's name is about it, but for a later sentence whose subject
    is another workload ("- api-worker: 2 replicas. api-clock is a scheduler, exactly 1")."""
    out = [Segment([head], item.text, item.start, item.end)]
    others = [n for n in names if n and n != head]
    if not others:
        return out
    subject = re.compile(
        rf"(?:the\s+)?`?(?:{'|'.join(alias_pattern(n) for n in others)})`?(?![\w-])", re.I
    )
    pos = 0
    for sentence in _SENTENCE.split(item.text):
        at = item.text.find(sentence, pos)
        pos = at + len(sentence)
        said = subject.match(sentence) if at > 0 else None
        if said is None:
            continue
        # "The API signing secret ..." names a credential, not the api part
        name = [n for n in mentions(said.group(0), others) if n in mentions(sentence, others)]
        if len(name) == 1:
            out[0].end = min(out[0].end, item.start + at)
            out[0].text = item.text[: out[0].end - item.start]
            out.append(Segment(name, sentence, item.start + at, item.start + at + len(sentence)))
    return out


def _indent(line: str) -> int:
    """How deep a list item sits: a deeper item continues the one that introduced a part."""
    return len(line) - len(line.lstrip(" \t"))


_ALL_OF_THEM = re.compile(
    # a form's section label may lead: "Scheduling: Both on our app node pool: ..."
    r"\s*(?:[-*+\u2022]\s+)?(?:[A-Z][\w ]{0,30}:\s+)?"
    # "The two containers need ...": as many as the request has parts, so every one
    r"(?:(?:all|both|each(?=\s+of\s+them)|each\s+of\s+the|every\s+one\s+of\s+the|the(?=\s+(?:two|three|"
    r"four|five|\d)\s+(?:(?-i:[A-Z])[\w-]*\s+)?(?:workloads|components|processes|services|deployments|"
    r"containers|pods|parts)\b))\s+(?:the\s+)?"
    # "All three Budibase services expose `GET /health`": the app's name may stand between
    r"(?:(?P<count>two|three|four|five|\d)\s+)?(?:(?-i:[A-Z])[\w-]*\s+)?"
    r"(?P<noun>workloads|components|processes|services|deployments|containers|pods|parts|"
    r"of\s+them)\b|"
    # "both on LoadBalancer services, each with ..."
    r"(?:both|all(?:\s+(?P<count2>two|three|four|five|\d))?)\b"
    r"(?=\s+(?:on|get|use|need|run|with|have|mount|share|read|expose|should|must|are|will)\b))",
    re.I,
)
# "Ports (all components): 7280 ...", "Probes (both): ...": a label for every part
_LABEL_FOR_ALL = re.compile(
    r"\W*[A-Z][\w ]{0,30}\s*\((?P<noun>all|every|each|both)(?:\s+(?:of\s+them|components|"
    r"workloads|parts|services|containers|deployments))?\)\s*:",
    re.I,
)
# "Container port: 3000 for both", "TZ=Europe/Madrid in both": one fact for every workload.
_FOR_ALL = re.compile(
    r"\b(?:for|in|on)\s+(?P<noun>both|all(?:\s+of\s+them)?|each(?:\s+of\s+them)?|every\s+one)"
    # "... for both." at the end, or "Shared variables for all of them: `A=1`, `B=2`"
    r"(?:\s*[.!]?\s*$|\s*:)|"
    # "Mount it at `/root/.config/x` in both components, ..."
    # "... and give both parts `DATABASE_URL` pointing at it"
    r"\b(?:for|in|on|into|to|give|gives|giving)\s+(?:both|all|each\s+of)\s+(?:the\s+)?"
    r"(?:two\s+|three\s+)?(?:components|workloads|processes|pods|containers|parts)\b",
    re.I,
)
# "... goes into the `DSN` env var - all three containers need it, the migrate job especially":
# said of every one, whichever the sentence names besides
_ALL_NEED = re.compile(
    r"\b(?:all|both|each\s+of)\s+(?:the\s+)?(?:(?P<count>two|three|four|five|\d)\s+)?"
    r"(?P<noun>workloads|components|containers|pods|deployments|processes|parts|of\s+them)\s+"
    r"(?:need|get|use|read|want|take)s?\s+(?:it|this|that|them|those)\b",
    re.I,
)
# "the `sites` directory has to be shared by all of the above": every workload listed so far
_ABOVE = re.compile(r"\b(?:by|for|to|in|across)\s+all\s+(?P<noun>of\s+the\s+above)\b", re.I)
_OVERVIEW = re.compile(r"\b(?:one|a|an|the)\s+[\w-]+\s+(?:instance|pod|container)\s+\+\s", re.I)
_ALSO_ON = re.compile(
    r"\s*(?:please\s+)?(?:put|add|give|set|mount)\s+(?:it|them|that|those|the\s+same)\s+"
    r"(?:on|to|in|into|for)\s+",
    re.I,
)
_PRONOUN = re.compile(r"\s*(?:it|its|it's|this\s+one)\b", re.I)
_BACK_TO_IT = re.compile(
    r"\s*(?:please\s+)?[a-z]+\s+(?:it|them|that|those)\b|"
    # "... in a ConfigMap called `c`. It should be mounted at `/etc/x` in all three"
    r"\s*(?:it|they|these|those)\s+(?:should|must|needs?|has|have|is|are)\b",
    re.I,
)


def _all_of(match: re.Match[str], names: list[str], kinds: dict[str, str]) -> list[str]:
    """The components "all three workloads" or "both deployments" stand for: "deployments" leaves
    out those said to be of another kind."""
    if (match.group("noun") or "").lower() == "deployments":
        return [n for n in names if kinds.get(n, "Deployment") == "Deployment"]
    if "count" not in match.re.groupindex:
        return list(names)
    # "All three use `x`" before a fourth is introduced: the first three.
    count = to_int(match.group("count") or match.group("count2") or "")
    return list(names[:count] if count and count < len(names) else names)


# "a CronJob ... with the same env as web": the part compared with is not the one meant
_COMPARED = re.compile(r"\b(?:same|like)\b[^.;,]{0,60}?\bas\s+(?:the\s+)?(?!an?\b)`?[\w-]+`?", re.I)


# "`SECRET_KEY` for the backend containers": the workloads whose image is the backend one
_OF_IMAGE = re.compile(
    r"\b(?:the|all|both)\s+(?P<word>[a-z][\w-]{2,20})\s+(?:containers|services|workloads|pods|images)\b",
    re.I,
)


def _of_image(sentence: str, images: dict[str, str]) -> list[str]:
    """The workloads a sentence names by a word of their image: two or more, or none."""
    for match in _OF_IMAGE.finditer(sentence):
        word = match.group("word").lower()
        named = [n for n, image in images.items() if word in image.rsplit("/", 1)[-1].lower()]
        if len(named) >= 2:
            return named
    return []


# "Replicas:" over "- web: 2, with a PDB" and "- crawler: exactly 1": a count per item.
_REPLICAS_SECTION = re.compile(r"\W*(?:replicas?|replica\s+counts?|scaling)\s*:?\s*$", re.I)
_LISTED_COUNT = re.compile(
    r"\s*(?:[-*+]|\d+[.)])\s+[`*_]*(?P<name>[\w.-]+)[`*_]*\s*(?::|=|-|\u2014|\u2013)\s*"
    r"(?:exactly\s+|just\s+|only\s+|always\s+)?(?P<n>\d{1,3}|one|two|three|four|five)\b"
    r"(?!\s*(?:%|gi|mi|m\b|cpu))",
    re.I,
)


def _listed_count(line: str, names: list[str], counts: dict[str, int]) -> None:
    said = _LISTED_COUNT.match(line)
    if said and said.group("name") in names:
        count = to_int(said.group("n"))
        if count is not None:
            counts.setdefault(said.group("name"), count)


def _by_sentence(
    item: Item,
    names: list[str],
    counts: dict[str, int],
    kinds: dict[str, str],
    images: dict[str, str],
    introducing: list[Segment] | None = None,
    passing: set[str] | None = None,
) -> list[Segment]:
    """Route each sentence of a logical line to the component it is about, if one; a sentence
    that names none continues the one before it ("... On Kubernetes make that a CronJob"). A
    sentence that introduces a part (``introducing``) is left to that introduction: what it
    says before the part is named is the app's ("set `X=1` on the pods and run `y` in a Job
    called `migrate`"). A part named before its introduction (``passing``) gets that one
    sentence, not the ones after it."""
    out: list[Segment] = []
    pos = 0
    topic: list[str] = []
    previous: int | None = None  # where the sentence before starts
    start = -1
    for sentence in _SENTENCE.split(item.text):
        at = item.text.find(sentence, pos)
        pos = at + len(sentence)
        previous = start if start >= 0 else None
        routed = previous is not None and bool(out) and out[-1].end > previous
        start = item.start + at
        mentioned = mentions(_COMPARED.sub(" ", without_asides(sentence)), names)
        introduced = [
            seg.names[0]
            for seg in introducing or []
            if seg.names[0] in mentioned and seg.start < start + len(sentence) and start < seg.end
        ]
        if introduced:
            # "- Add a CronJob called `backup` ... Mount `/backups` ...": the rest of a list
            # item goes on about the part it introduced
            topic = introduced[:1] if item.bullet else []
            continue
        if _OVERVIEW.search(sentence):
            topic = []  # "one main instance + the separate worker image": the parts, listed
            continue
        if len(mentioned) == 1 and mentioned[0] in (passing or set()):
            opens = re.match(rf"\W*(?:the\s+)?`?(?:{alias_pattern(mentioned[0])})", sentence, re.I)
            if not opens:
                mentioned = []  # "... - both replicas and the cleanup job mount it": the app's
        grouped = [] if mentioned else _of_image(sentence, images)
        if grouped:
            # "`SECRET_KEY` for the backend containers ... Also `WEB_URL` on those."
            topic = grouped
            out.append(Segment(grouped, sentence, start, start + len(sentence)))
            continue
        everyone = (
            _ALL_OF_THEM.match(sentence)
            or _FOR_ALL.search(sentence)
            or _ABOVE.search(sentence)
            or _LABEL_FOR_ALL.match(sentence)
        )
        if not mentioned and everyone and names:
            topic = _all_of(everyone, names, kinds)  # "All three workloads need ..."
            if _BACK_TO_IT.match(sentence) and previous is not None and not routed:
                # "... are in the ConfigMap `c`. Mount it at `/etc/x` in both components."
                start, sentence = previous, item.text[previous - item.start : pos]
            out.append(Segment(topic, sentence, start, start + len(sentence)))
            continue
        every = _ALL_NEED.search(sentence) if names else None
        if every:
            topic = _all_of(every, names, kinds)
            out.append(Segment(topic, sentence, start, start + len(sentence)))
            continue
        pronoun = bool(topic and _PRONOUN.match(sentence))
        if pronoun:
            # "It serves HTTP on 8000 and gRPC for the agents": still the one before.
            mentioned = topic
        if len(mentioned) == 1:
            topic = [mentioned[0]]
            if _ALSO_ON.match(sentence) and previous is not None:
                # "... needs `X` from Secret `s`. Put it on kratos as well": that one's too
                start, sentence = previous, item.text[previous - item.start : pos]
            out.append(Segment(topic, sentence, start, start + len(sentence)))
            if mentioned[0] in (passing or set()) and not pronoun:
                topic = []  # "..., which only the init step needs": said in passing
            number = count_of(sentence, mentioned[0])
            if number is not None:
                counts.setdefault(mentioned[0], number)
        elif len(mentioned) >= 2 and for_each(sentence, mentioned):
            topic = mentioned
            if _BACK_TO_IT.match(sentence) and previous is not None and not routed:
                start, sentence = previous, item.text[previous - item.start : pos]
            out.append(Segment(mentioned, sentence, start, start + len(sentence)))
        elif len(mentioned) >= 2:
            cut = _by_clause(sentence, start, names, counts)
            out += cut
            # "Kaui runs ..., and must reach Kill Bill ...: `KAUI_KILLBILL_URL` should be x":
            # a sentence wholly about one part goes on about it (not "..., plus an `--endpoint`
            # for the store gateway", nor a list of parts)
            whole = len(cut) == 1 and len(cut[0].names) == 1 and cut[0].start <= start + 1
            topic = list(cut[0].names) if whole else []
        elif topic and out and out[-1].names == topic:
            # "... share `/a` and `/b`. Those have to be ReadWriteMany": one part, read together
            out[-1].end = start + len(sentence)
            out[-1].text = item.text[out[-1].start - item.start : out[-1].end - item.start]
        elif topic:
            out.append(Segment(list(topic), sentence, start, start + len(sentence)))
    return out
