"""Pairs a sentence spreads over its clauses: "`A` from that secret, `B` and `C` from the secret
`s` (keys `b` and `c`)", "the same Secret holds the Django key under `k`, for `A`"."""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.secret_keys.names import (
    ENV_NAME,
    FROM_NAMED,
    key_lists,
    key_names,
    named_secrets,
    secret_names,
    single_keys,
)
from bot.tools.parsing.secrets import is_secret_name
from bot.tools.parsing.text import Doc, without_asides

# "`A` from key `a`", "`A` comes from key `a`, `B` from `b`": once a sentence says "key", the
# names after "from" in it are keys.
_FROM_KEY = re.compile(
    r"`(?P<env>[A-Z][A-Z0-9_]{2,})`\s+(?:comes?\s+|is\s+read\s+)?from\s+(?:the\s+)?"
    r"(?P<said>key\s+)?`(?P<key>[\w.-]+)`",
    re.I,
)
# "SONARR_API_KEY is key `sonarr`", "`A` is the key `a`": one variable, its key
_IS_KEY = re.compile(r"`?(?P<env>[A-Z][A-Z0-9_]{2,})`?\s+is\s+(?:the\s+)?key\s+`(?P<key>[\w.-]+)`")
_CLAUSE = re.compile(r",\s+(?![^()]*\))|;\s+|:\s+(?=`[A-Z][A-Z0-9_]+`\s+(?:comes?\s+)?from\b)")
_THAT_SECRET = re.compile(r"\bfrom\s+(?:that|the\s+same|this)\s+secret\b|\bfrom\s+it\b", re.I)


# "`A` is key `a` in the Secret `s`, and `B`, `C` and `D` are keys `b`, `c` and `d` in the
# Secret `t`": ", and" ends a pair whose own list has commas.
_PAIRS_SPLIT = re.compile(r",\s+and\s+(?=`)|;\s+")


_KEY_CLAUSE = re.compile(r"\s*(?:under\s+|with\s+)?(?:the\s+)?key\s+`(?P<key>[\w.-]+)`")


def _clauses(sentence: str) -> list[str]:
    """The sentence's clauses: a part between ", and"s that names one Secret and as many keys
    as variables stays whole; any other part is cut at its commas."""
    out: list[str] = []
    for part in _PAIRS_SPLIT.split(sentence):
        envs = set(ENV_NAME.findall(re.sub(r"`[^`]*=[^`]*`", "", part)))
        keys = next((k for m in key_lists(part) if (k := key_names(m))), [])
        whole = len(secret_names(part)) == 1 and len(envs) >= 2 and len(keys) == len(envs)
        out += [part] if whole else _CLAUSE.split(part)
    return out


def clause_pairs(doc: Doc, c: ComponentDraft) -> None:
    """Pairs stated clause by clause in a longer sentence: "`A` from that secret, `B` and `C`
    from the secret `s` (keys `b` and `c`), `D=1`": "that secret" is the one (and its key) the
    sentence before named."""
    last: tuple[str, str] = ("", "")
    only = named_secrets(doc.text)
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        # "the key storage: ... key `password`": where keys are written as code, a bare word
        # after "key" is prose.
        coded = any("`" in m.group("keys") for m in key_lists(sentence))
        keyed = any(m.group("said") for m in _FROM_KEY.finditer(sentence))
        clauses = _clauses(sentence)
        for index, clause in enumerate(clauses):
            envs = list(dict.fromkeys(ENV_NAME.findall(re.sub(r"`[^`]*=[^`]*`", "", clause))))
            secrets = secret_names(clause)
            lists = [m for m in key_lists(clause) if "`" in m.group("keys") or not coded]
            keys = next((k for m in lists if (k := key_names(m))), [])
            if len(secrets) == 1 and envs and len(keys) == len(envs):
                secret = next(iter(secrets))
                for env, key in zip(envs, keys, strict=True):
                    c.add_secret(env, secret, key)
            elif not secrets and len(envs) == 1 and last[0] and _THAT_SECRET.search(clause):
                # "..., `B` from the same Secret, key `b`": the key in the clause after
                after = clauses[index + 1] if index + 1 < len(clauses) else ""
                then = _KEY_CLAUSE.match(after)
                key = keys[0] if len(keys) == 1 else then.group("key") if then else last[1]
                c.add_secret(envs[0], last[0], key)
            elif not secrets and len(envs) == 1 and (said := _IS_KEY.search(clause)):
                # "... in the Secret `s`: A is key `a`, B is key `b`": the Secret named before
                c.add_secret(
                    said.group("env"), next(iter(only)) if len(only) == 1 else "", said.group("key")
                )
            elif not secrets and keyed and _FROM_KEY.search(clause):
                # "There is a secret `leantime-secrets`. ... read `A` from key `a` and `B` from
                # key `b`": each variable its key, of the one Secret the request names (which
                # the whole request tells, once every part is read).
                for m in _FROM_KEY.finditer(clause):
                    if m.group("key") in only:
                        continue
                    c.add_secret(
                        m.group("env"), next(iter(only)) if len(only) == 1 else "", m.group("key")
                    )
            if len(secrets) == 1:
                # "`A` from Secret `s` key `a`, `B` from the same Secret, key `b`": that one
                last = (next(iter(secrets)), keys[0] if len(keys) == 1 else "")
        named = secret_names(sentence)
        if len(named) == 1:
            keys = next((k for m in key_lists(sentence) if (k := key_names(m))), [])
            last = (next(iter(named)), keys[0] if len(keys) == 1 else "")


def _joined_at_semicolons(doc: Doc) -> list[tuple[int, int]]:
    """The document's sentences, those parted by a semicolon read as one: "a Secret `s` with
    the key `k`; pass it as `VAR`" says one thing."""
    joined: list[tuple[int, int]] = []
    for span in doc.sentences:
        if joined and doc.text[joined[-1][1] : span.start].strip() == ";":
            joined[-1] = (joined[-1][0], span.end)
        else:
            joined.append((span.start, span.end))
    return joined


_GIVEN_AS = re.compile(
    r"\b(?:pass|give|expose|mount)\s+(?:it|that|this)\s+(?:to\s+the\s+\w+\s+)?as\s+(?:the\s+|an?\s+)?"
    r"(?:env(?:ironment)?\s+)?(?:variable\s+)*`([A-Z][A-Z0-9_]{2,})`",
    re.I,
)
_SAME_SECRET = re.compile(
    r"\b(?:the\s+same|that|this)\s+secret\s+(?:also\s+)?(?:holds|has|contains|keeps|stores|carries)\b|"
    r"\b(?:in|from)\s+(?:the\s+same|that|this)\s+secret\b",
    re.I,
)


def one_secret_key(doc: Doc, c: ComponentDraft) -> None:
    """A sentence that names one secret variable, one Secret and one key ("DB_PASSWORD is in
    our Secret `immich-db`, key `password`") says where that variable's value lives."""
    stated = secret_names(doc.text)
    before: set[str] = set()
    for start, end in _joined_at_semicolons(doc):
        sentence = without_asides(doc.text[start:end])
        secrets = secret_names(sentence)
        if not secrets and len(before) == 1 and _SAME_SECRET.search(sentence):
            secrets = set(before)  # "The same Secret holds the Django key under `k`, for `A`"
        before = set(secrets)
        # "`ADMIN_PASSWORD` from `directus-keys` too": a Secret named elsewhere, by its name.
        secrets |= {m.group(1) for m in FROM_NAMED.finditer(sentence) if m.group(1) in stated}
        keys = single_keys(sentence)
        # "... key `connection`: pass it as the variable `POSTGRES_CONNECTION`": named for it
        given = _GIVEN_AS.findall(sentence)
        envs = given or [
            n
            for n in dict.fromkeys(ENV_NAME.findall(sentence))
            if n in c.secrets or is_secret_name(n)
        ]
        if len(secrets) == 1 and len(keys) == 1 and len(envs) == 1:
            c.add_secret(envs[0], next(iter(secrets)), next(iter(keys)))
