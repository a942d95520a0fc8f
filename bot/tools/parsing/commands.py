"""The command a workload runs, as a request states it beside the workload.

"the worker runs `celery -A proj worker`", "with `./server -c /etc/app.yml`", "a Job that runs
`manage.py migrate`, then `manage.py collectstatic`", "- worker: `php artisan queue:work`": the
command (and an entrypoint said beside it) becomes the container's args, or its command when
an entrypoint is named too.
"""

from __future__ import annotations

import re

from bot.tools.parsing.compose.spec import split_command
from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.text import Doc, in_code_span

_RUNS = re.compile(
    r"\b(?:runs?\s+with|runs?|running|command|cmd|start(?:s|ed)?\s+(?:it\s+|them\s+|the\s+[\w-]+\s+)?with"
    r"(?:\s+the(?:\s+(?:arguments?|args?|flags?))?)?|"
    r"executes?|entrypoint|the\s+main\s+(?:thing|process|command)\s+is|"
    r"process|arguments|args|arg)\b\s*"
    r"[:=]?\s*`(?P<cmd>[^`\n]+)`",
    re.I,
)
_IMAGE_WITH = re.compile(
    r"\bruns?\s+`(?P<image>[\w.-]+(?::\d+)?/[\w./-]+:[\w.-]+)`\s+with\s+`(?P<cmd>[^`\n]+)`", re.I
)
# "run the image ... every 30 minutes with `/bin/descheduler --v 3`": an executable and its flags.
_WITH_EXECUTABLE = re.compile(r"\bwith\s+`(?P<cmd>\.?/[\w./-]+\s+-[^`\n]*)`")
# "- web: `gunicorn app`", "hbbs (`hbbs -r relay:21117`, tcp 21115)": a part's name, its command.
# "A Job with `python3 manage.py migrate` as a pre-install hook": the command the Job runs.
_KIND_WITH = re.compile(
    r"\b(?:job|cron\s?job|container|pod)\s+(?:with|running|that\s+runs|executing)\s+"
    r"`(?P<cmd>[^`\n]+)`",
    re.I,
)
# "... `collectstatic --no-input` before starting, then `gunicorn app`": the first is a step
# before the app (an init container), the second what it runs.
_THEN_COMMAND = re.compile(
    r"\s+(?:first\s+)?before\s+(?:starting|start(?:ing)?\s+up|it\s+starts|the\s+\w+\s+starts)"
    r"\s*,?\s*(?:and\s+)?then\s+(?:run\s+|start\s+)?`(?P<cmd>[^`\n]+)`",
    re.I,
)
# "- migrate - again same image, `kratos migrate sql -e`": the item's command after the image
_LEAD_COMMAND = re.compile(
    r"^[^`\n]{0,120}?(?:\s[-:]\s|:\s|\s\(|\bsame\s+image,\s)`(?P<cmd>[^`\n]+)`"
)


_GIVEN_ARGS = re.compile(r"\b(?:args|arguments)\s*[:=]?\s*`(?P<cmd>[^`\n]+)`", re.I)


_SCRIPT = re.compile(r"\.(?:sh|bash|py|rb|js|pl)$")


def _looks_like_command(text: str) -> bool:
    """A backticked command, not an image, a path, a setting or a name."""
    text = text.strip()
    first = text.split()[0]
    if (
        "=" in first
        and not first.startswith("-")
        or text.startswith(("/", "$"))
        and " " not in text
        and not _SCRIPT.search(text)  # "`/entrypoint-celery-worker.sh`": a script, run
    ):
        return False
    if not text.startswith("./") and re.fullmatch(
        r"[\w.-]+(?:/[\w.-]+)+(?::[\w.-]+)?|[\w.-]+:[\w.-]+", text
    ):
        return False  # an image reference
    if re.fullmatch(r"[\w./-]+", text) and _SCRIPT.search(text):
        return True  # "running `docker-daemon.sh`": a script the image ships
    return " " in text or text.startswith(("./", "/", "-"))  # "-promscrape.config=...": a flag


# "started with the `serve` command", "the `worker` subcommand": one word called a command.
_NAMED_COMMAND = re.compile(
    r"\b(?:runs?|running|start(?:s|ed)?(?:\s+(?:it|them))?\s+with|with)\s+the\s+"
    r"`(?P<cmd>[\w.:-]+)`\s+(?:sub-?)?command\b",
    re.I,
)


# "entrypoint `web-entrypoint.sh`, command `bin/rails server`": compose's two halves, in words.
_ENTRY_AND_COMMAND = re.compile(
    r"\bentry\s?point\s*[:=]?\s*`(?P<entry>[^`\n]+)`[^.\n`]{0,20}?\b(?:command|cmd)\s*[:=]?\s*"
    r"`(?P<cmd>[^`\n]+)`|"
    # "Command `/usr/bin/fleet`, args `serve`": Kubernetes' own two halves
    r"\b(?:command|cmd)\s*[:=]?\s*`(?P<entry2>[^`\n]+)`[^.\n`]{0,20}?\b(?:args|arguments)\s*[:=]?\s*"
    r"`(?P<cmd2>[^`\n]+)`",
    re.I,
)


# "so the args should be `--host=0.0.0.0 --port=42110`": the arguments the chart must pass,
# over whatever the old setup ran
_ARGS_SHOULD_BE = re.compile(
    r"\b(?:args|arguments)\s+(?:should|must|need\s+to|have\s+to)\s+be\s*:?\s*`(?P<cmd>[^`\n]+)`|"
    r"\bchange\s+the\s+(?:args|arguments)\s+to\s*`(?P<cmd2>[^`\n]+)`",
    re.I,
)


def read_command(doc: Doc, c: ComponentDraft, focused: bool) -> None:
    """The command a workload runs: "runs `celery -A shop worker`", or a list item's lead."""
    text = doc.text
    if wanted := _ARGS_SHOULD_BE.search(text):
        c.args = split_command(wanted.group("cmd") or wanted.group("cmd2"))
        return
    if c.command or c.args:
        # "Turn `backups` into a CronJob that runs `/etc/periodic/weekly/backup`": what the
        # request asks the new workload to run replaces what the compose service ran.
        turned = _KIND_WITH.search(text)
        if (
            turned
            and focused
            and _looks_like_command(turned.group("cmd"))
            or (turned and re.fullmatch(r"/[\w./-]*\w", turned.group("cmd").strip()))
        ):
            c.args = split_command(turned.group("cmd"))
        elif focused and (given := _GIVEN_ARGS.search(text)):
            c.args = split_command(given.group("cmd"))  # "with the same image and args `x`"
        elif c.args and not c.command:
            # "run `synapse_auto_compressor` ..." then "- command: `synapse_auto_compressor -p
            # $(DB_URI)`": the whole command line, said later
            said = " ".join(c.args)
            fuller = [
                m.group("cmd")
                for m in _RUNS.finditer(text)
                if m.group("cmd").startswith(said + " ") and not in_code_span(text, m.start())
            ]
            if fuller:
                c.args = split_command(fuller[0])
        return
    pair = _ENTRY_AND_COMMAND.search(text)
    if pair:
        entry = pair.group("entry") or pair.group("entry2")
        cmd = pair.group("cmd") or pair.group("cmd2")
        c.command, c.args = split_command(entry), split_command(cmd)
        return
    # "MinIO runs `minio/minio:RELEASE.2024-05-28` with `minio server /data`": image, then command
    with_image = _IMAGE_WITH.search(text)
    if with_image and _looks_like_command(with_image.group("cmd")):
        c.args = split_command(with_image.group("cmd"))
        return
    match = _RUNS.search(text)
    while match is not None and (in_code_span(text, match.start()) or _of_a_datastore(doc, match)):
        # the keyword was a name in a code span, or the command is a datastore's
        match = _RUNS.search(text, match.start() + 1)
    if match is not None:
        # "run `core:archive` every hour ... command `php console core:archive --url=x`": the
        # whole command line said later is the one the first named
        fuller = [
            m
            for m in _RUNS.finditer(text, match.end())
            if match.group("cmd").strip() in m.group("cmd") and not in_code_span(text, m.start())
        ]
        match = fuller[0] if fuller else match
    if match is None:
        match = _WITH_EXECUTABLE.search(text) or _KIND_WITH.search(text)
    if match is None and focused:
        match = _LEAD_COMMAND.search(text)
    then = _THEN_COMMAND.match(text, match.end()) if match else None
    match = then or match  # "run `collectstatic` before starting, then `gunicorn ...`"
    given = (
        bool(match)
        and (
            bool(re.match(r"(?:arguments|args|arg)\b", match.group(0), re.I))
            # "started with the `run` argument": the word after the code says what it is
            or bool(re.match(r"\s+(?:argument|arg|subcommand)\b", text[match.end() :], re.I))
        )
    )
    if match and (_looks_like_command(match.group("cmd")) or _executable(match) or given):
        c.args = split_command(match.group("cmd"))
    elif match and focused and _subcommand(match, c):
        c.args = [match.group("cmd")]
    elif (
        match
        and focused
        and match.group("cmd") == c.name
        and not _names_image(c)
        and not text[match.end() :].lstrip().startswith(")")  # "proxy (`rest-api`)": a label
    ):
        c.args = [c.name]  # "hbbr (`hbbr`, tcp 21117)": the image's binary of that name
    elif named := _NAMED_COMMAND.search(text):
        c.args = [named.group("cmd")]


# Words for the app itself: after them, "it" is the app again, not the datastore named before.
_THE_APP = re.compile(r"\b(?:app|application|server|web|worker|service|container)s?\b", re.I)


def _of_a_datastore(doc: Doc, match: re.Match[str]) -> bool:
    """ "Overleaf needs Mongo running as a replica set — the compose file starts it with
    `--replSet overleaf`": the last thing named before the command is a datastore."""
    before = doc.text[doc.sentence_at(match.start()).start : match.start("cmd")]
    stores = [m.end() for d in DEPENDENCIES for m in d.pattern.finditer(before)]
    if not stores or _THE_APP.search(before, max(stores)):
        return False
    tail = before[max(stores) :]  # "Mongo runs `mongod --replSet x`", "... starts it with"
    return len(tail.split()) <= 2 or bool(re.search(r"\b(?:it|them)\b", tail, re.I))


def _names_image(c: ComponentDraft) -> bool:
    """ "the gateway bridge (`gateway-bridge`)" beside `chirpstack/chirpstack-gateway-bridge`:
    the part's name is its image's, no argument to it."""
    return c.image is not None and c.image.repository.rsplit("/", 1)[-1].endswith(c.name)


def _executable(match: re.Match[str]) -> bool:
    """ "runs `/start-worker`": a path said to be run is the executable, not a directory."""
    said = re.match(r"(?:runs?|running|command|cmd|entrypoint|executes?)\b", match.group(0), re.I)
    return bool(said) and bool(re.fullmatch(r"/[\w./-]*[\w]", match.group("cmd").strip()))


def _subcommand(match: re.Match[str], c: ComponentDraft) -> bool:
    """In a part about one workload, "runs `worker`" is the argument that selects its role (one
    image, several roles); the image's own name ("runs `nginx`") is no argument."""
    word = match.group("cmd")
    said = re.match(r"(?:runs?|command|cmd)\b", match.group(0), re.I)
    own = c.image.repository.rsplit("/", 1)[-1] if c.image else ""
    return bool(said) and bool(re.fullmatch(r"[a-z][\w:-]*", word)) and word != own


# "It has /readiness and /liveness endpoints, use them for the matching probes": each path


# "use `--logger.level INFO` instead of DEBUG": a flag of a command read elsewhere (a compose
# file's), given another value
_FLAG_VALUE = re.compile(r"`(?P<flag>--?[A-Za-z][\w.-]*)(?P<sep>[ =])(?P<value>[^`\s]+)`")
_CHANGE = re.compile(r"\b(?:instead|rather|change|switch|set|use|bump|lower|raise)\b", re.I)


def changed_flags(doc: Doc, parts: list[ComponentDraft]) -> None:
    """Give a flag in the one command that has it the value a sentence asks for."""
    for match in _FLAG_VALUE.finditer(doc.text):
        span = doc.sentence_at(match.start())
        if not _CHANGE.search(doc.text[span.start : span.end]):
            continue
        name = match.group("flag")
        flag = re.compile(rf"(?P<head>(?<![\w-]){re.escape(name)}[ =])(?!-)\S+")
        having = [c for c in parts if _has(c.command, name, flag) or _has(c.args, name, flag)]
        if len(having) != 1:
            continue
        c = having[0]
        c.command = _with_value(c.command, name, flag, match.group("value"))
        c.args = _with_value(c.args, name, flag, match.group("value"))


def _has(words: list[str], name: str, flag: re.Pattern[str]) -> bool:
    return any(flag.search(w) for w in words) or name in words[:-1]


def _with_value(words: list[str], name: str, flag: re.Pattern[str], value: str) -> list[str]:
    """``words`` with ``name``'s value replaced: in a shell line ("sh -c '... --x 1'") or as the
    word after the flag's own."""
    out = [flag.sub(lambda m: m.group("head") + value, word) for word in words]
    for i, word in enumerate(out[:-1]):
        if word == name and not out[i + 1].startswith("-"):
            out[i + 1] = value
    return out
