"""Volumes: paths and the sizes, classes and access modes stated for them.

A volume is an absolute path in a sentence about storage (or sized right next to it), with the
size nearest to it; a size for a word that names a volume ("Media needs 50Gi") sizes that one;
a sentence that continues one about a path ("`/media` is the library. It's a 2Ti claim") sizes
that path. A size with no path gets the conventional ``/data`` (and a note), and "emptyDir" /
"scratch" / "cache" make a volume ephemeral. Which sizes are storage is read by ``resources``.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.tools.models import Volume
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.text import Doc, Span, dns_name, negated

STORAGE = re.compile(
    r"\b(?:storage|volumes?|disks?|pvcs?|persistent\s?volume\s?claims?|persistent|persistence|persist(?:s|ed)?|space|mount(?:ed|s)?"
    r"|models?|weights|uploads?|state|datastore|(?:data|config|media|log) dir(?:ectory)?|stores?|"
    r"cache|emptydir|"
    r"scratch|claims?|nas|storage\s?class(?:name)?|readwrite(?:once|many)(?:pod)?|rw[ox]|"
    r"thrown\s+away|throw-?away|disposable|can\s+be\s+lost)\b",
    re.I,
)
_NO_PERSISTENCE = re.compile(
    r"\bno\s+persisten(?:ce|t\s+(?:storage|volumes?|data))\b|\bnothing\s+(?:needs\s+to\s+)?persists?\b",
    re.I,
)
_EPHEMERAL = re.compile(
    r"\bemptydirs?\b|\bscratch\b|\bephemeral\b|\btmpfs\b|\btemporary\b|\bthrow-?away\b|"
    r"\bdisposable\b|\bnot persistent\b|\bnon-persistent\b|"
    r"\b(?:does|do)(?:n't| not) need to (?:persist|survive)\b|"
    r"\b(?:can|may)\s+be\s+(?:thrown\s+away|lost|discarded|wiped)\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r",\s+(?:and\s+|while\s+|but\s+)?|;\s+|\s+while\s+")
NOT_MOUNTS = re.compile(
    r"^/(?:healthz?|livez|readyz|ready|live|ping|status|metrics|api|v\d|actuator|graphql|"
    r"_health|up|login|admin|docs|swagger|openapi)(?:/|$)"
)
_STORAGE_CLASS = re.compile(
    r"\bstorage[\s-]?class(?:[\s-]?name)?\s*(?:[:=]|is|of)?\s*[`\"']?(?P<c>[a-z0-9][a-z0-9.-]*)|"
    r"\b(?P<k>gp2|gp3|io1|io2|premium-rwo|standard-rwo|managed-premium|managed-csi|longhorn|"
    r"local-path|ceph-rbd|nfs-client|efs-sc)\b|"
    # "a 20Gi volume on `hcloud-volumes`", "750Gi on `nfs-media`": the class a claim is made
    # on, named in code
    r"(?:\b(?:volumes?|pvcs?|claims?|disks?)|\d\s?[GT]i)\s+on\s+(?:the\s+)?"
    r"`(?P<o>[a-z0-9][a-z0-9.-]*[a-z0-9])`|"
    # "a 10Gi volume from the `fast-ssd` storage class": the name said before the words
    r"`(?P<b>[a-z0-9][a-z0-9.-]*[a-z0-9])`\s+(?:storage[\s-]?)?class\b",
    re.I,
)
_CONFIG_FILES = re.compile(r"\bconfig\s?maps?\b|\bsecrets?\b|\bcertificates?\b", re.I)
_NOT_CLASSES = frozenset({"for", "the", "a", "with", "and", "of", "is", "to", "on"})


def _clause(sentence: str, at: int) -> tuple[str, list[int]]:
    """The clause of ``sentence`` around ``at``, and where ``at`` is in it: "home `/a` on a
    pvc, config.js from a ConfigMap mounted at `/a/config.js`" holds two, one file each."""
    starts = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)]
    start = starts[-1] if starts else 0
    end = _CLAUSE_BREAK.search(sentence, at)
    return sentence[start : end.start() if end else len(sentence)], [at - start]


def _config_files(sentence: str, at: list[int]) -> bool:
    """Say whether the paths at ``at`` are said to hold a ConfigMap's or Secret's files: the
    word near them, in prose ("the master key from `librechat-secrets`" names a Secret's key,
    not what a path holds)."""
    prose = re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), sentence)
    return any(abs(m.start() - pos) <= 60 for m in _CONFIG_FILES.finditer(prose) for pos in at)


_BACK = re.compile(
    r"\b(?:those|these|they|them|both|all\s+(?:three|of\s+them))\b|"
    r"\bit\s+(?:has\s+to|must|should|needs\s+to)\s+be\b",  # "it has to be ReadWriteMany"
    re.I,
)
_VOLUME_AFTER = re.compile(r"\s+(?:on|in|as)\s+(?:an?\s+)?(?:emptydir|volume|pvc|tmpfs)\b", re.I)


def read_volumes(doc: Doc, draft: Draft, sizes: list[tuple[int, str]]) -> None:
    """Add volumes from storage sentences, pairing each path with the nearest size."""
    text = doc.masked
    used: set[int] = set()
    topic: list[tuple[int, str]] = []
    for index, span in enumerate(doc.sentences):
        sentence = text[span.start : span.end]
        sized = any(span.start <= pos < span.end for pos, _ in sizes)
        paths = _paths(sentence, span.start)
        follows = index > 0 and (
            "\n" not in text[doc.sentences[index - 1].end : span.start]
            or bool(lead(text, span.start))
        )
        # "`LANGFLOW_CONFIG_DIR`, which we set to `/app/langflow`. Put that directory on a 10Gi
        # volume": a path read as a setting's value is still what the next sentence points at
        said = _paths(doc.text[span.start : span.end], span.start)
        topic = paths or said or (topic if follows else [])
        if (
            not paths
            and topic
            and _BACK.search(sentence)
            and access_mode(sentence) != "ReadWriteOnce"
        ):
            # "... share `/a` and `/b`. Those have to be ReadWriteMany": the paths just said
            for _, path in topic:
                for volume in draft.target.volumes:
                    if volume.mount_path == path.rstrip("/"):
                        volume.access_mode = access_mode(sentence)
        if not (STORAGE.search(sentence) or sized or paths and _EPHEMERAL.search(sentence)):
            continue  # "staticfiles (`/opt/recipes/staticfiles`) can be throwaway" is storage
        if not paths and sized:
            paths = [
                (pos, path.rstrip("/"))
                for pos, path in _file_dirs(doc.text[span.start : span.end], span.start)
            ] or [(pos, path) for pos, path in said if doc.text[pos - 1 : pos] == "="]
            # "CACHE_DIR=/srv/cache, on its own 50Gi PVC": the directory a setting names
        # "..., TEMP_DIR=/tmp/metube on an emptyDir": a setting's directory its own clause
        # puts on a volume
        paths += [
            (pos, p)
            for pos, p in said
            if paths
            and doc.text[pos - 1 : pos] == "="
            and _VOLUME_AFTER.match(doc.text, pos + len(p))
        ]
        paths.sort()
        if not paths and sized and len(topic) == 1:
            # "`/media` is the library. It's on the NAS: a 2Ti claim": the path of the sentence
            # before is what this one sizes.
            paths = [(span.start, topic[0][1])]
        held = [(pos, p) for pos, p in paths if _config_files(*_clause(sentence, pos - span.start))]
        if held:
            draft.note(
                "files at " + ", ".join(p for _, p in held) + " come from a ConfigMap or "
                "Secret mount, not a volume"
            )
            paths = [(pos, p) for pos, p in paths if (pos, p) not in held]
            if not paths:
                continue
        here = [(pos, q) for pos, q in sizes if span.start <= pos < span.end]
        for number, (pos, path) in enumerate(paths):
            # What is said between the paths before and after this one is about this one:
            # "`/models` is a 50Gi PVC, and `/dev/shm` a memory-backed emptyDir".
            # Where a clause break parts two paths, each keeps its own side of it.
            here_at = pos - span.start
            low = paths[number - 1][0] - span.start + len(paths[number - 1][1]) if number else 0
            breaks = list(_CLAUSE_BREAK.finditer(sentence, low, here_at))
            low = breaks[-1].end() if number and breaks else low
            high = paths[number + 1][0] - span.start if number + 1 < len(paths) else len(sentence)
            after = _CLAUSE_BREAK.search(sentence, here_at + len(path), high)
            high = after.start() if number + 1 < len(paths) and after else high
            ephemeral = _ephemeral(sentence[low:high]) or _listed_with_ephemeral(
                sentence, paths, number, span.start
            )
            size = ""
            if here:
                # "static (`/a` in web, 5Gi) and media (`/b` in web and worker, 20Gi)": a size
                # in the path's own brackets is its size, before any nearer one outside them.
                group = _bracket(text, span.start, span.end, pos)
                index = min(
                    range(len(here)),
                    key=lambda i: (
                        _bracket(text, span.start, span.end, here[i][0]) != group,
                        _apart(text, pos, pos + len(path), here[i][0]),
                        abs(here[i][0] - pos),
                    ),
                )
                size = here[index][1]
                used.add(here[index][0])
            _add(draft, path, size, sentence, ephemeral)
    for span in doc.sentences:
        said = text[span.start : span.end]
        if _EPHEMERAL.search(said) and not _paths(said, span.start) and not _sizes_in(span, sizes):
            # "Logs can just be an emptyDir": the volume the sentence names, not kept.
            named = _named_volume(draft, said.split(",")[0], "")
            if named is not None and not named.size:
                named.persistent = False
    for pos, quantity in sizes:
        if pos not in used:
            span = doc.sentence_at(pos)
            sentence = text[span.start : span.end]
            if re.search(r"\bdefault\s*(?:of\s+|is\s+)?$", text[max(0, pos - 20) : pos], re.I):
                continue  # "(the default 64M breaks NCCL)": what is there now, not a request
            clause = re.split(r"[,;:(]\s", text[span.start : pos])[-1]
            known = _named_volume(draft, clause, quantity)
            store, referred = _store_said(doc, span, sentence)
            if store and (known is None or referred):
                # "Postgres 14 stays in the chart (10Gi, storage class `gp3`)"
                draft.note(f"{quantity} is said of the bundled {store}: its volume, not the app's")
                continue
            path = "" if known is not None else _path_described(doc.text, clause)
            if path:  # "config dir 1Gi" beside "`/etc/app`: the configuration directory"
                _add(draft, path, quantity, sentence, bool(_EPHEMERAL.search(sentence)))
                continue
            known = known or _named_volume(draft, sentence, quantity)
            if known is not None:
                known.persistent = True
                known.size = known.size or quantity
                # "... so it needs a ReadWriteMany volume:\n 100Gi on `cephfs`" reads on.
                above = lead(text, span.start)
                mode = access_mode(f"{above} {sentence}")
                known.access_mode = mode if mode != "ReadWriteOnce" else known.access_mode
                known.storage_class = known.storage_class or _class_in(f"{above} {sentence}")
                continue
            _add(draft, "/data", quantity, sentence, bool(_EPHEMERAL.search(sentence)))
            draft.note(f"no mount path given for the {quantity} volume: /data assumed")
    _storage_class(doc, draft)
    _mode_over_list(doc, draft)
    _shared_by_name(doc, draft)
    if _NO_PERSISTENCE.search(doc.masked):
        for volume in draft.target.volumes:
            if not volume.size:  # "No persistence at all": what has no size said is scratch
                volume.persistent = False


def _shared_by_name(doc: Doc, draft: Draft) -> None:
    """ "The config, logs, media/files and media/images directories must be shared ..., so put
    them on ReadWriteMany storage": the volumes the sentence names by their directories."""
    for span in doc.sentences:
        sentence = doc.masked[span.start : span.end]
        if access_mode(sentence) != "ReadWriteMany":
            continue
        for volume in draft.target.volumes:
            parts = volume.mount_path.strip("/").split("/")
            words = {volume.name, parts[-1], "/".join(parts[-2:])}
            if volume.persistent and any(
                re.search(rf"(?<![\w/`-]){re.escape(w)}(?![\w/`-])", sentence) for w in words if w
            ):
                volume.access_mode = "ReadWriteMany"


_FOR_IT = re.compile(r"\bfor\s+(?:it|its\s+(?:data|storage|volume|disk)|that(?:\s+one)?)\b", re.I)


def _store_said(doc: Doc, span: Span, sentence: str) -> tuple[str, bool]:
    """The bundled datastore a sentence with a size is about: one it names, or the one the
    sentence before named ("... the bundled MongoDB has to be 4.4. 10Gi for its data."), and
    whether the sentence pointed back at it."""
    referred = bool(_FOR_IT.search(sentence))
    said = (
        doc.text[doc.sentence_at(max(0, span.start - 2)).start : span.end] if referred else sentence
    )
    store = next((d.kind for d in DEPENDENCIES if d.pattern.search(said)), "")
    return store, referred and bool(store)


_GENERIC = frozenset(
    "volume disk dir directory storage size pvc claim persistent the for with and data".split()
)


def _path_described(text: str, clause: str) -> str:
    """The one path elsewhere in the request that the words of a sized clause name: by its
    own parts ("media volume 30Gi": ``/app/public/media``) or by the words of its line ("config
    dir 1Gi": "`/etc/influxdb2`: the configuration directory")."""
    said = {w for w in _words(clause) if w not in _GENERIC}
    if not said:
        return ""
    found = set()
    for line in text.splitlines():
        paths = [p.rstrip("/.") for p in re.findall(r"(?<![\w.:/~])(/[a-z][\w./-]*)", line)]
        if len(set(paths)) != 1 or paths[0].count("/") < 2 and len(paths[0]) < 4:
            continue
        described = _words(line) | {p.lower().rstrip("s") for p in paths[0].split("/") if p}
        if any(w == d or len(w) >= 4 and d.startswith(w) for w in said for d in described):
            found.add(paths[0])
    return found.pop() if len(found) == 1 else ""


def _listed_with_ephemeral(
    sentence: str, paths: list[tuple[int, str]], number: int, offset: int
) -> bool:
    """ "`/a` and `/b` can be emptyDirs": paths joined by "and" share what follows the last."""
    last = number
    while last + 1 < len(paths):
        gap = sentence[paths[last][0] - offset + len(paths[last][1]) : paths[last + 1][0] - offset]
        if not re.fullmatch(r"[`\"']?\s*(?:,|and|,\s*and)\s*[`\"']?", gap):
            break
        last += 1
    if last == number:
        return False
    tail = sentence[paths[last][0] - offset + len(paths[last][1]) :]
    tail = _CLAUSE_BREAK.split(tail, maxsplit=1)[0]
    return _ephemeral(tail)


def _apart(text: str, start: int, end: int, size: int) -> bool:
    """Whether a list break parts a path from a size: "`/a` 5Gi and `/b` 1Gi"."""
    if size >= end:
        between = text[end:size]
    else:  # the size comes first: what follows its own token up to the path
        between = re.sub(r"^\s*\S+", "", text[size:start])
    return bool(re.search(r",|;|\band\b", between))


def _sizes_in(span: Span, sizes: list[tuple[int, str]]) -> bool:
    return any(span.start <= pos < span.end for pos, _ in sizes)


def _bracket(text: str, start: int, end: int, pos: int) -> int:
    """Where the innermost bracket around ``pos`` opens within ``text[start:end]`` (-1: none)."""
    opened = text.rfind("(", start, pos)
    if opened < 0 or text.rfind(")", start, pos) > opened:
        return -1
    return opened


def lead(text: str, start: int) -> str:
    """The line before ``start`` when it ends with a colon: the sentence continues below it
    ("`/srv/files` is shared, so make it ReadWriteMany:\n  10Gi on `nfs`")."""
    before = text[:start].rstrip()
    return before[before.rfind("\n") + 1 :] if before.endswith(":") else ""


def _paths(sentence: str, offset: int) -> list[tuple[int, str]]:
    """The directories a sentence names, with their positions in the document."""
    return [
        (offset + m.start(1), m.group(1).rstrip("/.,"))
        for m in re.finditer(r"(?<![\w./:@~-])(/(?:[\w.-]+/?)+)", sentence)
        if not NOT_MOUNTS.match(m.group(1).rstrip("/.,"))
        and not negated(sentence, m.start())
        and not m.group(1).endswith("...")  # "the `/host/...` paths": a pattern, no directory
    ]


def _file_dirs(sentence: str, offset: int) -> list[tuple[int, str]]:
    """The directories of the files a sentence's settings name ("MP_DATABASE=/data/mp.db on
    a 1Gi pvc" keeps its file on a volume at /data)."""
    return [
        (offset + m.start(1), m.group(1))
        for m in re.finditer(r"=[`\"']?(/(?:[\w.-]+/)+)[\w.-]+\.\w{1,6}\b", sentence)
        if m.group(1).rstrip("/") and not NOT_MOUNTS.match(m.group(1))
    ]


def _words(text: str) -> set[str]:
    return {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]{3,}", text)}


def _volume_names(volume: Volume) -> set[str]:
    """The words a request may call a volume by: its name and its path's parts."""
    names = {p.lower().rstrip("s") for p in re.split(r"[/_-]", volume.name) if len(p) > 2}
    names |= {p.lower().rstrip("s") for p in re.split(r"[/_-]", volume.mount_path) if p}
    return names - {"opt", "var", "app", "usr", "src", "lib", "home", "srv", "etc"}


def volume_words(c: ComponentDraft, clause: str) -> bool:
    """Say whether a clause names one of the workload's volumes ("Media needs 50Gi")."""
    words = _words(clause)
    return any(_volume_names(v) & words for v in c.volumes if v.persistent)


def _named_volume(draft: Draft, sentence: str, quantity: str) -> Volume | None:
    """The volume a size without a path is for: one the sentence names ("uploads volume
    5Gi" for /var/www/html/storage/upload), else the only persistent one without a size, else
    the only one of that size (the same volume, said again)."""
    persistent = [v for v in draft.target.volumes if v.persistent]
    words = _words(sentence)

    def fit(volume: Volume) -> tuple[int, int]:
        """Words said of it, then fewer words of its name left unsaid: "userfiles 10Gi" is
        userfiles, "public userfiles 2Gi" public-userfiles."""
        said = (_volume_names(volume) | {volume.name.lower().rstrip("s")}) & words
        own = {p.lower().rstrip("s") for p in re.split(r"[_-]", volume.name) if len(p) > 2}
        return len(said), -len(own - words)

    # Every volume competes, sized or not: a part read twice names the same one again; a size
    # said of a scratch volume by its name ("the huggingface cache 10Gi") makes it kept.
    every = persistent + [v for v in draft.target.volumes if not v.persistent and quantity]
    ranked = sorted(((fit(v), i) for i, v in enumerate(every) if fit(v)[0]), reverse=True)
    if ranked and (len(ranked) == 1 or ranked[0][0] != ranked[1][0]):
        return every[ranked[0][1]]
    open_ = [v for v in persistent if not v.size]
    if len(open_) == 1:
        return open_[0]
    same = [v for v in persistent if v.size == quantity]
    return same[0] if len(same) == 1 and len(persistent) == 1 else None


AccessMode = Literal["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]


_MANY = re.compile(
    r"\bReadWriteMany\b|\bRWX\b|\bshared (?:between|across|by|with)\b|\bshared "
    # "on NFS" says shared storage; a class named `nfs-backup` says nothing of the mode
    r"(?:volume|filesystem|storage|disk)\b|(?<![\w-])(?:nfs|efs)(?![\w-])|\bazure files\b",
    re.I,
)


def access_mode(sentence: str) -> AccessMode:
    """The access mode a sentence about a volume states; an explicit mode wins over what a
    file system suggests, and "NOT on nfs" suggests nothing."""
    if re.search(r"\bReadWriteOnce\b|\bRWO\b(?!P)", sentence):
        return "ReadWriteOnce"
    if re.search(r"\bReadOnlyMany\b|\bROX\b", sentence):
        return "ReadOnlyMany"
    if re.search(r"\bReadWriteOncePod\b|\bRWOP\b", sentence):
        return "ReadWriteOncePod"
    many = [m for m in _MANY.finditer(sentence) if not negated(sentence, m.start())]
    return "ReadWriteMany" if many else "ReadWriteOnce"


def _ephemeral(text: str) -> bool:
    """Whether words about a volume say it is scratch space (a cache unless it must persist)."""
    return bool(_EPHEMERAL.search(text)) or (
        bool(re.search(r"\bcache\b", text, re.I))
        and not re.search(
            r"persist|pvc|surviv|durable|claim|storage\s?class|readwrite|\d\s?[GMT]i?B?\b",
            text,
            re.I,
        )
    )


def _add(draft: Draft, path: str, size: str, sentence: str, ephemeral: bool) -> None:
    mode = access_mode(sentence)
    name = dns_name(path.rsplit("/", 1)[-1], 40) or "data"
    draft.target.add_volume(
        Volume(
            name=name,
            mount_path=path,
            size="" if ephemeral else size,
            storage_class=_class_of(sentence, path),
            access_mode=mode,
            persistent=not ephemeral,
        )
    )


def _classes(text: str) -> list[tuple[int, str]]:
    """The storage classes a text names, with where each is said."""
    found = []
    for match in _STORAGE_CLASS.finditer(text):
        value = next(g for g in match.group("c", "k", "o", "b") if g).lower().rstrip(".")
        if value not in _NOT_CLASSES:
            found.append((match.start(), value))
    return found


def _class_in(text: str) -> str:
    """The storage class a text names ('' when none)."""
    found = _classes(text)
    return found[0][1] if found else ""


def _class_of(sentence: str, path: str) -> str:
    """The class said for ``path``: "`/a` on a 10Gi volume from the `fast` class, and `/b` on
    a 500Gi volume from the `slow` class" gives each its own, the first after the path."""
    found = _classes(sentence)
    at = sentence.find(path)
    after = [value for start, value in found if start > at >= 0]
    return after[0] if after and len(found) > 1 else (found[0][1] if found else "")


def _storage_class(doc: Doc, draft: Draft) -> None:
    """A storage class stated once holds for every persistent volume the sentences left
    without one; several classes are each read where they are stated (``_add``)."""
    classes = {_class_in(doc.masked[s.start : s.end]) for s in doc.sentences} - {""}
    if len(classes) != 1:
        return
    value = classes.pop()
    for volume in draft.target.volumes:
        if volume.persistent and not volume.storage_class:
            volume.storage_class = value


def _mode_over_list(doc: Doc, draft: Draft) -> None:
    """ "**Volumes** (all on `nfs-client`, ReadWriteMany):" over the list of them: the access
    mode of every volume the list gives."""
    for span in doc.sentences:
        said = doc.masked[span.start : span.end].rstrip()
        mode = access_mode(said)
        if said.endswith(":") and mode != "ReadWriteOnce" and not _paths(said, span.start):
            for volume in draft.target.volumes:
                if volume.persistent and volume.access_mode == "ReadWriteOnce":
                    volume.access_mode = mode
