"""Values described in words: "the two passwords come from `p` (keys `user` and `admin`)", "the
JWT secret and the DB password live in `s`": each description, the variable whose name says it."""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.secret_keys.names import ENV_NAME, IN_SECRET, KEYS, NOT_NAMES, key_names
from bot.tools.parsing.text import Doc

_COUNTED = re.compile(
    r"\b(?:the\s+)?(?P<n>two|three|four|both|\d)\s+(?P<kind>passwords|secrets|tokens|keys)\b", re.I
)


def counted_secrets(doc: Doc, c: ComponentDraft) -> None:
    """ "The two passwords come from the Secret `neko-passwords` (keys `user` and `admin`)":
    the workload's secret variables of that kind, in order, read those keys of that Secret."""
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        counted = _COUNTED.search(sentence)
        secrets = {m.group("name") for m in IN_SECRET.finditer(sentence)} - NOT_NAMES
        if not counted or len(secrets) != 1 or ENV_NAME.search(sentence):
            continue
        number = {"two": 2, "both": 2, "three": 3, "four": 4}.get(counted.group("n").lower())
        number = number or int(counted.group("n"))
        kind = counted.group("kind").lower().rstrip("s")
        open_ = [
            name
            for name, ref in c.secrets.items()
            if not ref.secret_name and (kind in ("secret", "key") or kind in name.lower())
        ]
        listed = next((k for m in KEYS.finditer(sentence) if len(k := key_names(m)) == number), [])
        if len(open_) == number and listed:
            secret = secrets.pop()
            for name, key in zip(open_, listed, strict=True):
                c.add_secret(name, secret, key)


# "the JWT secret and the DB password live in the Secret `x`": what each value is, then where.
# Read in two steps, the subject up to its verb and then where the value lives, so that a long
# clause (a pasted file has few full stops) costs one pass per verb, not one per subject length.
_VERB = re.compile(
    r"\s+(?:are|is|live|lives|sit|sits|come|comes|stored|kept)\b|"
    # "..., and the token from our existing secret `diun-ntfy`, key `token`": no verb at all
    r"\s+(?=from\s+(?:the\s+|our\s+|an?\s+)?(?:existing\s+)?secret\b)",
    re.I,
)
_WHERE = re.compile(
    r"[^.;]*?(?:\bsecret\s+(?:named\s+|called\s+)?(?!(?:in|of|the|and|with|for|to|from|that|which)\b)"
    r"[`\"']?(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])|"
    # "the password is in the `jellyseerr-db` Secret"
    r"\bthe\s+`(?P<name3>[a-z0-9][a-z0-9.-]*[a-z0-9])`\s+secret\b|"
    # "the SMTP password is in `mailgun-smtp`, key `password`"
    r"\bin\s+`(?P<name2>[a-z0-9][a-z0-9.-]*[a-z0-9])`(?=\s*,?\s*(?:under\s+)?(?:the\s+)?key\b))",
    re.I,
)
_WHERE_WORDS = re.compile(r"\bsecret\b|\bin\s+`", re.I)


def _described(clause: str) -> tuple[str, str] | None:
    """The subject of "<subject> is/lives ... secret `name`" and the Secret's name."""
    if not _WHERE_WORDS.search(clause):
        return None
    lead = re.match(r"\W*(?:[A-Z][\w ]{0,30}:\s+)?", clause)  # "Secrets: The DB password is ..."
    start = lead.end() if lead else 0
    for verb in _VERB.finditer(clause, start):
        subject = clause[start : verb.start()]
        if len(subject) > 80 or re.search(r"[`.;:]", subject):
            # "- ntfy: `A=...`, `B=...`, and the token from ...": the last of a list
            subject = re.split(r",\s+(?:and\s+)?", subject)[-1]
            if len(subject) > 40 or re.search(r"[`.;:]", subject):
                return None
        if len(subject) < 3:
            continue
        where = _WHERE.match(clause, verb.end())
        if where:
            return subject, where.group("name") or where.group("name2") or where.group("name3")
    return None


_SAME = {
    "db": ("db", "database"),
    "database": ("db", "database"),
    "password": ("password", "passwd", "pass", "pwd"),
    "pass": ("password", "passwd", "pass", "pwd"),
}
_FILLERS = frozenset({"the", "our", "a", "an", "its", "their", "my", "both", "and", "value"})


def described_secrets(doc: Doc, c: ComponentDraft) -> None:
    """Pair values described in words ("the JWT secret", "the DB password") with the
    workload's secret variables whose names say the same (VIKUNJA_SERVICE_JWTSECRET,
    VIKUNJA_DATABASE_PASSWORD), and with the keys listed in that order."""
    clauses = [
        part
        for span in doc.sentences
        for part in re.split(r";\s+", doc.text[span.start : span.end])
    ]
    for sentence in clauses:
        described = _described(sentence)
        if not described or ENV_NAME.search(described[0]):
            continue
        subject, secret = described
        phrases = [p for p in re.split(r",|\band\b", subject) if p.strip()]
        found = [_variable_for(p, c) for p in phrases]
        if not found or any(f is None for f in found) or len(set(found)) != len(found):
            continue
        keys = next(
            (k for m in KEYS.finditer(sentence) if len(k := key_names(m)) == len(found)), []
        )
        for i, variable in enumerate(found):
            assert variable is not None
            c.add_secret(variable, secret, keys[i] if keys else "")


def _variable_for(phrase: str, c: ComponentDraft) -> str | None:
    """The one secret variable of ``c`` whose name carries every word of ``phrase``."""
    words = [w for w in re.findall(r"[a-z0-9]+", phrase.lower()) if w not in _FILLERS]
    if not words:
        return None
    fits = [
        name
        for name in c.secrets
        if all(any(s in name.lower() for s in _SAME.get(w, (w,))) for w in words)
    ]
    return fits[0] if len(fits) == 1 else None


# "`DATABASE_HOST=...`, `DATABASE_USER=flowise`, password from the existing secret `flowise-db`,
# key `password`": the password of the variables around it, named like them.
_UNNAMED_PASSWORD = re.compile(
    r"(?:^|[,;(]\s*|\band\s+)(?:the\s+|its\s+)?(?:db\s+|database\s+)?password\s+"
    r"(?:comes?\s+)?(?:from|in)\s+(?:the\s+|our\s+)?(?:existing\s+)?secret\b",
    re.I,
)
_USER_VARIABLE = re.compile(r"(?<![\w$])(?P<prefix>[A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*)USER(?:NAME)?\b")


def unnamed_password(doc: Doc, c: ComponentDraft) -> None:
    """A password said without its variable, beside the user variable of the same settings
    (``DATABASE_USER``): the person means ``DATABASE_PASSWORD``, read from that Secret."""
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        said = _UNNAMED_PASSWORD.search(sentence)
        if not said:
            continue
        users = {m.group("prefix") for m in _USER_VARIABLE.finditer(sentence[: said.start()])}
        where = {m.group("name") for m in IN_SECRET.finditer(sentence[said.start() :])}
        keys = [m.group("key") for m in _ONE_KEY_AFTER.finditer(sentence[said.end() :])][:1]
        if len(users) != 1 or len(where - NOT_NAMES) != 1:
            continue
        variable = f"{users.pop()}PASSWORD"
        if variable not in c.secrets and variable not in c.env:
            c.add_secret(variable, (where - NOT_NAMES).pop(), keys[0] if keys else "")


_ONE_KEY_AFTER = re.compile(r"^[^.;]{0,40}?\bkey\s+[`\"']?(?P<key>[\w.-]+)")
