"""Paths on the node: read-only ones are what a node agent mounts, writable ones are powers.

"tails `/var/log` from every node", "the host's `/proc` read-only at `/host/proc`", "mount the
node's `/` read-only at `/rootfs`": a read-only host path becomes a hostPath mount at the path
the request gives; a writable one is recorded as an elevated power for the security review.
"""

from __future__ import annotations

import re

from bot.tools.models import HostMount
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.text import Doc, negated

_PATH = re.compile(r"(?<![\w./:-])(/(?:[\w.-]+/?)+)")
_HOST_CONTEXT = re.compile(
    r"\bhost[\s_-]?paths?\b|\bhost'?s\b|\b(?:from|on|of) the (?:host|node)s?\b|\b(?:host|node)"
    r"(?:'s)? (?:directory|directories|filesystem|file system|path|dir|disk)\b|\bnode'?s\b|"
    r"\bon (?:each|every) node\b|\bfrom (?:each|every) node\b|\b(?:host|node)\s+[`\"']?(?=/)",
    re.I,
)
_HOST_ONLY_PATHS = re.compile(
    r"^/(?:var/run/docker\.sock|run/docker\.sock|var/lib/docker|var/log/(?:containers|pods)|"
    r"proc|sys|dev|run/containerd|var/run/containerd|etc/kubernetes|var/lib/kubelet|"
    r"run/crio|var/run/crio|boot|lib/modules)(?:/|$)"
)
_READ_ONLY = re.compile(r"\bread[\s-]?only\b|\breadonly\b|\(ro\)|:ro\b|\bro\b", re.I)
_READS = re.compile(
    r"\b(?:read|reads|reading|tail|tails|collect|collects|ship|ships|scrape)\b", re.I
)
_LOG_PATHS = re.compile(r"^/(?:var/log|var/lib/docker/containers)(?:/|$)")


# Where a host path is mounted in the container: "host `/proc` read-only at `/host/proc`".
_MOUNTED_AT = re.compile(
    r"[`\"']?\s*(?:\((?:ro|read[\s-]?only)\)\s*)?(?:read[\s-]?only\s+)?(?:(?:mounted|mount it)\s+)?"
    r"(?:at|to|under|into|as|->)\s+[`\"']?(?P<target>/[\w./-]*[\w/])"
)
# The host's root filesystem, written as a bare slash: "host `/`", "the node's /".
_HOST_ROOT = re.compile(
    r"\b(?:host|node)(?:'s)?\s+(?:[`\"'](?P<root>/)[`\"']|(?P<bare>/)(?=\s+(?:read[\s-]?only|mounted|"
    r"at|into)\b))",
    re.I,
)


def read_host_paths(doc: Doc, draft: Draft) -> None:
    """Node paths: read-only ones are mounts a node agent needs; writable ones are powers."""
    found = [(m.start(1), m.end(1), m.group(1).rstrip("/.")) for m in _PATH.finditer(doc.masked)]
    found += [
        (m.start(g), m.end(g), "/")
        for m in _HOST_ROOT.finditer(doc.masked)
        for g in ("root", "bare")
        if m.group(g)
    ]
    for start, end, path in sorted(found):
        if doc.masked[start:end].strip() == "":
            continue  # the target of a mount read before
        _host_path(doc, draft, start, end, path)


def _host_path(doc: Doc, draft: Draft, start: int, end: int, path: str) -> None:
    """Read the node path at ``doc.masked[start:end]``: a read-only mount, or a power."""
    span = doc.clause_at(start)
    sentence = doc.sentence_at(start)
    clause = doc.masked[span.start : span.end]
    said = doc.masked[sentence.start : sentence.end]
    host_context = _HOST_CONTEXT.search(clause) or (
        _HOST_CONTEXT.search(said) and draft.target.workload == "DaemonSet"
    )
    if not (_HOST_ONLY_PATHS.match(path) or host_context) or negated(doc.masked, start):
        return
    read_only = bool(_READ_ONLY.search(said)) or bool(
        _LOG_PATHS.match(path) and _READS.search(said)
    )
    if read_only and not re.search(r"docker\.sock|containerd\.sock", path):
        mounts = draft.target.host_mounts
        target = _MOUNTED_AT.match(doc.masked, end)
        if target is not None:
            doc.mask(target.start("target"), target.end("target"))
        mount_path = target.group("target") if target else path
        known = next((m for m in mounts if m.host_path == path), None)
        if known is None:
            mounts.append(HostMount(host_path=path, mount_path=mount_path, read_only=True))
        elif known.mount_path == path:
            known.mount_path = mount_path  # "... `/proc` read-only at `/host/proc`" says where
    elif path not in draft.elevated.host_path:
        draft.elevated.host_path.append(path)
    doc.mask(start, end)
