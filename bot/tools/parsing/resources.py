"""CPU and memory requests and limits, and which sizes in a request are storage.

"20Gi" may be memory or a volume: the nearest telling word decides ("memory", "RAM", "limit",
"request" versus "volume", "storage", a directory next to it, a word naming a volume). A clause
that names both a request and a limit gives each quantity to the word nearest to it ("a 1Gi
memory request and a 2Gi limit"); "cpu 2" needs no unit.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.quantities import CPU, SIZE, cpu_quantity, size_quantity
from bot.tools.parsing.storage import NOT_MOUNTS, STORAGE, lead, volume_words
from bot.tools.parsing.text import Doc

_MEMORY = re.compile(r"\b(?:memory|ram|mem|heap)\b", re.I)


def _nearest(text: str, start: int, end: int) -> str:
    """Return 'memory', 'storage' or '' for the kind of size at text[start:end]."""
    best, kind = 10_000, ""
    for pattern, label in ((_MEMORY, "memory"), (STORAGE, "storage")):
        for match in pattern.finditer(text):
            distance = start - match.end() if match.end() <= start else match.start() - end
            if 0 <= distance < best and distance <= 40:
                best, kind = distance, label
    return kind


_LIMIT = re.compile(
    r"\blimit(?:s|ed)?\b|\blim\b|\bcap(?:ped)?\b|\bmax(?:imum)?\b|\bat most\b|\bno more than\b|"
    r"\bup to\b|\bceiling\b|"
    # "never use more than 2Gi", "must not exceed 1Gi"
    r"\bnever\s+(?:(?:use|uses|go|goes|get|gets|take|takes)\s+)?(?:more\s+than|above|over|past)\b|"
    r"\bexceed(?:s|ing)?\b",
    re.I,
)
_REQUEST = re.compile(
    r"\brequest(?:s|ed|ing)?\b|\breqs?\b|\bask(?:s|ing)?\s+for\b|\breserv\w*\b|"
    r"\bguarantee\w*\b|\bat least\b",
    re.I,
)
_CLAUSE = re.compile(
    r"(?:,|\s+[-\u2013\u2014])\s*(?=[^,]*\b(?:limit\w*|request\w*|cap(?:ped|s)?|max\w*|reqs?|lim)\b)|;\s*|"
    # "requests 250m CPU / 768Mi and limit memory 1536Mi"
    r"\s+and\s+(?=(?:an?\s+|the\s+)?(?:memory\s+|cpu\s+)?(?:limit|request|cap|max)\w*\b)|"
    # "requests cpu 200m, memory 512Mi / limits memory 1Gi"
    r"\s*/\s*(?=(?:the\s+)?(?:memory\s+|cpu\s+)?(?:limit|request|cap|max)\w*\b)|"
    r"(?<!\bi\.e)(?<!\be\.g)\.\s+|\s+[·•]\s+",
    re.I,
)


# "cpu 1", "cpu: 500m": a number labelled CPU, without a unit.
_CPU_LABELLED = re.compile(r"\bcpus?\s*[:=]?\s*(?P<n>\d+(?:\.\d+)?m?)(?![\w.%/])", re.I)


def _labelled_cpu(number: str) -> str:
    if number.endswith("m"):
        return number
    cores = float(number)
    return str(int(cores)) if cores.is_integer() else f"{round(cores * 1000)}m"


def _beside_path(clause: str, size: re.Match[str]) -> bool:
    """A size written right next to a directory ("`/data` needs 50Gi", "2Gi for `/data`") is
    the size of a volume there."""
    # "`/a/b` (the sqlite db lives here): 5Gi": an aside in brackets stands between them
    before = re.sub(r"\s*\([^()\n]*\)", "", clause[: size.start()])[-100:]
    after = clause[size.end() : size.end() + 20]
    path = r"[`\"']?/[\w.-]+(?:/[\w.-]+)*/?[`\"']?"
    return bool(
        re.search(rf"(?<![\w:/.]){path}[^/\d]{{0,40}}$", before)
        and not NOT_MOUNTS.match(re.findall(r"/[\w./-]+", before)[-1])
    ) or bool(re.match(rf"\s+(?:for|at|on|in|mounted at)\s+{path}", after))


# "idles around 180MB", "peaks at 2 cores", "currently uses ~600Mi": an observation.
_OBSERVED = re.compile(
    r"\b(?:idl(?:e|es|ing)|peak(?:s|ing)?|hover(?:s|ing)?|sits?|consum(?:es|ing)|"
    r"(?:currently|typically|usually|normally)\s+(?:uses?|needs?|takes?)|uses?\s+(?:about|around|"
    r"roughly))\b[^.;,/]{0,20}$|"
    # "(~25 GB unpacked)": how big the data is, not the size asked for
    r"(?:~|\babout|\baround|\bapprox(?:imately|\.)?|\broughly)\s*$",
    re.I,
)
# "The mini PC `nuc-01` has 32GB": what a machine has, not what to give the app.
_MACHINE_HAS = re.compile(
    r"(?<![/\w.-])(?:pc|node|machine|box|server|host|nas|vm|nuc|laptop|workstation)(?![/\w-])[^.;]{0,24}?"
    r"\b(?:has|have|with)\s+(?:only\s+|about\s+|around\s+)?$",
    re.I,
)
_SIZED = re.compile(r"\bcpu\b|\blimit(?:s|ed)?\b|\blim\b|\brequests?\b|\breqs?\b", re.I)


def _mode_at(clause: str, start: int, end: int) -> tuple[bool, bool]:
    """Return whether the quantity at ``clause[start:end]`` is a request, a limit or both.

    A clause that names only one of them speaks of it; one that names both ("1Gi memory
    request and a 2Gi limit", "512Mi request / 1Gi limit") gives each quantity to the word
    nearest to it. A quantity with neither word is a request.
    """
    limits = [m.span() for m in _LIMIT.finditer(clause)]
    requests = [m.span() for m in _REQUEST.finditer(clause)]
    if not limits or not requests:
        return (bool(requests) or not limits, bool(limits))

    def distance(spans: list[tuple[int, int]]) -> int:
        return min(start - b if b <= start else a - end for a, b in spans)

    nearer_limit = distance(limits) < distance(requests)
    return (not nearer_limit, nearer_limit)


def read_resources(doc: Doc, draft: Draft) -> list[tuple[int, str]]:
    """Set CPU and memory requests and limits; return storage sizes as (position, quantity)."""
    storage: list[tuple[int, str]] = []
    c = draft.target
    for index, span in enumerate(doc.sentences):
        sentence = doc.masked[span.start : span.end]
        # "`/opt/config` ... must be a persistent volume. 1Gi is plenty.": the sentence before,
        # in the same item, says what the size is of
        before = doc.sentences[index - 1] if index else None
        follows = before is not None and "\n" not in doc.text[before.end : span.start]
        after_volume = (
            _stored_below(doc.masked[before.start : before.end]) if follows and before else ""
        )
        offset = 0
        for clause in _CLAUSE.split(sentence):
            start = sentence.find(clause, offset)
            offset = start + len(clause)
            for match in SIZE.finditer(clause):
                kind = (
                    _nearest(clause, match.start(), match.end())
                    or _nearest(sentence, start + match.start(), start + match.end())
                    or _stored_below(lead(doc.masked, span.start))
                    or (after_volume if not CPU.search(clause) else "")
                )
                quantity = size_quantity(match.group("n"), match.group("u"))
                # "`/srv` (where the db sits): 8Gi": the words in brackets describe the path
                said = re.sub(r"\([^()\n]*\)", " ", clause[: match.start()])
                if _OBSERVED.search(said) or _MACHINE_HAS.search(said):
                    continue  # "it idles around 180MB": what it uses, not what to set
                # "request 250m / 256Mi": the second of a pair goes where the first goes.
                pair = re.search(r"(\d+(?:\.\d+)?\s?[a-z]*)\s*/\s*$", clause[: match.start()], re.I)
                at = pair.span(1) if pair else match.span()
                request, limit = _mode_at(clause, *at)
                if kind == "storage" or (
                    kind == "" and (_beside_path(clause, match) or volume_words(c, clause))
                ):
                    storage.append((span.start + start + match.start(), quantity))
                elif kind == "memory" or (kind == "" and _SIZED.search(clause)):
                    # "limit 4Gi", "a 2Gi limit": a size called a request or limit is memory.
                    if request:
                        c.memory = c.memory or quantity
                    if limit:
                        c.limit_memory = c.limit_memory or quantity
                else:
                    draft.note(f"size {match.group(0)} is stated without saying what it is for")
            for cpu in [*CPU.finditer(clause), *_CPU_LABELLED.finditer(clause)]:
                if re.match(r"\s*%", clause[cpu.end() :]) or _OBSERVED.search(
                    clause[: cpu.start()]
                ):
                    continue
                quantity = cpu_quantity(cpu) if cpu.re is CPU else _labelled_cpu(cpu.group("n"))
                request, limit = _mode_at(clause, cpu.start(), cpu.end())
                if request:
                    c.cpu = c.cpu or quantity
                if limit:
                    c.limit_cpu = c.limit_cpu or quantity
                break
    return storage


def _stored_below(lead: str) -> str:
    """'storage' when a line introducing this one is about a directory or a volume."""
    about = STORAGE.search(lead) or re.search(r"(?<![\w.])/[\w.-]+|\bReadWrite\w+|\bRW[OX]\b", lead)
    return "storage" if about else ""
