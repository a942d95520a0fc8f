"""Volumes that already exist in the cluster: a claim to mount, not one to create.

"mount the existing PVC `media-library` at `/media`", "`/exports` is on our claim
`shared-exports`", "the media library at `/media` and the cache at `/temp`. I already have two RWX
NFS claims for that, `media-library` and `tdarr-cache`": the chart mounts the claim by its name
and creates no PersistentVolumeClaim (which would be a new, empty volume) for that path.
"""

from __future__ import annotations

import re

from bot.tools.models import Volume
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.text import dns_name

_CLAIM = r"(?:persistent\s*volume\s*claims?|pvcs?|(?:volume\s+)?claims?)"
_NAME = r"`(?P<{0}>[a-z0-9][a-z0-9.-]*[a-z0-9])`"
_PATH = r"`?(?P<{0}>/[\w./-]*)`?"
_EXISTING = r"(?:(?:the|our|an?|my)\s+)?(?:existing|pre-?existing|current)\s+"
_PAIRED = re.compile(
    # "mount the existing PVC `media` at `/media`", "existing claim `x` (RWX), mounted at /x"
    rf"{_EXISTING}(?:\w+\s+){{0,2}}{_CLAIM}\s+(?:named\s+|called\s+)?{_NAME.format('claim')}"
    rf"[^.\n`]{{0,40}}?\b(?:at|on|under|to|in)\s+{_PATH.format('path')}|"
    # "`/media` from the existing PVC `media`", "/exports is on our claim `exports`"
    rf"{_PATH.format('path2')}\s+(?:comes\s+from|from|on|is\s+on|uses|lives\s+on|is)\s+"
    rf"(?:(?:the|our|an?|my)\s+)?(?:existing\s+|pre-?existing\s+)?(?:\w+\s+)?{_CLAIM}\s+"
    rf"(?:named\s+|called\s+)?{_NAME.format('claim2')}",
    re.I,
)
# "I already have two RWX NFS claims for that, `a` and `b`": claims that exist, listed
_LISTED = re.compile(
    rf"\b(?:already\s+(?:have|has|exist|created|made)|existing|pre-?existing|we\s+have)\b"
    rf"[^.\n]{{0,60}}?\b{_CLAIM}\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def existing_claims(text: str, draft: Draft) -> None:
    pairs: dict[str, str] = {}
    for match in _PAIRED.finditer(text):
        path = match.group("path") or match.group("path2")
        pairs.setdefault(path.rstrip("/") or "/", match.group("claim") or match.group("claim2"))
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    for i, sentence in enumerate(sentences):
        said = _LISTED.search(sentence)
        if not said:
            continue
        names = re.findall(r"`([a-z0-9][a-z0-9.-]*[a-z0-9])`", sentence[said.end() :])
        paths = _paths(sentence) or (_paths(sentences[i - 1]) if i else [])
        if names and len(names) == len(paths):
            for path, name in zip(paths, names, strict=True):
                pairs.setdefault(path, name)
    for path, claim in pairs.items():
        _mount(draft, path, claim)


def _paths(sentence: str) -> list[str]:
    return [p.rstrip("/") or "/" for p in re.findall(r"`(/[\w./-]*)`", sentence)]


def _mount(draft: Draft, path: str, claim: str) -> None:
    holders = [
        c
        for c in [draft.main, *draft.components.values()]
        if any(v.mount_path == path for v in c.volumes)
    ]
    if not holders:
        name = dns_name(path.rsplit("/", 1)[-1], 40) or "data"
        draft.main.add_volume(Volume(name=name, mount_path=path))
        holders = [draft.main]
    for c in holders:
        c.host_mounts = [h for h in c.host_mounts if h.mount_path != path]
        for volume in c.volumes:
            if volume.mount_path == path:
                volume.persistent, volume.existing_claim = True, claim
                volume.size = volume.storage_class = ""
