"""What a request says that is context, not a fact of the chart.

People paste logs and stack traces to show what went wrong, and they tell the story of what
they tried ("I tried to copy the compose command into a Deployment with 2 replicas, and both
pods raced"). An experienced engineer reads both as background: the two replicas that raced are
not the replica count being asked for. Code blocks made mostly of log lines, and sentences that
narrate an attempt or a suggestion someone made, are blanked (offsets kept) before the facts are
read. A sentence that turns from the story to the request ("..., so please give it 1Gi") keeps
its request.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.M | re.S)
_LOG_LINE = re.compile(
    r"^\s*(?:\[?\d{4}[-/.]\d\d[-/.]\d\d[T ]\d|\d\d:\d\d:\d\d|\[?(?:ERROR|WARN(?:ING)?|INFO|DEBUG|"
    r"FATAL|TRACE|CRITICAL)\b|Traceback|\s+at\s+[\w.$<>]+\s*\(|File \"|\w*(?:Error|Exception)\b|"
    r"[-=]{10,}\s*$|"
    r"[\w.-]+[-_]\d+\s+\|\s|"  # "websocket-1  | Error: ...": docker compose's logs
    r"panic:|goroutine \d|npm ERR|E\d{4} |W\d{4} |I\d{4} |\$ (?!docker run)|> |#\d+ \[|"
    # syslog/Apache dates, kubectl tables, shell errors
    r"\[?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) |"
    r"NAME\s+(?:READY|STATUS|TYPE|CLASS|PROVISIONER|CAPACITY|DESIRED|REFERENCE|HOSTS|DATA|AGE)\b|"
    r"[\w.-]+\s+\d+/\d+\s+[A-Z][A-Za-z:]+\s+\d+|.*\S\s{2,}\d+(?:[smhd]|m\d+s)\s*$|"
    r"[\w./-]+: line \d+:|.*\b(?:Permission denied|No such file or directory|command not found)\b|"
    # "Code: 210. DB::NetException: ...", "<Error> Application: ..."
    r".*\w(?:Exception|Error)\b:|.*<(?:Error|Warning|Fatal|Critical)>)"
)


# A TOML or INI file ("[runners.kubernetes]", 'image = "alpine:3.20"'): the app's own settings,
# which a chart ships whole (in a Secret or a ConfigMap), not facts about the chart.
_CONFIG_FILE = re.compile(r"[ \t]*(?:```|~~~)[ \t]*(?:toml|ini|conf|cfg|properties)[ \t]*\n", re.I)
_TOML_LINE = re.compile(r'^\s*(?:\[{1,2}[\w."-]+\]{1,2}|[a-z_][\w.-]*\s+=\s+\S|"[\w./-]+"\s*=)')


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def without_logs(text: str) -> str:
    """Blank code blocks that are logs, stack traces or shell sessions: context, not facts.

    Settings, Dockerfiles, manifests and ``docker run`` lines stay: they state facts.
    """

    def keep(match: re.Match[str]) -> str:
        body = match.group(0)
        lines = [ln for ln in body.splitlines()[1:-1] if ln.strip()]
        if _CONFIG_FILE.match(body) or (
            lines and sum(bool(_TOML_LINE.match(ln)) for ln in lines) >= 0.6 * len(lines)
        ):
            return "\n" * body.count("\n")  # the app's own config file: its content, no facts
        noisy = [ln for ln in lines if _LOG_LINE.match(ln)]
        if lines and len(noisy) >= 0.4 * len(lines):
            return "\n" * body.count("\n")
        return body

    return _CODE.sub(keep, text)


# "## `CUBESTORE_DATA_DIR`" over what the docs say of it: a variable's reference entry
_REFERENCE_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+`[A-Za-z][\w.]*`[ \t]*$", re.M)


def without_reference_docs(text: str) -> str:
    """Blank what pasted reference docs say under each variable's own heading ("Must be unique
    on each node", "Possible Values | Default"): how the app behaves, not what the chart is.
    Only a run of such entries is a reference (one heading may be a request's own); each entry
    ends at the next heading, a rule, or a line that leads into something else ("...:"). The
    headings stay, so the variables are still named."""
    headings = list(_REFERENCE_HEADING.finditer(text))
    if len(headings) < 2:
        return text
    out = text
    for match in headings:
        end = _ENTRY_END.search(text, match.end())
        stop = end.start() if end else len(text)
        out = out[: match.end()] + _blank(out[match.end() : stop]) + out[stop:]
    return out


_ENTRY_END = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|---+[ \t]*$|[^|\n][^\n]*:[ \t]*$)", re.M)


# "I tried ...", "we've attempted ...", "it was suggested to ...": the story of an attempt.
_ATTEMPT = re.compile(
    r"\b(?:I|we)(?:'ve|'d| have| had)?\s+(?:already\s+|just\s+|also\s+|first\s+)?"
    r"(?:tried|attempted)\b|\b(?:it\s+)?was\s+suggested\b|\bsomeone\s+suggested\b|"
    # "My first attempt was a plain Deployment plus an nginx ingress."
    r"\bmy\s+(?:first|last|previous|earlier)\s+(?:attempt|try|version)\b|"
    # "Context: we have Flowise as a single pod (sqlite on a PVC)": how it runs today
    r"^\W*context\s*:\s*(?:we|I)\b|"
    # "Before that it was a bare-metal GLPI with a system crontab", "once it was up, ..."
    r"\bbefore\s+that\s+it\s+(?:was|ran)\b|\bonce\s+it\s+was\s+up\b|"
    r"\bfor\s+(?:\w+\s+){1,2}years?\s*,?\s+it\s+ran\b|"
    # "instead of the pile of kompose output I generated last night (it made a hostPath ...)"
    r"\bkompose\s+(?:output|convert)\b|\b(?:I|we)\s+generated\s+(?:last|yesterday|earlier)\b",
    re.I,
)
# "First, I scaled everything to 2 replicas and now every sync job runs twice": what was done,
# told for what went wrong after it.
_DONE = re.compile(
    r"\b(?:I|we)\s+(?:just\s+|first\s+|then\s+|also\s+)?(?:scaled|set|left|changed|added|removed|"
    r"hand-wrote|wrote|pointed|installed|deployed|created|"
    r"moved|put|ran|bumped|raised|lowered|gave|configured|switched|copied|disabled|enabled|"
    r"turned|deleted|dropped|skipped|forgot)\b",
    re.I,
)
_WENT_WRONG = re.compile(
    r"\b(?:and|but)\s+now\b|\bwhich\s+(?:broke|breaks)\b|\bbroke\b|\bwent\s+wrong\b|"
    r"\b(?:crash|fail)(?:es|ed|s)?\b|\b404\b|\brun(?:s)?\s+twice\b|"
    r"\bnot\s+going\s+(?:great|well)\b|\b(?:doesn't|didn't|does\s+not|did\s+not)\s+work\b",
    re.I,
)


def _mishap(sentence: str) -> re.Match[str] | None:
    done = _DONE.search(sentence)
    return done if done and _WENT_WRONG.search(sentence, done.end()) else None


# Where the story turns back to the request.
_TURN = re.compile(
    r"[,;]\s*(?:so|instead|therefore|hence|now)\b|\bbut\s+(?:now|please|we\s+(?:need|want)|"
    r"it\s+should)\b",
    re.I,
)
# A sentence ends at . ! ? ; followed by space (an ellipsis goes on: "and... it broke"), at a
# blank line, or where a list item starts.
_SENTENCE = re.compile(
    r"(?<=[.!?;])(?<!\.\.\.)\s+|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t])|:\s*\n"
)


def without_attempts(text: str) -> str:
    """Blank the sentences that narrate what someone tried or suggested before the request."""
    out = list(text)
    start = 0
    ends = [m for m in _SENTENCE.finditer(text)] + [None]
    for end_match in ends:
        end = end_match.start() if end_match else len(text)
        sentence = text[start:end]
        attempt = _ATTEMPT.search(sentence) or _mishap(sentence)
        if attempt and "```" not in sentence:
            turn = _TURN.search(sentence, attempt.end())
            stop = start + (turn.start() if turn else len(sentence))
            out[start:stop] = _blank(text[start:stop])
        start = end_match.end() if end_match else len(text)
    return "".join(out)


_QUOTED = re.compile(r"(?:^[ \t]*>[^\n]*(?:\n|$))+", re.M)


def quoted_last(text: str) -> str:
    """Move block quotes to the end, unquoted: what a request quotes from an app's docs
    ("> POSTGRE_HOST=db") is the general case, and what the person says of their own setup
    wins over it."""
    quotes = [m.group(0) for m in _QUOTED.finditer(text)]
    if not quotes or not _QUOTED.sub("", text).strip():  # nothing quoted, or only a quote
        return text
    # Unquoted, so that a compose file or a code block in the quote reads as one.
    unquoted = [re.sub(r"^[ \t]*> ?", "", q.rstrip(), flags=re.M) for q in quotes]
    return _QUOTED.sub("\n", text).rstrip() + "\n\n" + "\n\n".join(unquoted) + "\n"


# "Our setup:", "What I want:", "Changes for the cluster:": where the person turns from what they
# quote or describe (docs, the old setup) to what they want.
_OWN_SETUP = re.compile(
    r"^[ \t#>*_-]*(?:(?:our|my)\s+(?:own\s+)?"
    r"(?:setup|set-up|requirements|changes|config(?:uration)?)|"
    r"(?:here'?s\s+)?what\s+(?:we|i)\s+(?:want|need|would\s+like)|"
    r"(?:for|on)\s+(?:the\s+chart|kubernetes|k8s|the\s+cluster)|changes\s+for\b)[^\n]{0,60}$",
    re.I | re.M,
)


def setup_first(text: str) -> str:
    """Read the person's own setup before what they quote or describe ahead of it: where both
    give a value ("-e TZ=Etc/UTC" in the docs, "TZ=Europe/Amsterdam" in "Our setup"), theirs
    wins. The request's opening paragraph stays first: it says what the app is."""
    turn = _OWN_SETUP.search(text)
    if turn is None:
        return text
    # An issue form's first section is its heading and the paragraph under it.
    lead = re.match(r"\s*(?:#{1,6}[ \t][^\n]*\n\s*\n)?", text)
    head_end = text.find("\n\n", lead.end() if lead else 0)
    if head_end < 0 or head_end >= turn.start():
        return text
    middle = text[head_end : turn.start()]
    if middle.count("\n") < 3:
        return text
    return text[:head_end] + "\n\n" + text[turn.start() :].rstrip() + "\n" + middle
