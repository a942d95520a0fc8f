"""The words a request names Secrets, keys and variables by: shared by every reader of the
pairs ("the Secret `s`", "keys `a` and `b`", "`DB_PASSWORD`")."""

from __future__ import annotations

import re

from bot.tools.parsing.text import ENV_VAR, in_code_span

# A variable's name; a one-word name counts when it is written as code ("`ADMINPASS`").
# "`$CHIRPSTACK_API_SECRET`": a variable written as its reference is that variable.
ENV_NAME = re.compile(
    rf"(?:(?<![\w$])|(?<=`\$))(?:{ENV_VAR}|(?<=`)[A-Z][A-Z0-9]{{2,}}(?=`))(?![\w])"
)
# "the API key is `TYPESENSE_API_KEY`" names a credential and its variable, not a Secret's key.
CREDENTIAL_KEY = r"(?<!api )(?<!license )(?<!access )(?<!signing )(?<!encryption )"
KEYS = re.compile(
    CREDENTIAL_KEY
    + r"\bkeys?\s*(?:(?:[:=]|\bis\b|\bare\b)\s*)?(?:named\s+|called\s+)?"
    + r"(?!(?:are|is|was|and|or|the|"
    r"an?|of|in|for|to|from|with|names?)\b)(?P<keys>(?:`[^`]+`|[\w.-]+)(?:\s*(?:,|and|&|\+)\s*"
    r"(?:`[^`]+`|[\w.-]+))*)",
    re.I,
)
SAME_KEYS = re.compile(
    r"\bsame\s+(?:key\s*)?names?\b|\bkeys?\s+(?:named|called)\s+(?:like|after)\s+the|"
    r"\bkeys?\s+(?:named\s+)?(?:as|like)\s+the\s+variables?\b",
    re.I,
)


IN_SECRET = re.compile(
    r"\bsecret\s+(?:existing\s+)?(?:named\s+|called\s+)?[`\"']?(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])[`\"']?",
    re.I,
)
_ONE_KEY = re.compile(
    CREDENTIAL_KEY
    + r"\bkey\s*(?:[:=]\s*|\s+(?:is\s+|named\s+|called\s+|under\s+)?)"
    + r"(?!(?:are|is|was|and|or|the|an?|of|in|for|to|from|with|kept|stored|holds?|has|"
    + r"contains?|which|that|under|inside|at)\b)"
    + r"[`\"']?(?P<key>[\w.-]+)[`\"']?",
    re.I,
)
# "its `uri` key holds the connection string": the key's name said before the word
_KEY_BEFORE = re.compile(r"`(?P<key>[\w.-]+)`\s+key\b(?!\s*`)")


def single_keys(text: str) -> set[str]:
    """The keys ``text`` names one at a time: "key `k`", "its `k` key"."""
    found = {m.group("key").rstrip(".") for m in _ONE_KEY.finditer(text)}
    return found | {m.group("key") for m in _KEY_BEFORE.finditer(text)}


FROM_NAMED = re.compile(r"\bfrom\s+`([a-z0-9][a-z0-9.-]*[a-z0-9])`")
# Words after "secret" that go on the sentence: "its secret key material", "secret values are".
NOT_NAMES = frozenset(
    """named called the with and for from that which key keys material value values is are was
    should must will tooling store manager management data file files string of in to it holds
    has contains keeps stores carries also too can could would may might shall""".split()
)


def named_secrets(text: str) -> set[str]:
    """The Secrets a text names for the app's variables (a certificate's Secret is no such)."""
    return {n for n in secret_names(text) if not re.search(r"tls|cert", n, re.I)}


# "the `jellyseerr-db` Secret": the name said before the word
_SECRET_BEFORE = re.compile(r"\bthe\s+`(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])`\s+secret\b", re.I)


def secret_names(sentence: str) -> set[str]:
    return {
        m.group("name")
        for m in [*IN_SECRET.finditer(sentence), *_SECRET_BEFORE.finditer(sentence)]
        if m.group("name").lower() not in NOT_NAMES
    }


def key_lists(sentence: str) -> list[re.Match[str]]:
    """The "keys `a` and `b`" lists of a sentence; the word inside a code span ("`KEY`",
    "`directus-keys`") names a variable or a Secret, not keys. Keys written as code come first:
    "the key storage: ... key `password`" names one key, not two."""
    found = []
    for word in re.finditer(r"\bkeys?\b", sentence, re.I):
        if not in_code_span(sentence, word.start()):
            listed = KEYS.match(sentence, word.start())
            if listed:
                found.append(listed)
    return sorted(found, key=lambda m: "`" not in m.group("keys"))


_NOT_KEYS = frozenset(
    "and or are is was were be kept stored held live lives sit sits in of the a an for to from "
    "with under inside goes go come comes".split()
)


def key_names(match: re.Match[str]) -> list[str]:
    keys = re.findall(r"`([^`]+)`|\b([\w.-]+)\b", match.group("keys"))
    # "the password and key are kept in ...": a bare word of the sentence is no key's name
    names = [a or b for a, b in keys if a or b.lower() not in _NOT_KEYS]
    # "from key `db-password`, `APP_KEY` from key `app-key`": what follows the comma is the next
    # pair's variable, not a second key ("key is `a`, `b`, `c`" lists three)
    if not re.match(r"key\b", match.group(0), re.I):
        return names  # "keys `DB_PASSWORD` and `API_KEY`": keys may be written in capitals
    variable = next(
        (i for i, n in enumerate(names) if i and re.fullmatch(r"[A-Z][A-Z0-9_]+", n)), 0
    )
    return names[:variable] if variable else names
