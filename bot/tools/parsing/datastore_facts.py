"""What a request says about how the app logs in to a bundled datastore.

"Postgres database shop as user shop, password in the existing secret shop-db (key
db-password)" states the database name, the user and where the password lives. The bundled
datastore is set up with exactly those, and the app's connection variables are rendered from
them, so both ends agree without anyone copying a value. Only sentences that name one datastore
are read, so a user or Secret stated for the app is not taken for the database's.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.lexicon import DEPENDENCY_BY_KIND
from bot.tools.parsing.secret_keys.names import IN_SECRET, key_lists, key_names
from bot.tools.parsing.text import Doc

# the name ends where the word does: "db wouldn't exist" names no database "wouldn"
_WORD = r"[`\"']?(?P<{}>[A-Za-z_][\w-]{{0,62}})(?:[`\"'](?![A-Za-z])|(?![\w'\u2019]))"
_DATABASE = re.compile(
    r"\b(?:database|db|schema)\s+(?:(?:is\s+)?(?:named|called)\s+|name\s*(?:[:=]|is)?\s*|[:=]\s*)?"
    + _WORD.format("v"),
    re.I,
)
_USER = re.compile(
    r"\b(?:as|with|and)\s+(?:the\s+)?(?:user|role|login)\s+" + _WORD.format("v") + r"|\b(?:user|"
    r"username|role)\s*(?:[:=]|is|named|called)\s*" + _WORD.format("w") + r"|"
    # "DB name `wordpress`, user `wordpress`": a name in code right after the word
    r"\b(?:user|username|role)\s+`(?P<x>[A-Za-z_][\w-]{0,62})`",
    re.I,
)
_KEY = re.compile(
    r"\bkey\s*(?:[:=]\s*|\s+(?:named\s+|called\s+)?)(?!(?:are|is|was|and|or|the|an?|of|in|for|"
    r"to|from|with|names?)\b)[`\"']?(?P<v>[\w.-]+)[`\"']?",
    re.I,
)
# Words that follow "database"/"user" in prose without naming anything.
_NOT_NAMES = frozenset(
    {
        "is", "as", "with", "for", "and", "or", "the", "a", "an", "in", "on", "to", "of", "from",
        "password", "passwords", "user", "users", "name", "server", "engine", "migrations",
        "backups", "backup", "connection", "connections", "url", "host", "port", "secret",
        "credentials", "access", "data", "storage", "instance", "cluster", "that", "which",
        "named", "called", "it", "this", "per", "via", "using", "inside", "too", "also",
        "migration", "migrate", "dump", "dumps", "schema", "driver",
        "type", "settings", "config", "configuration", "version", "image",
    }
)  # fmt: skip


_DATABASES = ("postgresql", "mysql", "mariadb", "mongodb")
_GENERIC_DATABASE = re.compile(r"\b(?:the|its|our|app'?s)\s+(?:database|db)\b", re.I)


def _named(pattern: re.Pattern[str], text: str) -> str:
    for match in pattern.finditer(text):
        value = next((v for v in match.groups() if v), "").rstrip(".-")
        if value.isupper() and "_" in value:
            continue  # "`WORDPRESS_DB_NAME`": a variable's name, in a table of them
        if value and value.lower() not in _NOT_NAMES and not value.isdigit():
            return value
    return ""


_SUPERUSER = re.compile(r"(?<!non[_-])root|admin|super", re.I)
_PASSWORD_KEY = re.compile(r"pass|pwd", re.I)


def _password_key(text: str) -> str:
    """The key of the app user's password in the datastore's Secret, as the text names it."""
    key = _KEY.search(text)
    if key:
        return key.group("v")
    # "(keys `mysql-password` and `mysql-root-password`)": the app's user's, then the superuser's
    keys = [k for m in key_lists(text) if "`" in m.group("keys") for k in key_names(m)]
    # "(keys `jwt-secret` and `db-password`)": the one that is a password, not the superuser's
    users = [k for k in keys if _PASSWORD_KEY.search(k) and not _SUPERUSER.search(k)]
    return users[0] if len(users) == 1 else ""


def read_datastore_facts(doc: Doc, draft: Draft) -> None:
    """Set each bundled datastore's database, user and password Secret as the prose states."""
    before: list[str] = []
    end = 0
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        named = [
            kind
            for kind in draft.dependencies
            if kind in DEPENDENCY_BY_KIND and DEPENDENCY_BY_KIND[kind].pattern.search(sentence)
        ]
        if not named and _GENERIC_DATABASE.search(sentence):
            # "the database password is in ..." speaks of the app's only bundled database.
            named = [k for k in draft.dependencies if k in _DATABASES]
        if not named and doc.text[end : span.start].strip() == ";":
            named = before  # "a MariaDB in the chart; DB name `wp`, user `wp`": the same one
        before, end = named, span.end
        if len(named) != 1:
            continue
        dep = draft.dependencies[named[0]]
        if dep.external:
            continue
        # Read after the datastore's name: what comes before it is about the app.
        start = DEPENDENCY_BY_KIND[named[0]].pattern.search(sentence)
        rest = sentence[start.start() :] if start else sentence
        dep.database = dep.database or _named(
            _DATABASE, rest[len(start.group(0)) :] if start else rest
        )
        dep.user = dep.user or _named(_USER, rest)
        if re.search(r"\bpassword", rest, re.I) and not dep.existing_secret:
            secret = _named(IN_SECRET, rest)
            if secret:
                dep.existing_secret = secret
                dep.password_key = dep.password_key or _password_key(rest)
