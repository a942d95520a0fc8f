"""Variables a pasted docs page lists for one image, set where the request names no workload.

"Environment variables for `kitchenowl-backend`: | `DB_HOST` | ... |" and then "- `DB_NAME=x`"
in the request's own list: the page already said which image reads that variable, so a reader
who knows the frontend and the backend are two workloads gives it to the backend, though the
sentence that sets it names neither.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft, Draft

# "Environment variables for `a/b` and `a/c`:", "Variables of `a/web`:"
_FOR_IMAGES = re.compile(
    r"(?:environment\s+)?variables?\s+(?:for|of)\s+(?:the\s+)?(?:image\s+)?"
    r"(?P<images>`[^`\s]+`(?:\s*(?:,|\band\b|&)\s*`[^`\s]+`)*)",
    re.I,
)
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)*")
_ROW = re.compile(r"^[ \t]*(?:\||[-*+]\s|\d+[.)]\s)")
_VARIABLE = re.compile(r"`?(?P<name>[A-Z][A-Z0-9_]{2,})`?")


def documented(text: str) -> dict[str, set[str]]:
    """Each variable a docs list or table gives for named images, with those repositories."""
    found: dict[str, set[str]] = {}
    for match in _FOR_IMAGES.finditer(text):
        images = {_repository(i) for i in re.findall(r"`([^`\s]+)`", match.group("images"))}
        end = text.find("\n", match.end())
        seen = False
        for line in text[end + 1 :].split("\n") if end >= 0 else []:
            line = _QUOTE.sub("", line, count=1)
            if not line.strip():
                if seen:
                    break
                continue
            if not _ROW.match(line):
                break
            seen = True
            variable = _VARIABLE.search(line.lstrip(" \t|-*+"))
            if variable and re.fullmatch(r"-+", variable.group("name")) is None:
                found.setdefault(variable.group("name"), set()).update(images)
    return found


def _repository(image: str) -> str:
    return image.split("@", 1)[0].rsplit(":", 1)[0] if "/" in image else image


def place(text: str, draft: Draft) -> None:
    """Move the main workload's variables the docs give only to another workload's image."""
    lists = documented(text)
    if not lists or not draft.components:
        return
    main = draft.main
    own = main.image.repository if main.image is not None else ""
    for name in [*main.env, *main.secrets, *(x.env for x in main.connections)]:
        images = lists.get(name)
        if not images or own in images:
            continue
        targets = [
            c
            for c in draft.components.values()
            if c.image is not None and c.image.repository in images
        ]
        if len(targets) == 1:
            _move(name, main, targets[0])


def _move(name: str, source: ComponentDraft, target: ComponentDraft) -> None:
    if name in source.env:
        target.env.setdefault(name, source.env.pop(name))
    if name in source.secrets:
        target.secrets.setdefault(name, source.secrets.pop(name))
    moved = [x for x in source.connections if x.env == name]
    source.connections = [x for x in source.connections if x.env != name]
    target.connections += [x for x in moved if x not in target.connections]
