"""Container image references: find them in text and split them into an ``Image``.

An image reference looks like many other things in a request (``host:port``, ``8080:80``,
``and/or``, a URL path), so a candidate only counts as an image when its shape is unambiguous
(a registry host, or a repository path with a tag or digest) or the word "image" is right
before it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.tools.models import Image

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
REFERENCE = re.compile(
    rf"(?<![\w./@-])(?P<ref>(?:(?P<registry>(?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?|"
    rf"localhost(?::\d+)?)/)?(?P<repo>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?)(?![\w/@-])",
    re.I,
)
_IMAGE_WORD = re.compile(
    r"\b(?:image|img|repository|repo|docker|pull|pulls|built as|published as|pushed to|"
    r"sidecar|container)\s*(?:is|=|:|at|of|name|ref(?:erence)?|(?:should|must|will|would|"
    r"has to|needs to)\s+be)?\s*[`\"'(]?$",
    re.I,
)
_LOOSE_WORD = re.compile(r"\b(?:runs?|uses?|using|with|deploy|ship|tag)\s+[`\"'(]?$", re.I)
# A list item that defines a workload and opens with its image: "- nginx - `nginx:stable` on 80".
_ITEM_LEAD = re.compile(
    r"(?:^|\n)[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+(?:[\w.-]{1,40}[ \t]*)?[-:\u2014\u2013][ \t]*`$"
)
# What a tag looks like when nothing says "image": a version, or a well-known tag word.
_TAG_LIKE = re.compile(
    r"\d|^(?:latest|stable|alpine|slim|edge|lts|main|master|nightly|beta|bookworm|bullseye|"
    r"jammy|noble|focal|distroless|debian|ubuntu)$",
    re.I,
)
_BARE_WORD = re.compile(
    r"\bimage\s*(?:[:=]|is|name|(?:should|must|will|would|has to|needs to)\s+be)?\s*[`\"']?$",
    re.I,
)
# Words that follow "image" in a sentence without naming one ("image size", "image for ...").
_NOT_IMAGES = frozenset(
    """
a an the for of with from and to is in on at that which tag tags name registry please should
will must size pull policy repository repo scanning scan build builds built digest version
updates update we it this our your my its has have needs need uses use runs run should be
docs documentation honours honors supports reads expects accepts listens exposes ships provides
everywhere anywhere across too also as per both all each every same only here there used via by
they them but or so if when than then was were are pinned tagged fixed locked bumped upgraded
official oficial upstream public private custom running starting started executing called
named but plus now already still just then yet once twice again one two three four five six
above below mentioned listed instead rather itself themselves
starts launches boots contains includes comes spawns bump bumps change changes
can could would may might shall cannot doesn does didn isn won
""".split()
)
# Hosts that serve images, as opposed to the domains of labels, taints and resources
# ("node-role.kubernetes.io/control-plane", "nvidia.com/gpu").
_REGISTRY_HOST = re.compile(
    r"(?:[\w-]+\.)*(?:ghcr\.io|quay\.io|docker\.io|gcr\.io|pkg\.dev|ecr\.aws|amazonaws\.com|"
    r"mcr\.microsoft\.com|azurecr\.io|lscr\.io|nvcr\.io|codeberg\.org|docker\.elastic\.co|"
    r"registry\.[\w.-]+|cr\.[\w.-]+|[\w.-]*registry[\w.-]*\.[a-z]+)(?::\d+)?",
    re.I,
)
_BASE_WORD = re.compile(r"(?:\bFROM\s+|\bbase image\s*(?:is|:|of)?\s*|\bbased on\s+)$", re.I)


def parse_image(reference: str) -> Image | None:
    """Split an image reference into registry, repository, tag and digest (None if invalid)."""
    reference = reference.strip().strip("`\"'.,;:()[]")
    match = REFERENCE.fullmatch(reference)
    if not match or not re.search(r"[a-z]", match.group("repo"), re.I):
        return None
    return Image(
        registry=(match.group("registry") or "").lower(),
        repository=match.group("repo").lower(),
        tag=(match.group("tag") or "").rstrip(".-"),
        digest=match.group("digest") or "",
    )


@dataclass(frozen=True)
class Found:
    """An image reference found in text, with where it was and what preceded it."""

    image: Image
    start: int
    end: int
    keyword: bool  # "image" (or a synonym) right before it
    base: bool  # a Dockerfile base image ("FROM node:20"), not the app's image


def find_images(text: str) -> list[Found]:
    """Return the image references in ``text`` that are unambiguous or introduced as images."""
    return list(_found_in(text))


@functools.lru_cache(maxsize=16)
def _found_in(text: str) -> tuple[Found, ...]:
    """The scan behind ``find_images``, kept for the few texts of the request being read: the
    parts of one request (its workloads by image, images by name, the app's image) look at the
    same text."""
    found: list[Found] = []
    pos = 0
    while match := REFERENCE.search(text, pos):
        # A rejected candidate may hide a real one right after it ("Image:nginx:1.25").
        pos = match.start() + 1
        before = text[max(0, match.start() - 40) : match.start()]
        if (
            re.search(r"(?:://|@|\w/)$", before)
            or before.endswith(("/", "$", "{", ":"))
            and not _BARE_WORD.search(before)
        ):
            continue
        tag, repo, registry = match.group("tag"), match.group("repo"), match.group("registry")
        has_path = "/" in repo or bool(registry)
        # "the `postgres:16-alpine` image": the word may follow a pinned reference ("the
        # separate `acme/app-worker` image" only names the other part's image in passing)
        keyword = bool(_IMAGE_WORD.search(before)) or bool(
            (match.group("tag") or match.group("digest"))
            and re.match(
                r"[`\"']?\s+(?:container\s+|docker\s+)?image\b",
                text[match.end() : match.end() + 20],
            )
        )
        base = bool(_BASE_WORD.search(before))
        if not re.search(r"[a-z]", repo, re.I):
            continue
        if not has_path and tag and tag.isdigit() and len(tag) >= 4:
            continue  # host:port
        if not has_path and "." in repo:
            continue  # a host name, maybe with a port
        if (registry or "").lower() in (
            "github.com",
            "gitlab.com",
            "bitbucket.org",
        ):
            continue  # "(github.com/we-promise/sure)": a source repository, not a registry
        if tag in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            continue  # "tainted `nvidia.com/gpu:NoSchedule`": a taint's key and effect
        pinned = bool(tag or match.group("digest"))
        # "yourls:1.9.2-apache (port 80) + ...": a terse request that opens with its image
        opens = match.start() == len(text) - len(text.lstrip())
        loose = keyword or opens or bool(_LOOSE_WORD.search(before) or _ITEM_LEAD.search(before))
        if loose and not keyword and not has_path and tag and not _TAG_LIKE.search(tag):
            continue  # "run `core:archive`", "`cache:clear`": a console command, not an image
        if pinned and not (has_path or loose or base):
            continue
        named = has_path and bool(
            re.search(rf"\b{re.escape(repo.rsplit('/', 1)[-1])}\b[^()\n]{{0,30}}\($", before, re.I)
        )  # "linkding 1.39.1 (sissbruecker/linkding)": the app's repository, in brackets
        # "`ghcr.io/haveagitgat/tdarr` is the server": a registry's host names an image
        registered = (
            bool(registry)
            and bool(_REGISTRY_HOST.fullmatch(registry.rstrip("/")))
            and before.endswith("`")
            and text[match.end() : match.end() + 1] == "`"
        )
        if not pinned and not (
            _BARE_WORD.search(before) or (has_path and keyword) or named or registered
        ):
            continue
        if not pinned and not has_path and (repo.lower() in _NOT_IMAGES or len(repo) < 3):
            continue  # "the image's own HEALTHCHECK": no image called "s"
        if not pinned and not has_path and repo[:1].isupper() and not before.endswith(("`", '"')):
            continue  # "la imagen Docker": a product's name; image names are lower case
        image = parse_image(match.group("ref"))
        if image:
            found.append(Found(image, match.start(), match.end(), keyword, base))
            pos = match.end()
    return tuple(found)


def with_stated_version(text: str, image: Image, names: list[str] | None = None) -> Image:
    """An image named without a tag takes the version written right after the app's name
    ("uptime-kuma 1.23.16 (louislam/uptime-kuma)"); ``names`` are further names of the app."""
    if image.tag or image.digest:
        return image
    spelled = [image.repository.rsplit("/", 1)[-1], *(names or [])]
    pattern = "|".join(re.escape(n) for n in spelled if n)
    version = re.search(
        rf"(?<![\w/.-])(?:{pattern})[`\"']?\s+(?:version\s+)?(v?\d+(?:\.\d+){{1,3}}(?:-[\w.]+)?)\b",
        text,
        re.I,
    )
    return image.model_copy(update={"tag": version.group(1)}) if version else image


def pinned_in(text: str, image: Image, pasted: bool = False) -> Image:
    """An image the request names with a version elsewhere ("pin changedetection to
    `ghcr.io/dgtlmoon/changedetection.io:0.47.03`") takes that version over a pasted file's
    untagged or latest one, and over any version of a ``pasted`` manifest's."""
    if image.digest or not (_floating(image.tag) or pasted):
        return image
    path = re.escape(image.repository)
    for match in re.finditer(
        rf"(?<![\w./-])(?P<registry>[\w.-]+(?::\d+)?/)?{path}:(?P<tag>[\w][\w.-]*)", text
    ):
        tag = match.group("tag").rstrip(".-")
        if not _floating(tag) and _TAG_LIKE.search(tag):
            said = (match.group("registry") or "").rstrip("/")
            registry = image.registry
            if said and "." in said:
                registry = said.lower()  # "`ghcr.io/acme/app:1.2`": where it is pulled from too
            elif not said and _FROM_DOCKER_HUB.search(text):
                registry = ""  # "pull straight from Docker Hub, not the scarf mirror"
            return image.model_copy(update={"tag": tag, "registry": registry})
    every = _EVERY_PINNED.search(text)
    if every is None:
        return image
    return image.model_copy(update={"tag": every.group("tag") or every.group("tag2")})


# "I want both pinned to 2.62.01", "all three images are tagged v1.4.0": one version for each
_EVERY_PINNED = re.compile(
    r"\b(?:both|all(?:\s+(?:two|three|four|of\s+them))?|each(?:\s+one)?|every\s+image|"
    r"the\s+images|them|they)\s+(?:images\s+)?(?:(?:are|should\s+be|must\s+be|be)\s+)?"
    r"(?:pinned|tagged|locked|fixed|set)\s+(?:to|at|on)\s+(?:version\s+)?[`*\"']*"
    r"(?P<tag>v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?)\b|"
    # "Pin them both to 3.1.4", "pin all images at v2.0"
    r"\bpin\s+(?:them|both|all|each|every\s+image|the\s+images)(?:\s+(?:both|all))?"
    r"(?:\s+images)?\s+(?:to|at)\s+(?:version\s+)?[`*\"']*(?P<tag2>v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?)\b",
    re.I,
)
_FROM_DOCKER_HUB = re.compile(r"\b(?:from|on|off)\s+(?:the\s+)?docker\s?hub\b", re.I)


def _floating(tag: str) -> bool:
    """A tag that names no version: none, ``latest`` and the like, a variant of it
    (``latest-postgresql``), or a bare flavour (``alpine``)."""
    low = tag.lower()
    moving = ("latest", "stable", "release", "main", "master", "edge", "nightly", "rolling")
    # "alpine", "bookworm-slim": a flavour of whatever release is current, no version either
    return (
        low in ("", *moving)
        or low.startswith("latest-")
        or low.endswith("-latest")
        or not re.search(r"\d", low)
    )
