"""Workloads a request introduces in passing, and the text about each of them.

"plus a Celery worker running `celery -A shop worker`", "The server should be a StatefulSet
running ...", "as a CronJob called `state-compressor`:", "I'd like that as a CronJob running
`php artisan schedule:run`": a sentence that brings in a further workload names it (by its role,
the name it is given, or what "that" stood for) and says what it runs; later sentences that name
it alone are about it too.
"""

from __future__ import annotations

import re

from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.mentions import NOT_COMPONENTS, mentions, role_name
from bot.tools.parsing.parts import BULLET, HEADING, Reading, Segment
from bot.tools.parsing.text import dns_name, without_asides

# A sentence that introduces a further workload with the command it runs.
_INTRO = re.compile(
    r"\b(?:an?|the|one|plus|with|and|also)\s+(?:(?:separate|dedicated|small|nightly|daily|hourly|"
    r"weekly|periodic)\s+)*`?"
    r"(?P<role>(?:[\w-]+\s+|[a-z][\w]*-)?(?:workers?|beat|scheduler|consumer|migrations?|migrate|"
    r"migration job|cron\s?job|clock))\b(?!-)`?"
    # "The scheduler, `celery-beat`, runs `...`": its name, said beside the role
    r"(?:(?:\s+(?:named\s+|called\s+)?|,\s*)`(?P<label>[a-z][\w-]{0,40})`)?[^.\n`]{0,100}?"
    # "a backup CronJob using `altinity/clickhouse-backup:2.6.3` that runs `...`": its image first
    r"(?:\b(?:using|with|from|on)\s+(?:the\s+)?(?:image\s+)?`[^`\s]+`[^.\n`]{0,30}?)?"
    r"`(?P<cmd>[^`\n]+)`",
    re.I,
)
# Words before "CronJob" that say when it runs, not what it is called.
_WHEN = re.compile(
    r"^(?:nightly|daily|hourly|weekly|monthly|periodic|scheduled|separate|a|the|kubernetes|k8s|"
    r"helm|proper|real|new|plain|simple)$",
    re.I,
)


# "The server should be a StatefulSet running ...", "The agents are a Deployment of ...".
_KIND_INTRO = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))[ \t]*(?:the|our|its)\s+(?P<name>[a-z][\w-]{1,30}?)"
    r"(?:\s+(?:server|service|worker|process|container|gateway))?"
    # "The querier (call it `query`)", "The store gateway (`store-gateway`)": its given name
    r"(?:\s*\((?:call\s+it\s+|named\s+|called\s+)?`(?P<label>[a-z][\w-]{0,40})`\))?\s+"
    # "The web Deployment serves the app", "The migrate Job runs ...": the kind, capitalised
    r"(?:(?-i:Deployment|StatefulSet|DaemonSet|CronJob|Job)\s+(?!is\b|are\b)[a-z]+|"
    r"(?:should\s+be|will\s+be|must\s+be|is|are|runs?\s+as|goes\s+in)\s+an?\s+"
    r"(?:[\w-]+\s+)?(?:deployment|statefulset|daemonset|cron\s?job|job)\b|"
    # "The server should run `drone/drone:2.24.0`", "The runner is `drone/drone-runner-kube:1.0`"
    r"(?:should\s+(?:run|use|be)|will\s+run|is|are|runs|uses)\s+`?[\w.-]+(?:/[\w.-]+)+:[\w.-]+|"
    # "The daemon runs `dagster-daemon run`"
    r"runs\s+`[^`\n]+`)",
    re.I | re.M,
)


# "The `app` component is the web server", "add a `gotenberg` component from ...": a part the
# request names in code, whatever the word.
_GIVEN_PART = re.compile(
    r"\b(?:the|our|its|an?)\s+`(?P<label>[a-z][\w-]{0,30})`\s+(?:component|workload|service|"
    r"container|deployment|process)\b(?!\s*(?:name|port|account|type)\b)",
    re.I,
)


# "The first is the engine, which serves the API. The second is the celery worker, ...": parts
# the request counts off, one sentence each.
_ORDINAL_INTRO = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))[ \t]*the\s+(?:first|second|third|fourth|fifth|next|last)"
    r"(?:\s+(?:one\s+|part\s+|half\s+|component\s+|workload\s+|process\s+)?is\s+(?:the|an?|our)\s+"
    r"(?P<a>[a-z][\w-]{1,30})(?:\s+(?P<b>[a-z][\w-]{1,30}))?|"
    # "The first, which we call `platform`, is ...", "The second workload, `worker`, runs ..."
    r"(?:\s+(?:one|part|half|component|workload|process|deployment))?\s*,\s*"
    r"(?:which\s+we\s+call\s+|called\s+|named\s+)?`(?P<c>[a-z][\w-]{1,30})`\s*,)",
    re.I | re.M,
)
# Words before a role that say nothing about which part it is: "the database migration".
_GENERIC_LEAD = frozenset("database db background main app application web the a".split())


def _ordinal_name(match: re.Match[str]) -> str:
    """ "the engine" is engine; "the celery worker" celery; "the database migration" migrate."""
    if match.group("c"):
        return dns_name(match.group("c"), 30)
    first, second = match.group("a").lower(), (match.group("b") or "").lower()
    if second and role_name(second) and first in _GENERIC_LEAD:
        return role_name(second)
    if second and (role_name(second) or second in ("server", "service", "process")):
        return dns_name(first, 30)
    return dns_name(first, 30)


def _datastore_word(name: str) -> bool:
    """ "the `db` service", "the `redis` container": a datastore, bundled or not, no workload."""
    low = name.lower()
    return (
        low in NOT_COMPONENTS
        or low in ("db", "mq")
        or any(d.pattern.search(low) for d in DEPENDENCIES)
    )


def kind_introductions(text: str, names: list[str], main: str) -> list[str]:
    """Roles that sentences of their own give a workload kind each: two or more of them are
    the app's components, and what follows each sentence is about that one."""
    found: list[str] = []
    given = {
        m.start(): dns_name(m.group("label"), 30)
        for m in _GIVEN_PART.finditer(text)
        if not _datastore_word(m.group("label"))
    }
    for match in _ORDINAL_INTRO.finditer(text):
        given.setdefault(match.start(), _ordinal_name(match))
    for match in _KIND_INTRO.finditer(text):
        word = (match.group("label") or match.group("name")).lower()
        name = dns_name(word[:-1] if word.endswith("s") and not word.endswith("ss") else word, 30)
        if name not in ("app", "application", "service", "chart", "it", "whole", "thing", "main"):
            given.setdefault(match.start(), name)
    for _, name in sorted(given.items()):
        if name and name not in found and name not in names and name != main:
            found.append(name)
    return found if len(found) >= 2 else []


# "(call that component `server`)", "Call it `backup`.": the name of what was just described.
_CALL = re.compile(
    r"\b(?:call|name)\s+(?:it|that|this|them|the\s+(?:main\s+|primary\s+)?[\w-]+)\s+"
    r"(?:one\s+|component\s+|workload\s+)?`(?P<name>[a-z][\w-]{0,40})`",
    re.I,
)


def own_words(text: str, reading: Reading) -> None:
    """A part introduced by its role keeps the request's word for it: "the migration (`npx
    prisma migrate deploy`) as a Job" is the migration one, unless the prose says "migrate"."""
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", text, flags=re.S))
    prose = re.sub(r"(?m)^[ \t]*[+$>].*$", "", prose)  # "+ npx prisma migrate deploy": a log
    if (
        "migrate" in reading.introduced
        and "migration" not in reading.introduced
        and re.search(r"\bthe\s+migration\b", prose, re.I)
        and not re.search(
            r"(?<![\w/.-])migrate(?![\w/.-])|\b(?:database|db)\s+migration", prose, re.I
        )
    ):
        reading.rename("migrate", "migration")


def given_names(text: str, reading: Reading) -> None:
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
        reading.rename(old, name)


def later_mentions(text: str, reading: Reading, new: list[str]) -> None:
    """Sentences elsewhere about a workload the prose introduced in passing ("Plus a nightly
    backup: a CronJob ... . Backups go to their own 200Gi volume."): that workload's, when they
    name it alone and no part claimed them."""
    if not new:
        return
    taken = [(seg.start, seg.end) for seg in reading.segments]
    for match in re.finditer(r"(?:[^.!?\n]|[.!?](?=[\w`/-]))+[.!?]?", text):  # "1.22.0`" goes on
        start, end = match.start(), match.end()
        if any(a < end and start < b for a, b in taken):
            continue
        mentioned = mentions(without_asides(match.group(0)), new)
        if len(mentioned) == 1:
            reading.segments.append(Segment(mentioned, match.group(0), start, end))


def _referred_role(text: str, match: re.Match[str]) -> str:
    """ "... the Laravel scheduler never ran (oops). I'd like that as a CronJob running `x`": the
    role the sentence before named, which "that" stands for ('' if none)."""
    if not re.search(r"\b(?:that|this)\s+as\s*$", text[max(0, match.start() - 12) : match.start()]):
        return ""
    before = text[max(0, match.start() - 300) : match.start()]
    said = [
        role_name(m.group(0)) for m in re.finditer(r"\b[\w-]+\b", before) if role_name(m.group(0))
    ]
    return said[-1] if said else ""


def _not_an_introduction(text: str, match: re.Match[str]) -> bool:
    """ "Run it as a CronJob" says what the main workload is; "`cronjob.yaml`" names a file."""
    # "Run it as a CronJob", "Please make a Kubernetes CronJob instead that runs `x`", "Turn
    # `backups` into a CronJob that runs `x`"
    said_as = re.search(
        r"\b(?:as|make|use|into)\s*$", text[max(0, match.start() - 10) : match.start()], re.I
    )
    # "the `x-worker` image (it reads the same `DATABASE_URL`, runs the migrations and then
    # `solid_queue:start`)": an aside on what an image does by itself
    opened = text.rfind("(", text.rfind("\n", 0, match.start()) + 1, match.start())
    if opened >= 0 and ")" not in text[opened : match.start()]:
        if re.match(r"\(\s*(?:it|which|that|this\s+one)\s", text[opened:]):
            return True
    if re.match(
        r"`?\s+(?:volumes?|director(?:y|ies)|dir|folder|files?|services?|containers?|secrets?|"
        r"config\s?maps?|buckets?|networks?)\b",
        text[match.end() :],
        re.I,
    ):
        return True  # "(`automatisch_storage` volume)": what is in code is a name
    sentence = text[
        max(text.rfind(". ", 0, match.start()) + 2, text.rfind("\n", 0, match.start()) + 1) :
    ]
    if re.match(
        r"\W*(?:previously|before\s+(?:this|that|now)|until\s+now|in\s+the\s+old)\b", sentence, re.I
    ):
        return True  # "Previously this was the `kratos-migrate` service in compose": history
    command = match.group("cmd").strip()
    schedule = re.fullmatch(r"(?:[\d*/,-]+\s+){4}[\d*/,-]+", command)  # "at `0 4 * * *`"
    variable = re.fullmatch(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+(?:=.*)?", command)  # "via `REDIS_URL`"
    return bool(said_as or schedule or variable) or bool(re.search(r"\.(?:ya?ml|json)$", command))


def introductions(text: str, names: list[str], main: str, reading: Reading) -> None:
    """Add the components a sentence introduces with their command ('a worker running `x`')."""
    for match in _INTRO.finditer(text):
        role = match.group("role")
        if re.match(r"(?:built-?in|internal|in-app|embedded|its\s+own)\b", role, re.I):
            continue  # "the README suggests the built-in scheduler (`x`)": the image's own
        head = re.match(
            r"\s+(?:scheduler|worker|consumer|clock)\b", text[match.end("role") :], re.I
        )
        if head:
            role += head.group(0)  # "and a beat scheduler": the scheduler, beat its kind
        named = "-" in role and " " not in role  # "a `db-migrate` Job": the name it is given
        name = dns_name(role, 30) if named else role_name(role) or dns_name(role, 30)
        if re.search(r"cron", role, re.I):
            first = role.split()[0] if " " in role else ""
            # "a backup CronJob" is called backup; "a nightly cron job" is the app's cron
            name = dns_name(first, 30) if first and not _WHEN.match(first) else "cron"
            # "a nightly backup: a CronJob ...": the name said just before it
            said = re.search(r"\b(?P<n>[a-z][\w-]{2,30})\s*:\s*$", text[: match.start()])
            if name == "cron" and said and said.group("n").lower() not in NOT_COMPONENTS:
                name = dns_name(said.group("n"), 30)
            # "10. THE BACKUP. ... I'd like a CronJob that ...": the item's title names it
            line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            titled = re.match(
                r"\s*(?:\d+[.)]|[-*+])\s+(?:the\s+)?(?P<t>[A-Za-z][\w-]{2,20})[.:]\s", line, re.I
            )
            if name == "cron" and titled and titled.group("t").lower() not in NOT_COMPONENTS:
                name = dns_name(titled.group("t"), 30)
        if match.group("label"):
            name = match.group("label")  # "a CronJob `index` that runs `...`": its given name
        # "a CronJob named `cleanup` with ... that runs `x`": what is in code is its name
        given = re.search(r"\b(?:named|called)\s*$", text[: match.start("cmd") - 1])
        if given:
            name = dns_name(match.group("cmd"), 30)
        referred = _referred_role(text, match)
        if referred:
            name = referred
        known = [w for w in re.findall(r"[a-z][\w-]*", role.lower()) if w in names]
        if known:
            name = known[0]  # "The sync worker uses ..., runs `x`": the sync one, named before
        if not name or name == main or (_not_an_introduction(text, match) and not referred):
            continue
        if name not in names and sum(role_name(n.replace("-", " ")) == name for n in names) >= 2:
            continue  # "the four workers": worker-a to worker-d, named already
        coded = bool(match.group("label")) or named  # "a `db-migrate` Job": its own name
        if any(
            seg.start <= match.start() < seg.end and seg.names[:1] == [n]
            for seg in reading.segments
            for n in [*reading.kinds, *([] if coded else reading.listed)]
        ):
            # "a CronJob running the image with the `prune` argument", "- `reminders`: a
            # CronJob ... that runs `x`": named already
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        if not given:
            reading.commands.setdefault(name, match.group("cmd").strip())
        end = _sentence_end(text, match.end())
        end = min(_its_sentences(text, end), _item_end(text, match.start()))
        start = _lead_in(text, match.start())
        reading.segments.append(Segment([name], text[start:end], start, end))


# "as a CronJob called `state-compressor`:" (or "as a CronJob (`backup`):") and the list under
# it: a further, named workload.
_NAMED_INTRO = re.compile(
    r"\b(?:as\s+)?an?\s+(?:[a-z][\w-]*\s+){0,3}?(?:cron\s?job|job|deployment|statefulset|"
    r"daemonset|worker)(?:\s+(?:called|named)\s+|\s*\(\s*(?:called\s+|named\s+)?(?=`[^`\s]+`\s*\)))"
    r"(?:`(?P<name>[a-z][\w-]{0,40})`\)?|"
    # "add a Job called migrate that uses the same image": the name in plain words
    r"(?P<bare>[a-z][a-z0-9-]{1,30})(?=\s+(?:that|which|to|running|with)\b))"
    r"(?P<colon>[ \t]*:)?",
    re.I,
)


# "The configurator step from pwd.yml (...) should become a Helm hook job that runs ...": a step
# of the old setup that becomes a workload of its own, named by the step.
_BECOMES = re.compile(
    r"\bthe\s+`?(?P<name>[a-z][\w-]{2,30})`?\s+(?:step|job|task|container|service|one-shot)\b"
    r"(?:[^.(\n]|\.(?=\S)|\([^()\n]*\)){0,160}?\b(?:should|must|will|has\s+to|needs\s+to)\s+"
    r"(?:become|be|turn\s+into|run\s+as)\s+an?\s+(?:[\w-]+\s+){0,3}?(?P<kind>cron\s?job|job)\b",
    re.I,
)


# "we do need `bench --site all migrate` to run, so a post-upgrade hook job for that would be
# great": a hook Job, unnamed, for the command the sentence gives
_HOOK_JOB = re.compile(
    r"\ban?\s+(?:helm\s+)?(?:(?:pre|post)-(?:install|upgrade|delete|rollback)"
    r"(?:\s*(?:,|and|/)\s*(?:pre|post)-(?:install|upgrade))*\s+)?hook\s+job\b",
    re.I,
)


def _hook_jobs(text: str, names: list[str], main: str, reading: Reading) -> None:
    """A hook Job a sentence asks for beside the command it runs, named by that command's role
    ("... `manage.py migrate` ..." is migrate)."""
    for match in _HOOK_JOB.finditer(text):
        start = max(text.rfind(". ", 0, match.start()) + 2, text.rfind("\n", 0, match.start()) + 1)
        end = _sentence_end(text, match.end())
        if any(seg.start <= match.start() < seg.end for seg in reading.segments):
            continue  # a workload's own part says it already ("the configurator ... hook job")
        commands = re.findall(r"`([^`\n]+\s[^`\n]+)`", text[start:end])
        role = next((role_name(c) for c in commands if role_name(c)), "")
        if not commands or not role or role == main:
            continue
        if role not in names:
            names.append(role)
            reading.introduced.append(role)
        reading.commands.setdefault(role, commands[0].strip())
        reading.segments.append(Segment([role], text[start:end], start, end))


# "I want real Kubernetes CronJobs running the console commands directly, timezone X:" over
# "- `php bin/console mautic:segments:update` every 15 minutes": one CronJob an item.
_JOBS_LEAD = re.compile(r"^[^\n]*\bcron\s?jobs\b[^\n]*:[ \t]*$", re.I | re.M)
_JOB_ITEM = re.compile(r"\n[ \t]*(?:[-*+]|\d+[.)])[ \t]+`(?P<cmd>[^`\n]+)`(?P<rest>[^\n]*)", re.M)
_WHEN_SAID = re.compile(r"\bevery\b|\bat\b|\bdaily\b|\bhourly\b|\bnightly\b|`[\d*/,\s-]+`", re.I)


def _job_name(command: str) -> str:
    """ "php bin/console mautic:segments:update" is segments-update; "manage.py clearsessions"
    is clearsessions: the task the command names, without the app's own prefix."""
    last = command.split()[-1]
    parts = [p for p in re.split(r"[:]", last) if p]
    return dns_name("-".join(parts[1:] if len(parts) > 2 else parts), 30)


def listed_cronjobs(text: str, names: list[str], main: str, reading: Reading) -> None:
    """A list of commands under a line asking for CronJobs: each item is a CronJob of its own,
    and what the line says (time zone, concurrency) holds for each."""
    for lead in _JOBS_LEAD.finditer(text):
        pos, found = lead.end(), []
        while item := _JOB_ITEM.match(text, pos):
            if _WHEN_SAID.search(item.group("rest")):
                found.append(item)
            pos = item.end()
        if len(found) < 2:
            continue
        start, end = lead.start(), found[-1].end()
        reading.segments[:] = [
            seg for seg in reading.segments if not (start <= seg.start and seg.end <= end)
        ]
        for item in found:
            name = _job_name(item.group("cmd"))
            if not name or name == main or name in names:
                continue
            names.append(name)
            reading.introduced.append(name)
            reading.commands[name] = item.group("cmd").strip()
            reading.kinds[name] = "CronJob"
            reading.segments.append(Segment([name], lead.group(0), lead.start(), lead.end()))
            reading.segments.append(Segment([name], item.group(0), item.start(), item.end()))


def named_introductions(text: str, names: list[str], main: str, reading: Reading) -> None:
    for match in _BECOMES.finditer(text):
        name = dns_name(match.group("name"), 30)
        if not name or name == main or name in NOT_COMPONENTS or _datastore_word(name):
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        start, end = match.start(), _sentence_end(text, match.end())
        reading.segments.append(Segment([name], text[start:end], start, end))
    for match in _NAMED_INTRO.finditer(text):
        name = dns_name(match.group("name") or match.group("bare"), 30)
        if not name or name == main or any(name in seg.names for seg in reading.segments):
            continue
        if name not in names:
            names.append(name)
            reading.introduced.append(name)
        start = match.start()
        end = _sentence_end(text, match.end())
        # "..., and then the Deployment itself only runs `x`": the sentence moves on.
        turn = re.compile(r",?\s+and\s+then\b|;\s").search(text, match.end(), end)
        end = turn.start() if turn else end
        if match.group("colon"):
            end = _list_end(text, match.end())
        else:
            end = _its_sentences(text, end)
        reading.segments.append(Segment([name], text[start:end], start, end))
    _hook_jobs(text, names, main, reading)


# "... a Job called `migrations` ... . Run it as a Helm hook on post-install": still that one.
_ABOUT_IT = re.compile(
    r"\.[ \t]+(?:It|Its|(?:Run|Give|Make|Set|Mount|Schedule|Have|Keep|Start)\s+it|"
    # "... a CronJob `x` that runs `y`. Schedule `30 2 * * *`, time zone `Europe/Vienna`": its
    # settings, said next
    r"Schedule[ds]?\s+`|Time\s?zone\b|Timezone\b)[^\n]*?"
    r"(?=\.(?:\s|$))"
)


def _its_sentences(text: str, end: int) -> int:
    """The end of the sentences after ``end`` that go on about the part with "it"."""
    while (more := _ABOUT_IT.match(text, end)) is not None:
        end = more.end()
    return end


def _sentence_end(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` ends: a full stop before a space, not the dots of
    "`wordpress:cli-2.12.0`"."""
    found = re.compile(r"\.(?=\s|$)").search(text, pos)
    return found.start() if found else len(text)


def _list_end(text: str, pos: int) -> int:
    """Where the bullet list that follows ``pos`` ends (a blank line and no further item)."""
    end = text.find("\n", pos)
    if end < 0:
        return len(text)
    while True:
        following = text.find("\n", end + 1)
        line = text[end + 1 : following if following >= 0 else len(text)]
        if line.strip() and not BULLET.match(line) and not line.startswith((" ", "\t")):
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
        if not following.strip() or BULLET.match(following) or HEADING.match(following):
            return newline
        newline = text.find("\n", newline + 1)
    return len(text)
