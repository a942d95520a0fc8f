"""Names a request gives the parts a pasted file already has: "call the three app parts `web`,
`celery` and `celery-beat`" over compose services `indico-web`, `indico-celery` and
`indico-celery-beat`; "keep the nginx `ingress` service, but call it `gateway`".

The new names are a rename, not new workloads: each is one of the ways the request may write one
part's own name (its words after the app's prefix).
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.mentions import aliases
from bot.tools.parsing.text import dns_name

_CALL = re.compile(
    r"\b(?:call|name|rename)\s+(?:them|the\s+(?:\w+\s+){0,2}?(?:parts|services|components|"
    r"workloads|containers|deployments))\s+(?:to\s+|as\s+)?"
    r"(?P<names>`[a-z][\w-]*`(?:\s*,\s*`[a-z][\w-]*`)*,?\s+and\s+`[a-z][\w-]*`)",
    re.I,
)


# "Keep the nginx `ingress` service from compose, but call it `gateway`", "rename `web` to `app`"
_CALL_IT = re.compile(
    r"`(?P<old>[a-z][\w-]*)`\s+(?:service|container|component|workload)?[^.;\n`]{0,60}?"
    r"\b(?:call|name|rename)\s+it\s+(?:to\s+)?`(?P<new>[a-z][\w-]*)`|"
    r"\brename\s+(?:the\s+)?`(?P<old2>[a-z][\w-]*)`\s+(?:service\s+|container\s+)?to\s+"
    r"`(?P<new2>[a-z][\w-]*)`",
    re.I,
)


def renamed_parts(text: str, draft: Draft) -> None:
    """Rename the draft's workloads to the names the request calls them by."""
    for said in _CALL_IT.finditer(text):
        old, new = said.group("old") or said.group("old2"), said.group("new") or said.group("new2")
        if old in [draft.component, *draft.components] and new not in draft.components:
            draft.rename(old, dns_name(new, 30))
    known = [n for n in [draft.component, *draft.components] if n]
    for match in _CALL.finditer(text):
        names = [dns_name(n, 30) for n in re.findall(r"`([^`]+)`", match.group("names"))]
        # each new name one part's own, two at least (a proxy the chart drops has none)
        pairs = [(_own(new, known), new) for new in names]
        found = [(old, new) for old, new in pairs if old]
        olds = [old for old, _ in found]
        if len(found) < 2 or len(set(olds)) != len(olds) or set(olds) & set(names):
            continue
        for old, new in found:
            draft.rename(old, new)
        return


def _own(new: str, parts: list[str]) -> str:
    """The one part ``new`` is a short form of ("web" of "indico-web"), or ""."""
    found = [p for p in parts if p != new and new in aliases(p)]
    return found[0] if len(found) == 1 else ""
