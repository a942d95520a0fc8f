"""Values a request states once and hands on by reference: "Milvus should get the same two
values as `MINIO_ACCESS_KEY_ID` and `MINIO_SECRET_ACCESS_KEY`", "(the Secret `s`, key `k`) Give
the nakama container that value as an env var named `POSTGRES_PASSWORD`", "the `reminders` job
needs the same value as `CRON_PW`", "`DB_HOST` set to that RDS endpoint".

They read across the parts' own sections (the sentence that states the value often belongs to
another part), so they run on the whole request once every part is read.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.secret_keys.names import secret_names, single_keys
from bot.tools.parsing.text import Doc, dns_name

_VARIABLE = re.compile(r"`([A-Z][A-Z0-9_]*)`")
# "MinIO reads `MINIO_ROOT_USER` and `MINIO_ROOT_PASSWORD` from `s`, and Milvus should get the
# same two values as `MINIO_ACCESS_KEY_ID` and `MINIO_SECRET_ACCESS_KEY`": in order, the values
# of the variables named before in the sentence, for the part named just before "same"
_SAME_VALUES = re.compile(
    r"\bsame\s+(?:\w+\s+)?(?:values?|credentials?|secrets?)\s+(?:as|under|in|for)\s+"
    r"(?P<vars>`[A-Z][A-Z0-9_]*`(?:\s*(?:,|and|&)\s*`[A-Z][A-Z0-9_]*`)*)"
)


def same_values(draft: Draft, doc: Doc) -> None:
    """Give a part the values another part reads from a Secret, under its own names."""
    parts = {draft.component: draft.main, **draft.components}
    refs = {v: ref for c in parts.values() for v, ref in c.secrets.items() if ref.secret_name}
    for match in _SAME_VALUES.finditer(doc.text):
        span = doc.sentence_at(match.start())
        before = doc.text[span.start : match.start()]
        sources = [v for v in dict.fromkeys(_VARIABLE.findall(before)) if v in refs]
        targets = _VARIABLE.findall(match.group("vars"))
        if not sources or len(sources) != len(targets):
            continue
        c = _named_before(parts, before, draft.main)
        for source, target in zip(sources, targets, strict=True):
            c.place_secret(target, refs[source].secret_name, refs[source].key)


# "... come from our Secret `nakama-db`, key `password`. Give the nakama container that value as
# an env var named `POSTGRES_PASSWORD`."
_THAT_VALUE = re.compile(
    r"\bthat\s+(?:value|password|secret|token|key)\s+as\s+(?:an?\s+)?(?:env(?:ironment)?\s+"
    r"var(?:iable)?\s+|variable\s+)?(?:named\s+|called\s+)?`(?P<env>[A-Z][A-Z0-9_]{2,})`"
)


def that_value(draft: Draft, doc: Doc) -> None:
    """Read a variable from the one Secret and key the sentence before names."""
    parts = {draft.component: draft.main, **draft.components}
    for match in _THAT_VALUE.finditer(doc.text):
        span = doc.sentence_at(match.start())
        earlier = [s for s in doc.sentences if s.end <= span.start]
        if not earlier:
            continue
        before = doc.text[earlier[-1].start : earlier[-1].end]
        where, keys = secret_names(before), single_keys(before)
        if len(where) != 1 or len(keys) != 1:
            continue
        variable = match.group("env")
        readers = [c for c in parts.values() if variable in c.secrets or variable in c.env]
        for c in readers or [
            _named_before(parts, doc.text[span.start : match.start()], draft.main)
        ]:
            c.place_secret(variable, next(iter(where)), next(iter(keys)))


def _named_before(
    parts: dict[str, ComponentDraft], text: str, default: ComponentDraft
) -> ComponentDraft:
    """The part named last in ``text`` ("Milvus should get"), else ``default``."""
    said = [
        (m.start(), c)
        for n, c in parts.items()
        for m in re.finditer(rf"(?i)\b{re.escape(n)}\b", text)
    ]
    return max(said, key=lambda x: x[0])[1] if said else default


# "with `DB_HOST` set to that RDS endpoint", after "endpoint `erpnext-prod.x.rds.amazonaws.com`"
_THAT_THING = re.compile(
    r"`(?P<env>[A-Z][A-Z0-9_]{2,})`\s+(?:(?:should\s+be\s+|is\s+)?set\s+to|=|pointing\s+(?:at|to)|"
    r"points\s+(?:at|to))\s+(?:that|the\s+same)\s+(?:[\w-]+\s+)?(?P<noun>endpoint|host(?:name)?|"
    r"address|server|url)\b",
    re.I,
)


def that_thing(draft: Draft, doc: Doc) -> None:
    """Give a variable the endpoint (host, address, URL) the request stated before by that word."""
    parts = {draft.component: draft.main, **draft.components}
    for match in _THAT_THING.finditer(doc.text):
        noun = match.group("noun").lower()
        stated = list(
            re.finditer(
                rf"\b{re.escape(noun)}\s*(?:is\s+|:\s*|=\s*)?`(?P<value>[^`\s]+)`",
                doc.text[: match.start()],
                re.I,
            )
        )
        if not stated:
            continue
        span = doc.sentence_at(match.start())
        c = _named_before(parts, doc.text[span.start : match.start()], draft.main)
        variable = match.group("env")
        if variable not in c.env and variable not in c.secrets:
            c.env[variable] = stated[-1].group("value")


# "`APP_CRON_PW` -> Secret `s`, key `k` (the `reminders` job needs the same value as `CRON_PW`)"
_SAME_VALUE = re.compile(
    r"\bthe\s+`?(?P<who>[a-z][\w-]{0,30})`?\s+(?:(?:cron\s?)?job|workload|worker|pod|container|"
    r"deployment|component)?\s*(?:needs|gets|reads|wants|takes|uses)\s+the\s+same\s+(?:value|secret)\s+"
    r"as\s+`(?P<env>[A-Z][A-Z0-9_]{2,})`",
    re.I,
)


def same_value_as(text: str, draft: Draft) -> None:
    """A workload said to need "the same value as `B`" beside a line keeping `A` in a Secret
    reads `B` from that Secret and key."""
    workloads = {draft.component: draft.main, **draft.components}
    stated = {name: ref for c in workloads.values() for name, ref in c.secrets.items()}
    for match in _SAME_VALUE.finditer(text):
        target = workloads.get(dns_name(match.group("who"), 30))
        line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        said = [n for n in re.findall(r"`([A-Z][A-Z0-9_]{2,})`", line) if n in stated]
        if target is None or not said:
            continue
        ref = stated[said[0]]
        target.add_secret(match.group("env"), ref.secret_name, ref.key)


# "Upstream's compose sets just one variable, `WAZUH_MANAGER_SERVER`. In our case that is
# `wazuh-manager.security.svc`.": the value, in the sentence after the one variable it is for
_THAT_IS = re.compile(
    r"\W*(?:(?:in\s+our\s+case|for\s+us|here|ours|in\s+our\s+setup)\s*,?\s+)?(?:that|it|this)\s+"
    r"(?:one\s+)?(?:is|should\s+be|will\s+be|needs\s+to\s+be|must\s+be)\s+`(?P<value>[^`\n]+)`",
    re.I,
)


def that_is(draft: Draft, doc: Doc) -> None:
    """Give the one variable a sentence names the value the next sentence opens with."""
    parts = {draft.component: draft.main, **draft.components}
    for index, span in enumerate(doc.sentences[1:], start=1):
        said = _THAT_IS.match(doc.text, span.start, span.end)
        if said is None:
            continue
        before = doc.sentences[index - 1]
        sentence = doc.text[before.start : before.end]
        variables = list(dict.fromkeys(_VARIABLE.findall(sentence)))
        if len(variables) != 1:
            continue
        readers = [c for c in parts.values() if variables[0] in c.env or variables[0] in c.secrets]
        if not readers:
            readers = [_named_before(parts, sentence, draft.main)]
        for c in readers:
            if not c.env.get(variables[0]) and variables[0] not in c.secrets:
                c.env[variables[0]] = said.group("value")
