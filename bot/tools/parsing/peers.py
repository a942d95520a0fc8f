"""Variables through which one workload of the chart reaches another.

"`ETCD_ENDPOINTS` and `MINIO_ADDRESS` must point at the chart's own etcd (port 2379) and MinIO
(port 9000)", "`SEARCH_URL` pointing at the searcher": the person knows which part the value
names but not the Service name the chart gives it. The chart does: the variable is rendered with
that Service's name, in the shape its name asks for (a URL, host:port, a host or a port).
"""

from __future__ import annotations

import re
from typing import Literal

from bot.tools.models import PeerLink
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.mentions import alias_pattern
from bot.tools.parsing.parts import Segment
from bot.tools.parsing.wiring import part_of

_ENV = r"`?(?<![\w$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+`?"
_POINTING = re.compile(
    rf"(?P<envs>{_ENV}(?:\s*(?:,|and|/|&)\s*{_ENV})*)\s+(?:(?:must|should|need\s+to|have\s+to|"
    r"will|shall)\s+)?(?:all\s+|both\s+)?(?:point(?:s|ing)?|connect(?:s|ing)?|go(?:es)?|refer(?:s|ring)?"
    r"|lead(?:s|ing)?)\s+(?:at|to)\s+(?P<rest>(?:[^.;\n`]|`[^`A-Z\n][^`\n]*`|\n(?!\s*\n)){0,160})|"
    # "- `CUBEJS_CUBESTORE_HOST` → the cubestore Service", "`DD_UWSGI_HOST` (the uwsgi Service)"
    rf"(?P<envs2>{_ENV})\s*(?:→|->|=>|\()\s*(?P<rest2>the\s+[\w-]+\s+(?i:service|svc)\b[^.;\n`]{{0,40}})"
)
_PORT_AFTER = re.compile(
    r"[`'\"]?\s*(?:\(\s*)?(?:on\s+|at\s+)?(?:port\s+|:)(?P<port>\d{2,5})\b", re.I
)


def read_peers(text: str, draft: Draft, segments: list[Segment]) -> None:
    """Link the variables ``text`` points at other parts to them, on the part the sentence is
    about: the one its segment names, less the parts it points at; else the main one."""
    names = [n for n in dict.fromkeys([draft.component, *draft.components]) if n]
    if len(names) < 2:
        return
    stores = [k for k, d in draft.dependencies.items() if not d.external]
    for match in _POINTING.finditer(text):
        envs = [e.strip("`") for e in re.findall(_ENV, match.group("envs") or match.group("envs2"))]
        rest = match.group("rest") or match.group("rest2")
        said = _in_order(rest, names)
        if not said or any(re.search(rf"\b{re.escape(k)}", rest, re.I) for k in stores):
            continue
        pairs = (
            list(zip(envs, said, strict=True))
            if len(envs) == len(said)
            else [(e, said[0]) for e in envs]
            if len(said) == 1
            else []
        )
        targets = {name for name, _ in said}
        around = [n for seg in segments if seg.start <= match.start() < seg.end for n in seg.names]
        owners = [n for n in dict.fromkeys(around) if n not in targets] or [draft.component]
        for owner in owners:
            with draft.focus(owner) as c:
                _link(c, owner, pairs, draft.component)


def _link(
    c: ComponentDraft, owner: str, pairs: list[tuple[str, tuple[str, int]]], main: str
) -> None:
    for env, (name, port) in pairs:
        if name == owner or any(p.env == env for p in c.peers):
            continue
        if any(x.env == env for x in c.connections):
            continue
        c.env.pop(env, None)
        c.secrets.pop(env, None)
        component = "" if name == main else name
        c.peers.append(PeerLink(env=env, component=component, form=_form(env, port), port=port))


def _in_order(rest: str, names: list[str]) -> list[tuple[str, int]]:
    """The parts ``rest`` names, in the order it names them, each with a port said after it."""
    found = []
    for name in names:
        hit = re.search(
            rf"(?<![\w./-])(?:{alias_pattern(name, exclude=set(names) - {name})})s?(?![\w/-])",
            rest,
            re.I,
        )
        if hit:
            port = _PORT_AFTER.match(rest, hit.end())
            found.append((hit.start(), name, int(port.group("port")) if port else 0))
    return [(name, port) for _, name, port in sorted(found)]


def _form(env: str, port: int) -> Literal["host", "address", "url", "port"]:
    """The shape the variable's name asks for; a host said with a port is host:port."""
    part = part_of(env)
    if part in ("url", "port"):
        return "url" if part == "url" else "port"
    if re.search(r"HOST(?:NAME)?S?$", env.upper()):
        return "host"
    listed = re.search(r"(?:ENDPOINTS?|SERVERS)$", env)  # "etcd:2379", as a list of one
    return "address" if port or part == "host" or listed else "host"


def settle_ports(draft: Draft) -> None:
    """A link that says no port reaches the first port of the part it points at."""
    parts = {draft.component: draft.main, **draft.components}
    for c in parts.values():
        for link in c.peers:
            target = parts.get(link.component or draft.component)
            if link.port or target is None or not target.ports:
                continue
            first = target.ports[0]
            link.port = first.service_port or first.port
