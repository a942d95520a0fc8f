"""How the application listens and tells it is healthy: container ports and probes.

Numbers appear everywhere in a request (versions, sizes, replica counts, database ports), so
a port needs its own cue: it follows "port", "listens on" or a port name ("metrics 9090"); a
port stated next to a backing service ("Postgres on 5432") or a sidecar belongs to them, not to
the app. Host names are read by ``hosts``, the ingress by ``ingress``.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.tools.models import Probe
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.exposure import service_numbers
from bot.tools.parsing.lexicon import DEPENDENCIES, PORT_WORDS
from bot.tools.parsing.text import Doc, dns_name, negated

_NOT_A_PORT = (
    r"(?!\s*(?:replicas?|pods?|instances?|cores?|v?cpus?|gi|mi|gb|mb|%|x\b|times|"
    r"minutes?|hours?|seconds?|days?|users|requests))"
)
# "7280 REST (TCP), 7281 gRPC (TCP)": a word may name the port before its brackets
_WORD = (
    r"(?:\s+(?!(?:and|or|for|as|replicas?|pods?|instances?|cores?|v?cpus?|gi|mi|gb|mb|x|times|"
    r"minutes?|hours?|seconds?|days?|users|requests|is|are|to|on|in|with|the|by|via)\b)"
    r"(?P<word>[A-Za-z][\w-]{1,15})(?=\s*\())?"
)
_TAIL = (
    r"\b(?::\d{1,6}\b)?(?:/(?:tcp|udp|sctp))?"
    + _WORD.replace("?P<word>", "")
    + r"(?:\s*\([^)]{1,30}\)|\s+for\s+[a-z]+)?"
)
_PORT_ITEM = re.compile(
    r":?(?P<a>\d{1,6})\b(?::(?P<b>\d{1,6})\b)?(?:/(?P<proto>tcp|udp|sctp))?"
    + _WORD
    + r"(?:\s*\((?P<paren>[^)]{1,30})\)|\s+for\s+(?P<for>[a-z]+)|\s+as\s+(?P<as>[a-z]+))?",
    re.I,
)
# "Ports: `8069` (HTTP) and `8072` (websocket)": a number may be written as code.
_FIRST = rf"`?:?\d{{1,6}}\b`?{_TAIL[2:]}{_NOT_A_PORT}"
_MORE = rf"`?:?\d{{2,6}}\b`?{_TAIL[2:]}{_NOT_A_PORT}"  # "port 3000, 2-10 replicas": not 2
_PORT_LIST = re.compile(
    rf"\b(?:containerPort|(?:container\s+|http\s+|app\s+|service\s+|target\s+)?ports?)\b"
    # "Ports (all components): 7280 ...": who they are for, in brackets
    rf"(?:\s+numbers?)?(?:\s*\((?:all|every|each|both)\b[^)\n]{{0,30}}\))?\s*"
    rf"(?:is|are|=|:|of|on|at|#)?\s*\(?(?P<list>{_FIRST}(?:\s*(?:,|and|&|\+|/)?\s*{_MORE})*)",
    re.I,
)
_NAMES = "|".join(sorted(PORT_WORDS, key=len, reverse=True))
_NAMED = re.compile(
    rf"\b(?P<name>{_NAMES})\b\s*(?:traffic\s+|endpoint\s+|server\s+|api\s+)?(?:port\s*)?"
    r"(?:on|at|:|=|is|via)?\s*(?:port\s*)?:?(?P<n>\d{2,6})\b(?:/(?P<proto>tcp|udp))?(?!\.\d|%)"
    r"(?P<both>\s+(?:tcp|udp)\s*(?:and|&|\+|/)\s*(?:tcp|udp)\b)?",
    re.I,
)
_VERB = re.compile(
    r"\b(?:listens?|listening|serves?|serving|exposes?|exposing|bound|binds?|binding|carry|"
    r"carries|carrying|(?:service|svc)\s+with|accepts?"
    r"(?: connections)?)\s+(?:\w+\s+)?(?:on|at|to)?\s*(?:port\s*)?(?:0\.0\.0\.0|localhost|"
    r"127\.0\.0\.1)?:?(?P<n>\d{2,5})\b(?:/(?P<proto>tcp|udp))?(?!\.\d|%|\s*(?:replicas|pods|"
    r"users|requests|rps|ms|mb|gb|gi|mi|minutes|seconds))",
    re.I,
)
_ON_NUMBER = re.compile(
    r"\b(?:on|at)\s+:?(?P<n>\d{4,5})\b(?![-/.:]\d|\s*(?:replicas|pods|users|requests|rps|qps|"
    r"ms|mb|gb|gi|mi|%|times|nodes|cores|connections))",
    re.I,
)
# "tcp 21115 21116 21118 + udp 21116": numbers listed after their protocol.
_PROTO_LIST = re.compile(
    r"\b(?P<proto>tcp|udp)\s+(?P<list>\d{2,5}(?:(?:\s*,\s*|\s+and\s+|\s+)\d{2,5}\b)+)(?![.\d/:])",
    re.I,
)
# "(nginx on 80)", "the UI on 3000": what serves, on a port.
_SERVES_ON = re.compile(
    r"\b(?:nginx|apache|caddy|httpd|server|ui|frontend|backend|api|app|web)\s+on\s+(?:port\s+)?:?"
    r"(?P<n>\d{2,5})\b(?![-/.:]\d|\s*(?:replicas|pods|nodes|users|requests|rps|ms|mb|gb|gi|mi|%|"
    r"times|cores|connections|cpus?|instances))",
    re.I,
)
_EXPOSE = re.compile(r"^\s*EXPOSE\s+(?P<list>[\d/ a-z]+)$", re.M)
_SLASH_PROTO = re.compile(r"\b(?P<n>\d{2,5})/(?P<proto>tcp|udp|sctp)\b", re.I)
_HTTP_STATUS = {200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503}


def _port_name(word: str) -> str:
    word = word.strip().lower()
    if word in ("both", "all", "each", "every", "them", "everything"):
        return ""  # "3000 for both": whose port it is, not what it is called
    if word in PORT_WORDS:
        return PORT_WORDS[word]
    first = re.findall(r"[a-z][a-z0-9-]*", word)
    if not first:
        return ""
    for token in first:
        if token in PORT_WORDS:
            return PORT_WORDS[token]
    name = dns_name(first[0], 15)
    return name if re.search(r"[a-z]", name) else ""


def _owner(doc: Doc, pos: int) -> str:
    """Return the backing service or sidecar a port number next to ``pos`` belongs to."""
    clause = doc.clause_at(pos)
    before = doc.text[max(clause.start, pos - 40) : pos]
    for backing in DEPENDENCIES:
        if backing.pattern.search(before):
            return backing.kind
    sentence = doc.text[max(doc.text.rfind(". ", 0, pos), doc.text.rfind("\n", 0, pos)) + 1 : pos]
    number = re.search(r"\d{2,5}", doc.text[pos : pos + 30])
    for backing in DEPENDENCIES:
        # "a managed MariaDB, host `db.internal`, port 3306": its default port, further back
        if number and int(number.group(0)) == backing.port and backing.pattern.search(sentence):
            return backing.kind
    said_before = doc.text[clause.start : pos]
    if re.search(r"sidecar|init[\s-]?container", doc.text[clause.start : clause.end], re.I) or (
        re.search(r"\bproxy\b", said_before, re.I)  # "It listens on 9000 behind the proxy"
    ):
        return "a sidecar"
    if re.search(
        r"\b(?:relay|mail\s?server|smtp\s+(?:server|host)|upstream|reachable)\b", said_before, re.I
    ):
        return "a service the app reaches"  # "an SMTP relay reachable at `smtp...` port 25"
    return ""


def _add(doc: Doc, draft: Draft, pos: int, number: int, name: str = "", proto: str = "") -> None:
    if re.search(r"--[\w-]*=?$", doc.text[max(0, pos - 30) : pos]):
        return  # "--min-port=49160": a flag of the command, not a port the container opens
    span = doc.sentence_at(pos)
    if number in service_numbers(doc.masked[span.start : span.end]):
        return  # "ports 80 and 443 (-> 8000 / 8443)": 80 is the Service's, mapped onto 8000
    owner = _owner(doc, pos)
    if owner:
        draft.note(f"port {number} belongs to {owner}, not to the application")
        return
    name = _port_name(name) if name else ""
    if name in ("tcp", "udp"):
        proto, name = proto or name, ""
    draft.target.add_port(number, name, (proto or "TCP").upper())


# "Listens on 4180 (HTTP) and 44180 (metrics)": the ports that follow the first one.
_AND_MORE = re.compile(
    r"\s*(?:\((?P<first>[^)\n]{1,30})\))?(?P<more>(?:\s*(?:,|and|&|\+)\s*(?:port\s*)?\d{2,5}\b"
    + _NOT_A_PORT
    + r"(?:/(?:tcp|udp))?(?:\s*\([^)\n]{1,30}\))?)+)",
    re.I,
)


def _more_after(doc: Doc, draft: Draft, end: int) -> None:
    match = _AND_MORE.match(doc.masked, end)
    if not match or not match.group("more"):
        return
    for item in re.finditer(
        r"(?P<n>\d{2,5})(?:/(?P<proto>tcp|udp))?(?:\s*\((?P<label>[^)\n]{1,30})\))?",
        match.group("more"),
        re.I,
    ):
        _add(
            doc,
            draft,
            match.start("more"),
            int(item.group("n")),
            item.group("label") or "",
            item.group("proto") or "",
        )


def read_ports(doc: Doc, draft: Draft) -> None:
    """Add the container ports stated in ``doc``."""
    text = doc.masked
    for match in _PORT_LIST.finditer(text):
        if negated(text, match.start()):
            continue
        for item in _PORT_ITEM.finditer(match.group("list")):
            number = int(item.group("b") or item.group("a"))
            label = item.group("paren") or item.group("for") or item.group("as") or ""
            proto = item.group("proto") or ("udp" if "udp" in label.lower() else "")
            if item.group("word") and (not label or label.strip().lower() in ("tcp", "udp")):
                label = item.group("word")  # "7281 gRPC (TCP)": the word names it
            _add(doc, draft, match.start("list") + item.start(), number, label, proto)
    for match in _NAMED.finditer(text):
        number = int(match.group("n"))
        name = match.group("name").lower()
        if name in ("http", "https") and number in _HTTP_STATUS:
            continue
        if match.group("both"):  # "sync 22000 tcp AND udp": the one port, both protocols
            _add(doc, draft, match.start(), number, name, "tcp")
            _add(doc, draft, match.start(), number, f"{name}-udp", "udp")
            continue
        _add(doc, draft, match.start(), number, name, match.group("proto") or "")
    for pattern in (_VERB, _SLASH_PROTO, _ON_NUMBER, _SERVES_ON):
        for match in pattern.finditer(text):
            _add(
                doc,
                draft,
                match.start(),
                int(match.group("n")),
                "",
                match.groupdict().get("proto") or "",
            )
            if pattern is _VERB:
                _more_after(doc, draft, match.end())
    for match in _PROTO_LIST.finditer(text):
        for number in re.findall(r"\d+", match.group("list")):
            _add(doc, draft, match.start(), int(number), "", match.group("proto"))
    for match in _EXPOSE.finditer(doc.text):
        for number, proto in re.findall(r"(\d+)(?:/(tcp|udp))?", match.group("list")):
            _add(doc, draft, match.start(), int(number), "", proto)


# ----------------------------------------------------------------------------- probes

ProbeKind = Literal["http", "tcp", "grpc", "exec", "none"]
_HEALTH_WORD = re.compile(
    r"\b(?:health[\s-]?checks?|health[\s-]?(?:endpoint|path|route|url|probe)|healthcheck|"
    r"liveness|readiness|startup probe|probes?|health)\b",
    re.I,
)
_HEALTH_PATH = re.compile(
    r"(?<![\w./])(?P<p>/(?:healthz?|livez|readyz|ready|live|ping|status|heartbeat|_health|up|"
    r"health/(?:live|ready|liveness|readiness)|actuator/health(?:/\w+)?|-/(?:healthy|ready)|"
    r"q/health(?:/\w+)?|api/health(?:z)?))(?![\w/-])",
    re.I,
)


_NEAR_PATH = re.compile(r"[^\n;.]{0,40}?(?:https?://[\w.-]+(?::\d+)?|(?<![\w.:/]))(/[\w./-]*)")
_PROBE_PATH = re.compile(r"\b(?:path|GET)\s+[`\"']?(?P<p>/[\w./-]*)(?=[`\"']?(?:\s|$|[,;]))")


def _full_sentence(text: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos`` up to its full stop: a semicolon does not end it."""
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
    ends = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i >= 0]
    return start, min(ends) if ends else len(text)


def read_health(doc: Doc, draft: Draft) -> None:
    """Set the health probe the request describes."""
    text = doc.masked
    word = _HEALTH_WORD.search(text)
    if word and negated(text, word.start()):
        draft.target.health = Probe(kind="none", path="/", port="", command=[])
        return
    path = ""
    for match in _HEALTH_WORD.finditer(text):
        # Matched in place: "readiness/liveness" has no path after "readiness".
        near = _NEAR_PATH.match(text, match.end())
        if near:
            path = near.group(1).rstrip(".")
            break
    if not path and (known := _HEALTH_PATH.search(text)):
        path = known.group("p")
    span = _full_sentence(text, word.start()) if word else None
    said = text[span[0] : span[1]] if span else ""
    if not path and (stated := _PROBE_PATH.search(said)):
        path = stated.group("p")  # "use path / on that port for the liveness probe"
    sentence = text[max(0, word.start() - 20) : word.start() + 80] if word else ""
    after = text[word.start() : word.start() + 60] if word else ""
    kind: ProbeKind = "http"
    if re.search(r"\bgrpc\b", sentence, re.I) and word:
        kind = "grpc"
    elif re.search(r"\btcp\b", sentence, re.I) and not path:
        kind = "tcp"
    elif not path:
        return
    port = re.search(r"\bport\s+(\d{2,5})\b", after)
    number = port.group(1) if port else ""
    that_port = re.search(r"\b(?:that|this|the same)\s+port\b", said)
    if not number and span and that_port:
        # "The health_check extension listens on 13133; use path / on that port"
        before = text[max(0, span[0] - 150) : span[0] + that_port.start()]
        earlier = re.findall(r"\b(\d{4,5})\b", before)
        number = earlier[-1] if earlier else ""
    draft.target.health = Probe(kind=kind, path=path or "/", port=number, command=[])
