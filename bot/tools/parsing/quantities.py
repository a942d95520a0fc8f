"""Sizes, CPU amounts and replica counts, as people write them and as Kubernetes wants them.

"20 GB", "20G" and "20Gi" all become ``20Gi`` (requests almost never mean decimal gigabytes);
"2 cores" becomes ``2`` and "half a core" ``500m``; "2-10 replicas", "between 3 and 12 pods",
"autoscale up to 8" and "3 replicas" become a replica range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.tools.parsing.text import NUMBER, to_int, without_asides

SIZE = re.compile(
    r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s?(?P<u>(?i:[kmgtp]ib?|[kmgtp]b|gigs?|gigabytes?|"
    r"megabytes?|terabytes?|kilobytes?)|[KMGT])(?![\w/])"
)
_UNITS = {"k": "Ki", "m": "Mi", "g": "Gi", "t": "Ti", "p": "Pi"}
CPU = re.compile(
    r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s?(?P<u>(?-i:m)(?![\w])|millicores?|millicpus?|"
    r"v?cpus?\b|cores?\b|vcores?\b)|\b(?P<frac>half|quarter)\s+(?:a\s+|of\s+a\s+)?(?:v?cpu|core)",
    re.I,
)
QUANTITY = re.compile(r"^\d+(?:\.\d+)?(?:[KMGTPE]i?|[mk])?$")


def size_quantity(number: str, unit: str) -> str:
    """Return a binary Kubernetes quantity for a number and a unit as written ("20", "GB")."""
    return f"{number}{_UNITS[unit.lower()[0]]}"


def cpu_quantity(match: re.Match[str]) -> str:
    """Return the Kubernetes CPU quantity of a CPU match ("2 cores" -> 2, "0.5 cpu" -> 500m)."""
    if match.group("frac"):
        return "500m" if match.group("frac").lower() == "half" else "250m"
    number, unit = match.group("n"), match.group("u").lower()
    if unit == "m" or unit.startswith("milli"):
        return f"{int(float(number))}m"
    cores = float(number)
    return str(int(cores)) if cores.is_integer() else f"{round(cores * 1000)}m"


# ----------------------------------------------------------------------------- replicas

_REPL = r"(?:replicas?|pods?|instances?|copies|nodes? of the app)"
_NUM = NUMBER.replace("zero|", "")
_NOT_COUNT = (
    r"\b(?!\s*(?:%|percent|rps|qps|req|requests|users|connections|ms\b|s\b|seconds?|"
    r"minutes?|hours?|days?|gb|mb|gi|mi|cores?|v?cpus?|x\b|times|per\s+node))"
)
_RANGE = re.compile(
    rf"\b(?P<a>{_NUM})\s*(?:-|to|\.\.|→|->|–)\s*(?P<b>{_NUM})\s*(?:{_REPL}|replicated)\b|"
    rf"\b(?:hpa|autoscal\w*|scal(?:e|es|ing))\s*(?:between|from|:)?\s*(?P<c>\d+)\s*"
    rf"(?:-|to|\.\.|→|->|–)\s*(?P<d>\d+)\b|\bbetween\s+(?P<e>{_NUM})\s+and\s+(?P<f>{_NUM})"
    rf"\s*{_REPL}?{_NOT_COUNT}|\bfrom\s+(?P<g>{_NUM})\s+(?:up\s+)?to\s+(?P<h>{_NUM})\s*"
    rf"{_REPL}?{_NOT_COUNT}|\b(?:replicas?|replica\s?count|pods|instances)\s*(?:[:=]|of)?\s*"
    r"(?P<i>\d+)\s*(?:-|to|\.\.|→|->|–)\s*(?P<j>\d+)\b",
    re.I,
)
_MAX = re.compile(
    rf"\b(?:up to|max(?:imum)?(?:\s+of)?|at most|no more than|maxReplicas\s*[:=]?|"
    rf"max[_ -]?replicas\s*[:=]?|scale(?:s|d)? (?:out )?to)\s*(?P<n>{_NUM})\s*{_REPL}?"
    rf"{_NOT_COUNT}",
    re.I,
)
_MIN = re.compile(
    rf"\b(?:at least|min(?:imum)?(?:\s+of)?|never (?:fewer|less) than|no fewer than|"
    rf"minReplicas\s*[:=]?|min[_ -]?replicas\s*[:=]?)\s*(?P<n>{_NUM})\s*{_REPL}?{_NOT_COUNT}",
    re.I,
)
_FIXED = re.compile(
    # "all three pods share the volumes" counts the app's workloads, not one's replicas
    # "Two Ackee replicas": the app's name may stand between
    # "we want more than one replica" sets no count
    rf"(?:(?<!all\s)(?<!los\s)(?<!las\s)(?<!than\s)\b(?P<n>{_NUM})\s*(?-i:[A-Z][\w-]+\s+)?{_REPL}\b"
    r"(?!\s+(?:share|all|both|each|use\s+the\s+same|mount))|"
    rf"\b(?:replicas?|replica\s?count|replicaCount|instances|pods)\s*(?:[:=]|of|count|is|are)?"
    rf"\s*(?P<m>\d+)\b(?!\s*(?:-|to)\s*\d)|(?<!than\s)\b(?P<one>single|one)\s+(?:replica|instance|pod)\b)"
    r"(?!\s+(?:per|on each|on every|on all)\s+(?:\w+\s+)?node)",
    re.I,
)
# "- queue-short: `bench worker`, two of them", "- queue-long: ..., one is enough": a count of
# the workload the item is about
_COUNTED = re.compile(
    rf"(?:^|[,;:]\s*)(?P<n>{_NUM})\s+of\s+(?:them|these|those)\s*(?:[.,;]|$)|"
    r"(?:^|[,;:]\s*)(?P<one>one|a\s+single\s+one)\s+is\s+(?:enough|plenty|fine|sufficient)\b",
    re.I,
)
_CONTEXT = re.compile(
    r"replica|\bpods?\b|instances?|scal|\bhpa\b|\bof\s+(?:them|these|those)\b|\bis\s+enough\b",
    re.I,
)


@dataclass
class Replicas:
    low: int | None = None
    high: int | None = None
    autoscale: bool = False


def _budget(sentence: str, pos: int) -> bool:
    """ "a PodDisruptionBudget that keeps at least one pod up": the budget's bound, not the
    replica count."""
    return bool(re.search(r"disruption|\bpdb\b", sentence[max(0, pos - 80) : pos], re.I))


def find_replicas(sentence: str) -> Replicas:
    """Return the replica facts one sentence states: "A single replica (the README says never
    two instances)" by its own words, when they state any, not its aside's."""
    own = without_asides(sentence)
    found = _replicas(own) if own != sentence else Replicas()
    return found if found.low is not None or found.high is not None else _replicas(sentence)


def _replicas(sentence: str) -> Replicas:
    found = Replicas(autoscale=bool(re.search(r"autoscal|\bhpa\b|horizontal", sentence, re.I)))
    if not _CONTEXT.search(sentence):
        return found
    for match in _RANGE.finditer(sentence):
        pair = [g for g in match.groups() if g is not None]
        found.low, found.high = to_int(pair[0]), to_int(pair[1])
        return found
    if (low := _MIN.search(sentence)) and not _budget(sentence, low.start()):
        found.low = to_int(low.group("n"))
    if (high := _MAX.search(sentence)) and not _budget(sentence, high.start()):
        found.high = to_int(high.group("n"))
    counted = _COUNTED.search(sentence)
    if found.low is None and found.high is None and counted:
        found.low = found.high = 1 if counted.group("one") else to_int(counted.group("n"))
    if found.low is None and found.high is None and (fixed := _FIXED.search(sentence)):
        count = 1 if fixed.group("one") else to_int(fixed.group("n") or fixed.group("m"))
        found.low = found.high = count
    return found
