"""Which of the parser's readings are guesses, so that a model's reading may replace them.

The parser is sure of what the request spells out: an image reference, a port number, a
variable's name and value, a command in backticks. It also infers: an app type from "Django", a
chart name from the image, a workload kind from a word such as "database". The first kind of fact
wins over any model; the second is a guess, and a guess must not veto a model that read the
request differently. The test is literal: a value the request (or an edit) does not contain is
a guess.

The model names components its own way ("beat" where the parser said "scheduler"), so its
components are first matched to the parser's by what they run.
"""

from __future__ import annotations

import re
from typing import Any

from bot.tools.models import Component, Requirements, Workload

# Workload facts the parser may infer rather than read.
GUESSABLE = ("app_type", "language", "framework", "workload", "hook", "command", "args")
# Chart-level facts the parser may infer rather than read.
GUESSABLE_CHART = ("name", "component")


def anchored(value: Any, text: str) -> bool:
    """Whether ``value`` is written in ``text`` as a whole word (a list as its words in order)."""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    words = " ".join(str(value).split()).lower()
    if not words:
        return True
    found = re.search(rf"(?<![\w-]){re.escape(words)}(?![\w-])", " ".join(text.split()).lower())
    return found is not None


def yield_guesses(sure: Requirements, model: Requirements, text: str) -> Requirements:
    """Return ``sure`` without the guesses the model's reading answers differently."""
    dropped = _unsure(sure, model, text, GUESSABLE + GUESSABLE_CHART)
    theirs = {c.name: c for c in model.components}
    components = [
        c.model_copy(update=_unsure(c, theirs[c.name], text, GUESSABLE)) if c.name in theirs else c
        for c in sure.components
    ]
    return sure.model_copy(update={**dropped, "components": components})


def _unsure(sure: Workload, model: Workload, text: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """The neutral value of each field the parser guessed and the model read otherwise."""
    neutral = type(sure).model_fields
    out: dict[str, Any] = {}
    for field in fields:
        mine, theirs = getattr(sure, field), getattr(model, field)
        default = neutral[field].get_default(call_default_factory=True)
        if mine != default and theirs not in (default, mine) and not anchored(mine, text):
            out[field] = default
    if "workload" in out and model.workload != "Job":
        out["hook"] = ""  # a hook belongs to the Job the parser guessed
    return out


def match_components(model: list[Component], sure: list[Component]) -> list[Component]:
    """Rename the model's components to the parser's names where both mean the same workload.

    Two components are the same when they run the same command, or (when neither states a
    command) use the same image; a name already shared needs no match.
    """
    names = {c.name for c in sure}
    out: list[Component] = []
    for part in model:
        twin = None if part.name in names else _twin(part, sure)
        out.append(part.model_copy(update={"name": twin.name}) if twin else part)
    return out


def _twin(part: Component, sure: list[Component]) -> Component | None:
    runs = [*part.command, *part.args]
    same = [
        c
        for c in sure
        if (runs and runs == [*c.command, *c.args])
        or (not runs and part.image is not None and part.image == c.image)
    ]
    return same[0] if len(same) == 1 else None
