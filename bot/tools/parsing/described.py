"""Settings a request gives in words for the variables a pasted file leaves unset.

A compose file names what an app reads (``NEXT_PRIVATE_SMTP_HOST=${NEXT_PRIVATE_SMTP_HOST}``)
and leaves the values to the operator; the request then says them as a person would: "SMTP:
transport smtp-auth, host smtp.eu.mailgun.org, port 587", "Public URL is https://sign.example.org",
"signup disabled (true)". Each described value goes to the one unset variable whose name carries
the words said (the topic before a colon included), read the way the name is built: the words
every variable shares (``NEXT``, ``PRIVATE``, the app's prefix) say nothing, the others must be
said, all of them or all but one with the last (``HOST``, ``URL``) among those said. A value no
variable fits, or that two fit equally, is left alone.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft, Draft

# A value as written: quoted, a URL, an address, a number, a word with digits or dots.
_VALUE = r"(?:\"[^\"\n]+\"|`[^`\n]+`|\([^()\s]+\)|[^\s,;()]+)"
_CLAUSE = re.compile(
    r"(?P<words>[A-Za-z][A-Za-z -]{1,50}?)\s+(?:is\s+|are\s+|=\s*|:\s*|to\s+|of\s+)?"
    rf"(?P<value>{_VALUE})(?:\s+(?P<address><[^<>\s]+@[^<>\s]+>))?\s*$"
)
# "(ingress, class nginx)": an aside; "(true)" is a value and stays.
_ASIDE = re.compile(r"\s*\([^()]*[\s,][^()]*\)")
_TOPIC = re.compile(r"^\s*(?P<topic>[A-Za-z][\w-]{1,20})\s*:\s+")
_FILLERS = frozenset(
    "the a an our its their my is are be set to of for and with as it this that should "
    "please use uses using value".split()
)
_NOT_VALUES = frozenset("the a an it this that is are on off in at for and or to be yes no".split())


# "- `DOCKER_INFLUXDB_INIT_ORG`: A name for your initial organization.": docs listing a variable.
DOCUMENTED = re.compile(
    r"^[>\s]*(?:[-*+]|\|)\s*(?:optional:\s*)?`(?P<name>[A-Z][A-Z0-9_]{2,})`\s*(?::|\|)", re.I | re.M
)


def fill(text: str, draft: Draft) -> None:
    """Give each unset variable of a workload the value the request describes for it; the
    variables pasted docs list are the main workload's to set too ("username `admin`, org
    `platform`" under a docs list of ``DOCKER_INFLUXDB_INIT_USERNAME``, ``..._ORG``)."""
    workloads = [draft.main, *draft.components.values()]
    named = {n for c in workloads for n in [*c.env, *c.secrets]}
    documented = [m.group("name") for m in DOCUMENTED.finditer(text)]
    for c in workloads:
        unset = [name for name, value in c.env.items() if not value]
        if c is draft.main:
            unset += [n for n in dict.fromkeys(documented) if n not in named]
        if unset:
            _fill(text, c, unset)


def _fill(text: str, c: ComponentDraft, unset: list[str]) -> None:
    common = _common_words(list(dict.fromkeys([*c.env, *c.secrets, *unset])))
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        sentence = _ASIDE.sub("", sentence)
        topic = _TOPIC.match(sentence)
        about = _words(topic.group("topic")) if topic else set()
        body = sentence[topic.end() :] if topic else sentence
        for clause in re.split(r",\s+|;\s+|\s+and\s+(?=[a-z])", body):
            match = _CLAUSE.search(clause.strip().rstrip("."))
            if not match:
                continue
            said = _words(match.group("words")) | about
            quoted = match.group("value")[:1] in '`"'  # "org `platform`": a value as written
            value = _clean(match.group("value"))
            if match.group("address"):  # from "Example Sign" <sign@example.org>
                _set(c, unset, common, said | {"name"}, value)
                _set(c, unset, common, said | {"address", "email"}, match.group("address")[1:-1])
            elif value.lower() not in _NOT_VALUES and (quoted or _plausible(value)):
                _set(c, unset, common, said, value)


def _set(c: ComponentDraft, unset: list[str], common: set[str], said: set[str], value: str) -> None:
    best: list[str] = []
    best_score = 0
    for name in unset:
        if c.env.get(name):
            continue
        score = _fit(name, common, said)
        if score > best_score:
            best, best_score = [name], score
        elif score and score == best_score:
            best.append(name)
    if len(best) == 1:
        c.env[best[0]] = value
        c.pasted_env.discard(best[0])


def _fit(name: str, common: set[str], said: set[str]) -> int:
    """How well the words said name the variable: 0 when they do not."""
    parts = [p for p in name.lower().split("_") if p and p not in common]
    if not parts:
        return 0
    hits = [p for p in parts if any(_same(p, w) for w in said)]
    missing = len(parts) - len(hits)
    if missing == 0 or (missing == 1 and len(hits) >= 2 and parts[-1] in hits):
        return 2 * len(hits) - missing
    return 0


def _same(part: str, word: str) -> bool:
    """``USER`` is "user" and "username"; ``DISABLE`` is "disabled"; ``ADDR`` is "address"."""
    if part == word:
        return True
    short, long_ = sorted((part, word), key=len)
    return len(short) >= 4 and long_.startswith(short) or (short, long_) in _SYNONYMS


_SYNONYMS = frozenset({("url", "uri"), ("mail", "email"), ("pass", "password"), ("db", "database")})


def _common_words(names: list[str]) -> set[str]:
    """Words most of a workload's variables share: its prefixes, not what one of them holds."""
    if len(names) < 2:
        return set()
    if len(names) < 4:  # few names: only the words all of them share ("QUEUE_INIT_")
        return set.intersection(*(set(n.lower().split("_")) for n in names))
    counts: dict[str, int] = {}
    for name in names:
        for part in set(name.lower().split("_")):
            counts[part] = counts.get(part, 0) + 1
    return {part for part, n in counts.items() if n >= 0.5 * len(names)}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _FILLERS}


def _clean(value: str) -> str:
    value = value.strip()
    if value[:1] in '"`(' and value[-1:] in '"`)':
        value = value[1:-1]
    return value.rstrip(".")


def _plausible(value: str) -> bool:
    """A value, not a word of the sentence: it has a digit, a dot, a slash, an @, a hyphen, or
    is a boolean."""
    return bool(re.search(r"[\d./@:-]", value)) or value.lower() in ("true", "false")
