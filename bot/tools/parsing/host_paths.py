"""Paths on the node: read-only ones are what a node agent mounts, writable ones are powers.

"tails `/var/log` from every node", "the host's `/proc` read-only at `/host/proc`", "mount the
node's `/` read-only at `/rootfs`": a read-only host path becomes a hostPath mount at the path
the request gives; a writable one is mounted as asked too, and recorded as an elevated power for
the security review, which refuses it unless the repository allows it.
"""

from __future__ import annotations

import re

from bot.tools.models import HostMount, Volume
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.text import Doc, code_before, in_command_span, negated

# "~/sharelatex_data" is a directory in someone's home on the old machine, not a node path.
_PATH = re.compile(r"(?<![\w./:~-])(/(?:[\w.-]+/?)+)")
# "... into a hostPath, which the cluster admins rejected": what was tried, not what is asked.
_REJECTED = re.compile(
    r"\b(?:rejected|refused|forbidden|banned|not\s+allowed|(?:won't|doesn't|don't)\s+allow)\b",
    re.I,
)
_HOST_CONTEXT = re.compile(
    r"\bhost[\s_-]?paths?\b|\bhost's\b|\b(?:from|on|of) the (?:host|node)s?\b|\b(?:host|node)"
    r"(?:'s)? (?:directory|directories|filesystem|file system|path|dir|disk)\b|\bnode's\b|"
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
    r"\b(?:read|reads|reading|tail|tails|collect|collects|ship|ships|scrapes?|scraping)\b", re.I
)
_ALL_READ_ONLY = re.compile(
    r"\ball (?:the )?(?:host|node)[\s-]?(?:paths?|mounts?|volumes?)\s+(?:are|is|must be|stay)\s+"
    r"read[\s-]?only\b",
    re.I,
)
_LOG_PATHS = re.compile(r"^/(?:var/log|var/lib/docker/containers)(?:/|$)")


# A path the sentence places in the container, or backs with a volume of the pod's own.
_IN_CONTAINER = re.compile(
    r"[`\"']?\s*(?:\(|,\s*)?(?:in|inside|within)\s+the\s+(?:container|pod)\b", re.I
)
# ("`/backup` should be its own 5Gi PVC — a restic job picks it up from the node")
_POD_VOLUME = re.compile(
    r"\bempty\s?dir\b|\bmemory[\s-]backed\b|\btmpfs\b|\bin[\s-]memory\b|\bpvcs?\b|"
    r"\bpersistent\s?volume(?:\s?claim)?s?\b|\bvolume\s?claims?\b",
    re.I,
)

# Host paths mounted under one root in the container: "at the `/host/...` paths".
_UNDER = re.compile(r"\b(?:at|under)\s+(?:the\s+)?`?(?P<root>/[\w.-]+)/\.\.\.`?\s+paths?\b", re.I)
# The mode said right after one path of a list.
_LOCAL_MODE = re.compile(
    r"[`\"']?\s*\(?(?P<mode>read[\s-]?write|read[\s-]?only|rw|ro|writable)\b", re.I
)
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


# Two host paths mounted at two targets, respectively: "the host's `/proc` and `/sys`
# read-only at `/host/proc` and `/host/sys`".
_RESPECTIVELY = re.compile(
    r"[`\"']?(?P<a>/[\w./-]*[\w/])[`\"']?\s+and\s+[`\"']?(?P<b>/[\w./-]*[\w/])[`\"']?\s+"
    r"(?:\((?:ro|read[\s-]?only)\)\s*)?(?:read[\s-]?only\s+)?(?:(?:mounted|mount them)\s+)?"
    r"(?:at|to|under|into|as)\s+[`\"']?(?P<ta>/[\w./-]*[\w/])[`\"']?\s+and\s+[`\"']?"
    r"(?P<tb>/[\w./-]*[\w/])"
)
# Where the container sees a path the sentence gave before the host path: "Checkpoints go to
# `/vector-data-dir` in the container, backed by the hostPath `/var/lib/vector`".
_CONTAINER_PATH = re.compile(
    r"[`\"']?(?P<p>/[\w./-]*[\w/])[`\"']?\s*(?:\(|,\s*)?(?:in|inside|within)\s+the\s+"
    r"(?:container|pod)\b",
    re.I,
)


# "- host mounts per telegraf FAQ, all ro:" over "  - `/` -> `/hostfs`": one item per mount.
_HOST_LIST_LEAD = re.compile(
    r"\bhost[\s_-]?(?:mounts?|paths?|volumes?|dirs?|directories)\b[^\n]*:[ \t]*$", re.I | re.M
)
_HOST_LIST_ITEM = re.compile(
    r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:(?:the\s+)?host(?:'s)?\s+)?`(?P<src>/[^`\s]*)`[ \t]*"
    r"(?:->|→|=>|at|to|on)[ \t]*"
    r"`(?P<dst>/[^`\s]*)`(?P<rest>[^\n]*)$",
    re.M,
)


def _listed_host_mounts(doc: Doc, draft: Draft) -> None:
    """Host paths listed under a line that says they are the host's, each with its target."""
    for lead in _HOST_LIST_LEAD.finditer(doc.masked):
        pos = lead.end() + 1
        while item := _HOST_LIST_ITEM.match(doc.masked, pos):
            path, target = item.group("src").rstrip("/") or "/", item.group("dst")
            read_only = bool(_READ_ONLY.search(lead.group(0) + item.group("rest")))
            if not read_only and path not in draft.elevated.host_path:
                draft.elevated.host_path.append(path)
            if not any(m.host_path == path for m in draft.target.host_mounts):
                draft.target.host_mounts.append(
                    HostMount(host_path=path, mount_path=target, read_only=read_only)
                )
            doc.mask(item.start("src"), item.end("dst"))
            pos = item.end() + 1


def read_host_paths(doc: Doc, draft: Draft) -> None:
    """Node paths: read-only ones are mounts a node agent needs; writable ones are powers."""
    _listed_host_mounts(doc, draft)
    targets: dict[int, str] = {}
    for match in _RESPECTIVELY.finditer(doc.masked):
        targets[match.start("a")] = match.group("ta")
        targets[match.start("b")] = match.group("tb")
        for group in ("ta", "tb"):
            doc.mask(match.start(group), match.end(group))
    found = [(m.start(1), m.end(1), m.group(1).rstrip("/.")) for m in _PATH.finditer(doc.masked)]
    found += [
        (m.start(g), m.end(g), "/")
        for m in _HOST_ROOT.finditer(doc.masked)
        for g in ("root", "bare")
        if m.group(g)
    ]
    prefixed = _UNDER.search(doc.masked)
    for start, end, path in sorted(found):
        if doc.masked[start:end].strip() == "":
            continue  # the target of a mount read before
        if _in_command(doc.text, start):
            continue  # "`node /home/app/socketio.js`": a file the command runs
        if doc.masked[start:end].rstrip("`").endswith("..."):
            continue  # "the `/host/...` paths": a pattern for the targets, no path of its own
        at = targets.get(start, "")
        if not at and prefixed and doc.sentence_at(start) == doc.sentence_at(prefixed.start()):
            at = prefixed.group("root").rstrip("/") + path  # "read-only at the `/host/...` paths"
        _host_path(doc, draft, start, end, path, at)
    if _ALL_READ_ONLY.search(doc.text):
        for mount in draft.target.host_mounts:  # "All host paths are read-only."
            mount.read_only = True
            if mount.host_path in draft.elevated.host_path:
                draft.elevated.host_path.remove(mount.host_path)


def _in_command(text: str, pos: int) -> bool:
    """Say whether ``pos`` is an argument inside a code span that is a command line."""
    before = code_before(text, pos)
    if before is None:
        return False
    if re.match(r"(?:sudo\s+)?(?:docker|podman|nerdctl)\b", before) or re.search(
        r"(?:-v|--volume|--mount)[\s=]+$", before
    ):
        return False  # "docker run -v /var/log:/logs": a host mount, said the docker way
    # "`node /home/app/socketio.js`", "`gunicorn --worker-tmp-dir /dev/shm app`", and flags
    # alone ("`--watch-dir=/etc/kubernetes/pki`"): what the process reads, not a mount
    return in_command_span(text, pos) or bool(re.match(r"--?[A-Za-z]", before))


def _host_path(doc: Doc, draft: Draft, start: int, end: int, path: str, at: str) -> None:
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
    if _REJECTED.search(said):
        return
    if _IN_CONTAINER.match(doc.masked, end) or _POD_VOLUME.search(clause):
        return  # "`/vector-data-dir` in the container", "`/dev/shm` as a memory-backed emptyDir"
    local = _LOCAL_MODE.match(doc.masked, end)  # "`/var/run` read-write, `/sys` read-only"
    read_only = (
        not re.search(r"write|rw", local.group("mode"), re.I)
        if local
        else bool(_READ_ONLY.search(said))
        or bool(
            (_LOG_PATHS.match(path) or _HOST_ONLY_PATHS.match(path) and "sock" not in path)
            and _READS.search(said)
        )
    )
    socket = bool(re.search(r"docker\.sock|containerd\.sock", path))
    if not read_only or socket:
        # A power the security review decides on; mounted as asked if the repository allows it.
        if path not in draft.elevated.host_path:
            draft.elevated.host_path.append(path)
    target = None if at else _MOUNTED_AT.match(doc.masked, end)
    if target is not None:
        doc.mask(target.start("target"), target.end("target"))
    before = [m.group("p") for m in _CONTAINER_PATH.finditer(said[: start - sentence.start])]
    mount_path = at or (target.group("target") if target else before[-1] if before else path)
    mounts = draft.target.host_mounts
    known = next((m for m in mounts if m.host_path == path), None)
    if known is None:
        mounts.append(HostMount(host_path=path, mount_path=mount_path, read_only=read_only))
    else:
        if known.mount_path == path:
            known.mount_path = mount_path  # "... `/proc` read-only at `/host/proc`" says where
        if read_only and not known.read_only:
            known.read_only = True  # said again, read-only: no power after all
            if path in draft.elevated.host_path:
                draft.elevated.host_path.remove(path)
    doc.mask(start, end)


# "replace the hostPath `/data` with a PVC: 1Gi", "a PVC instead of the hostPath /data"
_REPLACED = re.compile(
    r"\b(?:replace|swap|change|turn)\s+(?:the\s+)?host\s?path\s+(?:volume\s+)?`?(?P<path>/[\w./-]*)"
    r"`?\s+(?:with|for|into|to)\s+(?:an?\s+)?(?:pvc|persistent\s*volume(?:\s*claim)?|volume|claim)|"
    r"\b(?:pvc|persistent\s*volume(?:\s*claim)?)\s+instead\s+of\s+(?:the\s+)?host\s?path\s+"
    r"`?(?P<path2>/[\w./-]*)`?",
    re.I,
)


def replaced_host_paths(text: str, draft: Draft) -> None:
    """A host path the request swaps for a claim is a persistent volume at that path, sized and
    classed as the same sentence says, and no longer a power to review."""
    for match in _REPLACED.finditer(text):
        path = (match.group("path") or match.group("path2")).rstrip("/") or "/"
        end = text.find("\n", match.end())
        rest = text[match.start() : end if end >= 0 else len(text)]
        size = re.search(r"\b(\d+(?:\.\d+)?\s*[KMGT]i)\b", rest)
        klass = re.search(r"\bstorage\s?class(?:Name)?\s*[:=]?\s*`?([a-z0-9][\w.-]*)`?", rest, re.I)
        draft.elevated.host_path = [p for p in draft.elevated.host_path if p.rstrip("/") != path]
        for c in [draft.main, *draft.components.values()]:
            mounted = [
                h for h in c.host_mounts if (h.mount_path or h.host_path).rstrip("/") == path
            ]
            if not mounted and c is not draft.main:
                continue
            c.host_mounts = [h for h in c.host_mounts if h not in mounted]
            c.volumes = [v for v in c.volumes if v.mount_path != path]
            name = path.rsplit("/", 1)[-1] or "data"
            c.add_volume(
                Volume(
                    name=name,
                    mount_path=path,
                    size=size.group(1).replace(" ", "") if size else "",
                    storage_class=klass.group(1) if klass else "",
                )
            )
