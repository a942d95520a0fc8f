"""Workloads a request introduces by the images it gives them.

"A frontend (image `ghcr.io/acme/web:2.1`) and a backend on `ghcr.io/acme/api:2.1`", "the API
runs acme/api:3, the UI acme/ui:3", "- worker: acme/jobs:1.0": when two or more images of the
app's own each follow a word for the part they play, each of those parts is a workload of the
chart, and the clause that names it is about it. One image alone is the app's; a datastore's
image is a bundled datastore, and a sidecar's, a sidecar: neither is a workload of its own.
"""

from __future__ import annotations

import os
import re

from bot.tools.models import Image
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.images import find_images, parse_image
from bot.tools.parsing.lexicon import SIDECARS, datastore_kind
from bot.tools.parsing.mentions import NOT_COMPONENTS, role_name
from bot.tools.parsing.text import dns_name

# Nouns people use for one part of an app. Anything else before an image ("we used", "bump
# to", "based on") says nothing about which workload it is.
_PARTS = frozenset(
    """api web webapp ui server admin dashboard console gateway proxy agent collector exporter
    relay indexer crawler renderer bot daemon controller consumer producer processor runner
    ingester querier compactor notifier mailer sender receiver portal site docs frontend
    backend front-end back-end worker workers scheduler beat migrate migration migrations cron
    realtime websocket socket streamer transcoder converter bridge hub""".split()
)
# Nouns that follow a part's word without naming it ("the api service", "the worker container").
_GENERIC = frozenset("service container deployment process component workload pod".split())
# What may stand between the part's word and its image.
_LINK = re.compile(
    r"(?:\s*(?:\(|:|=|[-\u2014\u2013])\s*|\s+)"
    r"(?:(?:uses?|using|runs?|running|is|on|from|with|should\s+(?:be|use|run)|will\s+(?:be|use|run)|"
    r"image|container|docker|the)\s+|[:=]\s*)*[`\"']?$",
    re.I,
)
# "- sync: `acme/sync:1.2`": a list item that gives a workload its image, whatever its name.
_DEFINED = re.compile(
    r"\s*(?:[-*+\u2022]|\d+[.)])\s+[*_`]*[\w-]+[*_`]*\s*:\s*(?:image\s*:?\s*)?[`\"']?"
)
_WORD = re.compile(r"(?P<word>[A-Za-z][\w-]{1,30})$")
# "a `front` workload (`acme/web:1`)": the name given in backticks, whatever the word.
_GIVEN = re.compile(
    r"`(?P<name>[a-z][\w-]{0,30})`\s+(?:workload|component|service|container|deployment|"
    r"statefulset|process)\s*(?:\(\s*|:\s*|,\s*)?(?:(?:image|using|from|on|runs?)\s+)?[`\"']?$",
    re.I,
)
# Where the clause that holds an image starts: a sentence, line, list item or "and" before it.
_CLAUSE_START = re.compile(r"[.;!?](?=\s)|\n|,\s|\band\b|\bplus\b|\bwhile\b|\bwhereas\b", re.I)


def _sidecar(repository: str) -> bool:
    return any(s.pattern.search(repository.replace("/", " ")) for s in SIDECARS)


def _part(before: str) -> list[str]:
    """The words of the part an image plays, from its clause right before it ([] if none)."""
    starts = [m.end() for m in _CLAUSE_START.finditer(before)]
    clause = before[starts[-1] :] if starts else before
    link = _LINK.search(clause)
    head = clause[: link.start()] if link else clause
    words = re.findall(r"[A-Za-z][\w-]{0,30}", re.sub(r"[*_`]+", "", head))
    if len(words) >= 2 and words[-1].lower() in _GENERIC:
        words.pop()  # "the api service from `x`": the api
    if not words or words[-1].lower() in NOT_COMPONENTS:
        return []
    word = words[-1].lower()
    if word not in _PARTS and not _DEFINED.fullmatch(clause):
        return []
    return [w.lower() for w in words[-2:]]


def _name(words: list[str], image: str, prefix: str) -> str:
    """A part's name: the image's own name when it spells the part's words ("API server",
    ``dependencytrack/apiserver``), else the role those words stand for."""
    own = dns_name(image.rsplit("/", 1)[-1].removeprefix(prefix), 30)
    if own and own in ("".join(words), "-".join(words), words[-1]):
        return own
    if len(words) >= 2 and f"-{'-'.join(words)}-" in f"-{own}-":
        return "-".join(words)  # "the RAG API", librechat-rag-api-dev-lite: rag-api
    if own.endswith(f"-{words[-1].lower()}"):
        return dns_name(words[-1], 30)  # "- `ui`: image `acme/ingest-ui`": the word it is called
    return role_name(words[-1]) or dns_name(words[-1], 30)


# The first word of a line or list item: "- rsshub image `diygod/rsshub:...`".
_LEAD = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d+[.)])?[ \t]*[*_`]*(?P<word>[A-Za-z][\w-]{1,40})")


def _lead(line: str, repository: str) -> list[str]:
    """The line's first word, when the image it gives is that word's own ("- browserless, its
    own Deployment, image `browserless/chrome`"): the line is about that part."""
    match = _LEAD.match(line)
    if not match:
        return []
    word = match.group("word").lower()
    own = repository.split("/")
    if word in own or any(p.startswith(f"{word}-") or p.endswith(f"-{word}") for p in own):
        return [word]
    return []


def _said(before: str, repository: str) -> list[str]:
    """The image's own name, said in its sentence right before it ("Search is backed by
    Meilisearch, which should run in the chart from `getmeili/meilisearch:v1.12`")."""
    starts = [m.end() for m in re.finditer(r"[.;!?](?=\s)|\n", before)]
    sentence = before[starts[-1] :] if starts else before
    own = repository.rsplit("/", 1)[-1]
    if len(own) >= 4 and re.search(rf"(?<![\w/.-]){re.escape(own)}(?![\w/-])", sentence, re.I):
        return [own]
    return []


def image_parts(text: str, known: list[str], main: str) -> list[str]:
    """The workloads ``text`` introduces by their images, in order; none unless two or more."""
    parts: list[tuple[list[str], str]] = []
    given: dict[int, str] = {}
    for image in find_images(text):
        repository = image.image.repository
        if image.base or datastore_kind(repository) or _sidecar(repository):
            continue
        line_start = text.rfind("\n", 0, image.start) + 1
        named = _GIVEN.search(text, max(line_start, image.start - 60), image.start)
        if named:
            given[len(parts)] = dns_name(named.group("name"), 30)
        words = (
            _part(text[max(line_start, image.start - 80) : image.start])
            or _lead(text[line_start : image.start], repository)
            or _said(text[max(line_start, image.start - 120) : image.start], repository)
        )
        if words or named:
            parts.append((words, repository))
    own = [r.rsplit("/", 1)[-1] for _, r in parts]
    shared = os.path.commonprefix(own) if len(set(own)) >= 2 else ""
    prefix = shared[: shared.rfind("-") + 1]  # "shop-api" and "shop-ui": the app's "shop-"
    found = list(
        dict.fromkeys(
            given.get(i) or _name(words, repo, prefix) for i, (words, repo) in enumerate(parts)
        )
    )
    if len(found) < 2 or len({r for _, r in parts}) < 2:
        return []
    return [n for n in found if n not in known and n != main]


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", name.lower()) if len(t) >= 4}


def by_name(text: str, draft: Draft) -> None:
    """Give a workload still without an image the one the request names after it ("Images:
    `hasura/graphql-engine:v2` and `hasura/graphql-data-connector:v2`" for graphql-engine and
    data-connector-agent), when no other workload has it."""
    workloads = [draft.main, *draft.components.values()]
    used = {c.image.repository for c in workloads if c.image is not None}
    free = [
        f.image
        for f in find_images(text)
        if not f.base and f.image.repository not in used and not datastore_kind(f.image.repository)
    ]
    for c in draft.components.values():
        if c.image is not None or not free:
            continue
        own = _tokens(c.name)
        # a sidecar's image ("defectdojo/defectdojo-nginx") only for the part of its very name
        scored = [
            (len(own & _tokens(i.repository.rsplit("/", 1)[-1])), i)
            for i in free
            if not _sidecar(i.repository) or c.name in _tokens(i.repository)
        ]
        if not scored:
            continue
        best = max(scored, key=lambda pair: pair[0])
        if best[0]:
            c.image = best[1].model_copy()
            free.remove(best[1])


# "... speckle/speckle-server and speckle/speckle-preview-service, all at tag 2.23.4. I'll call
# them server and preview-service below": the images listed, then their names, in order.
_CALLED = re.compile(
    r"\b(?:call|refer\s+to)\s+them\s+(?:as\s+)?(?P<names>`?[a-z][\w-]*`?(?:\s*,\s*`?[a-z][\w-]*`?)*"
    r",?\s+and\s+`?[a-z][\w-]*`?)",
    re.I,
)
_LISTED_IMAGE = re.compile(
    r"(?<![\w./:-])(?P<repo>[a-z0-9][\w.-]*(?:/[a-z0-9][\w.-]*)+)(?::(?P<tag>[\w][\w.-]*))?(?![\w/-])"
)
_ALL_AT = re.compile(
    r"\ball\s+(?:at|on|of)\s+(?:tag|version)?\s*`?v?(?P<tag>[\w][\w.-]*[\w])`?", re.I
)


def called_images(text: str) -> dict[str, Image]:
    """The workloads a request names after listing their images ("I'll call them a, b and c"),
    each with its image."""
    for match in _CALLED.finditer(text):
        names = [dns_name(n, 30) for n in re.split(r",|\band\b", match.group("names")) if n.strip()]
        start = text.rfind("\n\n", 0, match.start()) + 1
        listed = [
            m
            for m in _LISTED_IMAGE.finditer(text, start, match.start())
            if not re.match(r"https?:", text[max(0, m.start() - 8) : m.start()])
        ]
        if len(listed) != len(names) or len(set(names)) != len(names):
            continue
        shared = _ALL_AT.search(text, start, match.start())
        found: dict[str, Image] = {}
        for name, image in zip(names, listed, strict=True):
            tag = image.group("tag") or (shared.group("tag") if shared else "")
            parsed = parse_image(f"{image.group('repo')}:{tag}" if tag else image.group("repo"))
            if parsed is None or not name:
                break
            found[name] = parsed
        else:
            return found
    return {}
