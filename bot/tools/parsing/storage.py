"""Volumes and resource hints: sizes and paths, paired by the words around them.

"20Gi" may be a volume or a memory limit; the nearest telling word decides ("memory", "RAM"
versus "volume", "storage", "disk"). A volume is an absolute path in a sentence about storage,
with the size nearest to it; a size with no path gets the conventional ``/data`` (and a note
saying so), and "emptyDir" / "scratch" / "cache" make a volume ephemeral.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.tools.models import Volume
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.quantities import CPU, SIZE, cpu_quantity, size_quantity
from bot.tools.parsing.text import Doc, dns_name, negated

_MEMORY = re.compile(r"\b(?:memory|ram|mem|heap)\b", re.I)
_STORAGE = re.compile(
    r"\b(?:storage|volumes?|disks?|pvcs?|persistent|persistence|persist(?:s|ed)?|space|mount(?:ed|s)?"
    r"|models?|weights|uploads?|state|datastore|data dir(?:ectory)?|stores?|cache|emptydir|"
    r"scratch)\b",
    re.I,
)
_EPHEMERAL = re.compile(
    r"\bemptydir\b|\bscratch\b|\bephemeral\b|\btmpfs\b|\btemporary\b|"
    r"\bnot persistent\b|\bnon-persistent\b",
    re.I,
)
_NOT_MOUNTS = re.compile(
    r"^/(?:healthz?|livez|readyz|ready|live|ping|status|metrics|api|v\d|actuator|graphql|"
    r"_health|up|login|admin|docs|swagger|openapi)(?:/|$)"
)
_STORAGE_CLASS = re.compile(
    r"\bstorage[\s-]?class(?:[\s-]?name)?\s*(?:[:=]|is|of)?\s*[`\"']?(?P<c>[a-z0-9][a-z0-9.-]*)|"
    r"\b(?P<k>gp2|gp3|io1|io2|premium-rwo|standard-rwo|managed-premium|managed-csi|longhorn|"
    r"local-path|ceph-rbd|nfs-client|efs-sc)\b",
    re.I,
)
_CONFIG_FILES = re.compile(r"\bconfig\s?maps?\b|\bsecrets?\b|\bcertificates?\b", re.I)
_NOT_CLASSES = frozenset({"for", "the", "a", "with", "and", "of", "is", "to", "on"})


def _nearest(text: str, start: int, end: int) -> str:
    """Return 'memory', 'storage' or '' for the kind of size at text[start:end]."""
    best, kind = 10_000, ""
    for pattern, label in ((_MEMORY, "memory"), (_STORAGE, "storage")):
        for match in pattern.finditer(text):
            distance = start - match.end() if match.end() <= start else match.start() - end
            if 0 <= distance < best and distance <= 40:
                best, kind = distance, label
    return kind


_LIMIT = re.compile(
    r"\blimit(?:s|ed)?\b|\bcap(?:ped)?\b|\bmax(?:imum)?\b|\bat most\b|\bno more than\b|"
    r"\bup to\b|\bceiling\b",
    re.I,
)
_REQUEST = re.compile(r"\brequests?\b|\breserv\w*\b|\bguarantee\w*\b|\bat least\b", re.I)
_CLAUSE = re.compile(r",\s*(?=[^,]*\b(?:limit|request|cap|max)\w*\b)|;\s*|\.\s+", re.I)


def _mode(clause: str) -> tuple[bool, bool]:
    """Return whether sizes in ``clause`` are (requests, limits); plain sizes are requests."""
    limit, request = bool(_LIMIT.search(clause)), bool(_REQUEST.search(clause))
    return (request or not limit, limit)


def read_resources(doc: Doc, draft: Draft) -> list[tuple[int, str]]:
    """Set CPU and memory requests and limits; return storage sizes as (position, quantity)."""
    storage: list[tuple[int, str]] = []
    c = draft.target
    for span in doc.sentences:
        sentence = doc.masked[span.start : span.end]
        offset = 0
        for clause in _CLAUSE.split(sentence):
            start = sentence.find(clause, offset)
            offset = start + len(clause)
            request, limit = _mode(clause)
            for match in SIZE.finditer(clause):
                kind = _nearest(clause, match.start(), match.end()) or _nearest(
                    sentence, start + match.start(), start + match.end()
                )
                quantity = size_quantity(match.group("n"), match.group("u"))
                if kind == "storage":
                    storage.append((span.start + start + match.start(), quantity))
                elif kind == "memory" or (kind == "" and re.search(r"\bcpu\b", clause, re.I)):
                    if request and not (limit and not _REQUEST.search(clause)):
                        c.memory = c.memory or quantity
                    if limit:
                        c.limit_memory = c.limit_memory or quantity
                else:
                    draft.note(f"size {match.group(0)} is stated without saying what it is for")
            for cpu in CPU.finditer(clause):
                if re.match(r"\s*%", clause[cpu.end() :]):
                    continue
                quantity = cpu_quantity(cpu)
                if request and not (limit and not _REQUEST.search(clause)):
                    c.cpu = c.cpu or quantity
                if limit:
                    c.limit_cpu = c.limit_cpu or quantity
                break
    return storage


def read_volumes(doc: Doc, draft: Draft, sizes: list[tuple[int, str]]) -> None:
    """Add volumes from storage sentences, pairing each path with the nearest size."""
    text = doc.masked
    used: set[int] = set()
    for span in doc.sentences:
        sentence = text[span.start : span.end]
        if not _STORAGE.search(sentence):
            continue
        paths = [
            (span.start + m.start(1), m.group(1).rstrip("/.,"))
            for m in re.finditer(r"(?<![\w./:@-])(/(?:[\w.-]+/?)+)", sentence)
            if not _NOT_MOUNTS.match(m.group(1)) and not negated(sentence, m.start())
        ]
        if paths and _CONFIG_FILES.search(sentence):
            draft.note(
                "files at " + ", ".join(p for _, p in paths) + " come from a ConfigMap or "
                "Secret mount, not a volume"
            )
            continue
        here = [(pos, q) for pos, q in sizes if span.start <= pos < span.end]
        ephemeral = bool(_EPHEMERAL.search(sentence)) or (
            bool(re.search(r"\bcache\b", sentence, re.I))
            and not re.search(r"persist|pvc", sentence, re.I)
        )
        for pos, path in paths:
            size = ""
            if here:
                index = min(range(len(here)), key=lambda i: abs(here[i][0] - pos))
                size = here[index][1]
                used.add(here[index][0])
            _add(draft, path, size, sentence, ephemeral)
    for pos, quantity in sizes:
        if pos not in used:
            span = doc.sentence_at(pos)
            sentence = text[span.start : span.end]
            known = _named_volume(draft, sentence)
            if known is not None:
                known.size = known.size or quantity
                continue
            _add(draft, "/data", quantity, sentence, bool(_EPHEMERAL.search(sentence)))
            draft.note(f"no mount path given for the {quantity} volume: /data assumed")
    _storage_class(doc, draft)


def _named_volume(draft: Draft, sentence: str) -> Volume | None:
    """The volume a size without a path is for: one the sentence names ("uploads volume
    5Gi" for /var/www/html/storage/upload), else the only persistent one without a size."""
    open_ = [v for v in draft.target.volumes if v.persistent and not v.size]
    words = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]{3,}", sentence)}
    for volume in open_:
        names = {volume.name.lower().rstrip("s")}
        names |= {p.lower().rstrip("s") for p in re.split(r"[/_-]", volume.mount_path) if p}
        if names & words:
            return volume
    return open_[0] if len(open_) == 1 else None


AccessMode = Literal["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]


def _add(draft: Draft, path: str, size: str, sentence: str, ephemeral: bool) -> None:
    mode: AccessMode = "ReadWriteOnce"
    if re.search(
        r"\bReadWriteMany\b|\bRWX\b|\bshared (?:between|across|by|with)\b|\bshared "
        r"(?:volume|filesystem|storage|disk)\b|\bnfs\b|\befs\b|\bazure files\b",
        sentence,
        re.I,
    ):
        mode = "ReadWriteMany"
    elif re.search(r"\bReadOnlyMany\b|\bROX\b", sentence):
        mode = "ReadOnlyMany"
    elif re.search(r"\bReadWriteOncePod\b|\bRWOP\b", sentence):
        mode = "ReadWriteOncePod"
    name = dns_name(path.rsplit("/", 1)[-1], 40) or "data"
    draft.target.add_volume(
        Volume(
            name=name,
            mount_path=path,
            size="" if ephemeral else size,
            storage_class="",
            access_mode=mode,
            persistent=not ephemeral,
        )
    )


def _storage_class(doc: Doc, draft: Draft) -> None:
    match = _STORAGE_CLASS.search(doc.masked)
    if not match or not draft.target.volumes:
        return
    value = (match.group("c") or match.group("k")).lower()
    if value in _NOT_CLASSES:
        return
    for volume in draft.target.volumes:
        if volume.persistent and not volume.storage_class:
            volume.storage_class = value
