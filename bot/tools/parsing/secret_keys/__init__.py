"""Which Secret and key each secret variable reads, however the request pairs them.

"DB_PASSWORD (key `password`)", "`A` and `B` from Secret `s`, keys `a` and `b`", "the same key
names", "the two passwords come from `p` (keys `user` and `admin`)", "the JWT secret and the DB
password live in `s`" and a sentence that points back at the variables of the one before ("read
both from our existing secret") all say where a value lives; the variable reads it from there.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.secret_keys.clauses import clause_pairs, one_secret_key
from bot.tools.parsing.secret_keys.described import (
    counted_secrets,
    described_secrets,
    unnamed_password,
)
from bot.tools.parsing.secret_keys.names import (
    ENV_NAME,
    SAME_KEYS,
    key_lists,
    key_names,
    named_secrets,
    secret_names,
    single_keys,
)
from bot.tools.parsing.secret_keys.pairs import inline_pairs
from bot.tools.parsing.secrets import is_secret_name
from bot.tools.parsing.text import OWN_SPELLING, Doc, kebab

__all__ = ["named_secrets", "read_secret_keys"]


def read_secret_keys(doc: Doc, c: ComponentDraft) -> None:
    """Keys inside the Secrets the request names: "(key `fernet-key`)", "with keys `a` and
    `b`" (in the order of the variables), "with the same key names"."""
    text = doc.text
    inline_pairs(doc, c)
    clause_pairs(doc, c)
    one_secret_key(doc, c)
    counted_secrets(doc, c)
    described_secrets(doc, c)
    unnamed_password(doc, c)
    previous: list[str] = []
    for index, span in enumerate(doc.sentences):
        sentence = text[span.start : span.end]
        in_secret = bool(secret_names(sentence))  # "`KEY` and `SECRET` are in the secret x"
        own = [n for n in OWN_SPELLING.findall(sentence) if n in c.secrets]
        named = [
            n
            for n in dict.fromkeys(ENV_NAME.findall(sentence) + own)
            if (n in c.secrets or in_secret)
            and not (c.env.get(n) and not is_secret_name(n))  # "`KEILA_USER` = `x`": a value
        ]
        follows = index > 0 and "\n" not in text[doc.sentences[index - 1].end : span.start]
        envs = named or (previous if follows and _BACK.search(sentence) else [])
        said = list(dict.fromkeys(ENV_NAME.findall(sentence)))
        goes = _IT_GOES.search(sentence)
        said = [goes.group("env")] if goes else said
        if said and follows and (goes or _SAME_KEY.search(sentence)):
            # "The JAAS line is in the secret `s`, key `k`. Set A, B and C, all from that key."
            # "... (key `password`). It needs to end up in `DB_PASS`."
            before = text[doc.sentences[index - 1].start : doc.sentences[index - 1].end]
            where, keys = secret_names(before), single_keys(before)
            if len(where) == 1 and len(keys) == 1:
                for name in said:
                    c.add_secret(name, next(iter(where)), next(iter(keys)))
                previous = said
                continue
        previous = named
        if not envs or not re.search(r"\bkeys?\b|\bsame\s+names\b", sentence, re.I):
            continue
        if SAME_KEYS.search(sentence):
            for name in envs:
                c.add_secret(name, "", name)
            continue
        for listed in key_lists(sentence):
            names = key_names(listed)
            if len(names) == len(envs):
                secrets = secret_names(sentence)
                secret = next(iter(secrets)) if len(secrets) == 1 else ""
                for env, key in zip(envs, names, strict=True):
                    c.add_secret(env, secret, key)
                break
    _keys_by_name(doc, c)


def _keys_by_name(doc: Doc, c: ComponentDraft) -> None:
    """ "JWT secret and the initial admin password come from the Secret `s`: keys `jwt-secret`
    and `initial-password`": each key is the one variable whose name ends in it."""
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        where = secret_names(sentence)
        for listed in key_lists(sentence):
            for key in key_names(listed):
                if not re.search(r"[-_.]", key):
                    continue  # "key" or "password" alone ends too many names to say which
                unplaced = [
                    ref
                    for ref in c.secrets.values()
                    if ref.key == kebab(ref.env)
                    and ref.key != key
                    and ref.key.endswith("-" + key.lower())
                    and (not ref.secret_name or ref.secret_name in where)
                ]
                if len(unplaced) == 1:
                    unplaced[0].key = key
                    if len(where) == 1 and not unplaced[0].secret_name:
                        unplaced[0].secret_name = next(iter(where))


# "all from that key"; "from the key `k`" names a key of its own
# "... (key `password`). It needs to end up in `DB_PASS`": the value the sentence before placed
_IT_GOES = re.compile(
    r"\b(?:[Ii]t|[Tt]hat|[Tt]his)\s+(?:needs\s+to\s+|has\s+to\s+|should\s+|must\s+|will\s+)?"
    r"(?:end\s+up|go(?:es)?|be\s+(?:passed|exposed|handed\s+over|read))\s+(?:in|into|as|to)\s+"
    r"(?:the\s+)?(?:variable\s+|env\s+)?`?(?P<env>[A-Z][A-Z0-9_]{2,})`?"
)
_SAME_KEY = re.compile(
    r"\b(?:all\s+)?from\s+(?:that|the|this)\s+(?:same\s+)?key\b(?!\s*[`\"'])", re.I
)
# "Please read both from our existing secret": the variables of the sentence before.
_BACK = re.compile(r"\b(?:both|them|these|those|each|all three|all of them)\b", re.I)
