"""Structured text: GitHub issue-form sections and "Label: value" lines (bullets or not).

GitHub renders an issue form as ``### <field label>`` followed by the answer, ``_No response_``
for an empty answer and ``- [x]`` / ``- [ ]`` for checkboxes. People write the same structure
by hand as bullet lists ("- name: foo", "* Port: 8080"). Both become (label, value) pairs;
unchecked boxes and empty answers are dropped so that "- [ ] Redis" never asks for Redis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

_HEADING = re.compile(r"^[ \t]*#{2,6}[ \t]+(?P<label>.+?)[ \t]*#*[ \t]*$", re.M)
_NO_RESPONSE = re.compile(r"^\s*_?no response_?\s*$", re.I)
_UNCHECKED = re.compile(r"^[ \t]*[-*+][ \t]+\[ \][^\n]*\n?", re.M)
_CHECKED = re.compile(r"^([ \t]*)[-*+][ \t]+\[[xX]\][ \t]*", re.M)
_LABEL_LINE = re.compile(
    r"^[ \t]*(?:[-*+\u2022]|\d+[.)])?[ \t]*(?P<label>[A-Za-z][A-Za-z0-9()'-]*(?:[ ]+(?:[/&][ ]+)?"
    r"[A-Za-z(][A-Za-z0-9()'-]*){0,5})[ \t]*(?:[:=](?=\s|$)|\s-\s)[ \t]*(?P<value>.*?)[ \t]*$"
)
_BULLET = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+")


def clean_answer(text: str) -> str:
    """Return an issue-form answer without empty markers and unchecked boxes."""
    text = _UNCHECKED.sub("", text)
    text = _CHECKED.sub(r"\1- ", text)
    lines = [line for line in text.split("\n") if not _NO_RESPONSE.match(line)]
    return "\n".join(lines).strip()


def sections(text: str) -> list[tuple[str, str]] | None:
    """Return (heading, answer) pairs when ``text`` is an issue form, else None."""
    matches = list(_HEADING.finditer(text))
    if len(matches) < 2:
        return None
    pairs: list[tuple[str, str]] = []
    head = text[: matches[0].start()].strip()
    if head:
        pairs.append(("", head))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        pairs.append((match.group("label").strip(), clean_answer(text[match.end() : end])))
    return pairs


class Labelled(NamedTuple):
    """A "Label: value" line of a known field, and where it starts in the text."""

    label: str
    value: str
    start: int


def labelled_lines(text: str, known: Callable[[str], bool]) -> list[Labelled]:
    """Return the lines of ``text`` that answer a known label, with what is nested under them."""
    pairs: list[Labelled] = []
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _LABEL_LINE.match(line)
        if match and known(match.group("label")) and "://" not in match.group("label"):
            first = i
            value = match.group("value")
            indent = len(line) - len(line.lstrip())
            listing = not value  # "Ports:" alone on its line: the list below is its value
            i += 1
            # A label with nested lines under it ("env:" then "  - A=b") owns those lines.
            while (
                i < len(lines)
                and lines[i].strip()
                and (
                    len(lines[i]) - len(lines[i].lstrip()) > indent
                    or (
                        listing
                        and _BULLET.match(lines[i])
                        and not _LABEL_LINE.match(_BULLET.sub("", lines[i]))
                    )
                )
            ):
                value += "\n" + _BULLET.sub("", lines[i]).strip()
                i += 1
            pairs.append(Labelled(match.group("label"), clean_answer(value), starts[first]))
            continue
        i += 1
    return pairs


_ITEM_LEAD = re.compile(
    r"^[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]+[`*_]*(?P<lead>[a-z][\w-]{0,30})[`*_]*[ \t]*:", re.M
)


_LONE_LEAD = re.compile(r"^[ \t]*[`*_]*([a-z][\w-]{0,30})[`*_]*:[ \t]*$", re.M)


def per_workload(form: list[tuple[str, str]]) -> set[str]:
    """The labels of sections that answer per workload ("### Scaling" with "- builder: 1
    replica" and "- viewer: HPA 2-8"): their list items lead with names that lead items in
    other sections too. Such a section is no answer for the main workload alone."""
    leads = [{m.group("lead") for m in _ITEM_LEAD.finditer(value)} for _, value in form]
    found = set()
    for (label, _), mine in zip(form, leads, strict=True):
        others = set().union(*(x for x in leads if x is not mine))
        shared = mine & others
        if label and len(shared) >= 2 and shared == mine:
            found.add(label)
    for label, value in form:
        # "client:" over its settings, then "server:" over theirs
        if label and len(set(_LONE_LEAD.findall(value))) >= 2:
            found.add(label)
    return found
