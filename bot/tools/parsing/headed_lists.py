"""Workloads a request gives a heading each: "**Web**" over "- image `x`", "## Worker" over
its list.

Two or more headings over lists that give an image are the app's workloads, each named by its
heading; one alone is the app itself, and so is a heading that only names the app ("**App**",
"## Container").
"""

from __future__ import annotations

import re

from bot.tools.parsing.mentions import NOT_COMPONENTS, TITLED_NAME, head_component, noted_kind
from bot.tools.parsing.parts import Item
from bot.tools.parsing.text import dns_name

_HEADED = re.compile(
    r"^[ \t#*_]*(?:(?:cron\s?job|job|deployment|statefulset|daemonset)\s+)?`?"
    r"(?P<name>[A-Za-z][\w.-]{1,40})`?(?:\s*\([^()\n]{1,30}\))?[ \t*_]*:?[ \t]*$",
    re.I,
)
NUMBERED = re.compile(r"^[ \t]*\d+[.)][ \t]+")
_GIVES_IMAGE = re.compile(
    r"\b(?:image|imagen|imagem|immagine|bild|obraz)\b|\b[\w.-]+/[\w.-]+:[\w.-]+|misma\s+image",
    re.I,
)


_MAIN_HEADINGS = frozenset(
    """app application main the-app container containers pod pods workload workloads
    deployment setup details general overview configuration basics components services parts
    processes""".split()
)


def headed_lists(items: list[Item], names: list[str], listing: bool) -> dict[int, str]:
    """The headings over lists that give an image, by item: two or more of them are the app's
    workloads; one alone ("Controller:", "**Web**" beside "**Archiver (CronJob)**") is the app
    itself."""
    found: dict[int, str] = {}
    read = set()  # the headings read as a workload's already ("**worker**" beside "**web**")
    for index, item in enumerate(items):
        # "1. ingest" over "- image ...": a numbered line over a list of its own
        below = items[index + 1] if index + 1 < len(items) else None
        numbered = bool(
            item.bullet
            and NUMBERED.match(item.text)
            and below is not None
            and below.bullet
            and not NUMBERED.match(below.text)
        )
        lone = (
            (not item.bullet or numbered)
            and "\n" not in item.text.strip()
            and len(item.text.strip()) <= 50
        )
        first = item.text.split("\n", 1)[0]
        if head := head_component(first, names, listing):
            if not noted_kind(first):  # "**Archiver (CronJob)**" beside "**Web**": a further one
                read.add(head)
            continue
        if item.heading or lone:
            name = _headed_list(item, items[index + 1 :])
            if name:
                found[index] = name
    return found if len(set(found.values()) | read) >= 2 else {}


def _headed_list(item: Item, following: list[Item]) -> str:
    match = _HEADED.match(NUMBERED.sub("", item.text.split("\n", 1)[0]))
    if not match:
        return ""
    name = dns_name(match.group("name"), 30)
    if not name or name in NOT_COMPONENTS or name in _MAIN_HEADINGS:
        return ""  # "**App**", "## Container" over the main workload's list: the app itself
    listed = []
    for other in following:
        if other.heading or not other.bullet or NUMBERED.match(other.text):
            break
        listed.append(other.text)
    return name if listed and _GIVES_IMAGE.search("\n".join(listed)) else ""


def lead_of_parts(item: Item, following: list[Item], names: list[str], listing: bool) -> list[str]:
    """The parts headed by the list items under a lead line that ends with a colon."""
    if item.bullet or item.heading or not item.text.rstrip().endswith(":"):
        return []
    if not re.search(r"`|\b(?:both|each|all|every)\b", item.text, re.I):
        return []  # "On Kubernetes we want:" over the list says nothing of its own
    if len(item.text) > 240 or re.search(r"[.!?]\s", item.text):
        return []  # a paragraph that ends by announcing the list tells the story, not facts
    heads = []
    for other in following:
        if not other.bullet and other.text[:1] in (" ", "\t"):
            continue  # an item's indented continuation ("command:" over its code)
        if not other.bullet:
            break
        head = head_component(other.text.split("\n", 1)[0], names, listing)
        if head:
            heads.append(head)
    return heads if len(heads) >= 2 and len(set(heads)) == len(heads) else []


def titles_list(item: Item, following: list[Item]) -> bool:
    """Say whether ``item`` is a lone "Scheduler:" line over a list: the list's title (a bold
    "**cron**" arrives as a bare "cron" line, a title all the same)."""
    line = item.text.strip()
    # "Configuration of museum (env vars instead of credentials.yaml)": the aside is no sentence
    bare = re.sub(r"\s*\([^()\n]*\)", "", line)
    return (
        not item.bullet
        and "\n" not in line
        and (
            line.endswith(":")
            or (len(bare) <= 30 and not re.search(r"[.!?,;`]", bare))
            or bool(TITLED_NAME.match(line))  # "Media cleanup (CronJob `clean-orphan-media`)"
        )
        and bool(following)
        and following[0].bullet
    )


def known_heads(items: list[Item], names: list[str]) -> int:
    """How many list items are led by a workload's name ("- web: ...", "- smtp: ..."): a list
    of the app's workloads, whose further items ("- migrate: a Job ...") are workloads too."""
    return sum(
        1
        for item in items
        if item.bullet and head_component(item.text.split("\n", 1)[0], names, False) in names
    )
