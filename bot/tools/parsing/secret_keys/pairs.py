"""Pairs written in one phrase: "DB_PASSWORD (key `password`)", "`A` from `s`/`k`", "`A` →
`key`" under one Secret, "keys `a` and `b`; map them to `A` and `B`"."""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.secret_keys.names import ENV_NAME, secret_names
from bot.tools.parsing.text import Doc

_INLINE = re.compile(
    r"`?(?P<env>[A-Z][A-Z0-9_]{2,})`?\s*\(\s*key\s+[`\"']?(?P<key>[\w.-]+)[`\"']?\s*\)|"
    r"`?(?P<env2>[A-Z][A-Z0-9_]{2,})`?\s+(?:from|in)\s+(?:the\s+|our\s+|an?\s+)?(?:existing\s+)?(?i:secret)\s+"
    r"[`\"']?(?P<secret2>[a-z0-9][a-z0-9.-]*)[`\"']?\s*(?:,|under|with)?\s*key\s+[`\"']?"
    r"(?P<key2>[\w.-]+)|"
    # "WEBPASSWORD from secret pihole-admin/password": the Secret and its key, kubectl-style
    r"`?(?P<env3>[A-Z][A-Z0-9_]{2,})`?\s+(?:from|in)\s+(?:the\s+|our\s+|an?\s+)?(?:existing\s+)?(?i:secret)\s+"
    r"[`\"']?(?P<secret3>[a-z0-9][a-z0-9.-]*)/(?P<key3>[\w.-]+)|"
    # "in the Secret `librechat-mongo` under the key `uri`, to be passed as `MONGO_URI`"
    # "in a Secret named `plex-claim` under the key `token`; pass it as `PLEX_CLAIM`"
    r"\b(?i:secret)\s+(?:named\s+|called\s+)?`(?P<secret5>[a-z0-9][a-z0-9.-]*)`\s*,?\s*(?:under\s+)?"
    r"(?:the\s+)?key\s+`(?P<key5>[\w.-]+)`\s*[,;]?\s*(?:and\s+)?(?:to\s+be\s+|is\s+)?(?:passed|"
    r"exposed|injected|provided|given|set|mapped|pass\s+it|expose\s+it|inject\s+it|give\s+it)\s+"
    r"(?:to\s+(?:the\s+)?(?:app|api|it)\s+)?as\s+"
    r"`?(?P<env5>[A-Z][A-Z0-9_]{2,})`?|"
    # "SECRET_KEY_BASE - I already created a secret for it, `dawarich-secrets`, key `skb`"
    r"(?<![\w`])(?P<env6>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])\b(?!\s*=)"
    r"(?:(?!\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b)[^.\n`=]){0,60}?\b(?i:secret)\b[^.\n`]{0,20}?"
    r"`(?P<secret6>[a-z0-9][a-z0-9.-]*)`\s*,?\s*(?:under\s+)?(?:the\s+)?(?i:key)\s+`(?P<key6>[\w.-]+)`|"
    # "`INFLUX_TOKEN` from `influxdb-auth`/`admin-token`"
    # "PGPASSWORD from `nakama-db`/`password`": the name may stand bare
    r"(?<![\w`])`?(?P<env4>[A-Z][A-Z0-9_]{2,})`?\s+from\s+(?:the\s+same\s+)?`(?P<secret4>[a-z0-9][a-z0-9.-]*)`?\s*/\s*`?"
    r"(?P<key4>[\w.-]+)`|"
    # "the password from `openemr-db`/`root-password` in the variable `MYSQL_PWD`"
    r"`(?P<secret7>[a-z0-9][a-z0-9.-]*)`\s*/\s*`(?P<key7>[\w.-]+)`\s+(?:in|into|as)\s+(?:the\s+)?"
    r"(?:env(?:ironment)?\s+)?(?:variable|var)\s+`(?P<env7>[A-Z][A-Z0-9_]{2,})`",
)

# "`SALT` → key `salt`, `ENCRYPTION_KEY` → `encryption-key`": variable → key, one Secret.
_ARROW = re.compile(
    # "- `JWT_SECRET` → env `JWT_SECRET` on server": the key, then the variable it becomes
    r"`(?P<key3>[\w.-]+)`\s*(?:→|->|=>)\s*(?:env(?:ironment)?\s+)(?:var(?:iable)?\s+)?"
    r"`(?P<env3>[A-Z][A-Z0-9_]{1,})`|"
    r"`(?P<env>[A-Z][A-Z0-9_]{1,})`\s*(?:→|->|=>|←|<-)\s*(?:key\s+)?`(?P<key>[\w.-]+)`|"
    # the other way round: "Keys: `secret-key-base` -> SECRET_KEY_BASE", "key `k` becomes `VAR`"
    # "`client-id` goes in GITHUB_CLIENT_ID and `client-secret` in GITHUB_CLIENT_SECRET"
    r"(?<![\w`])(?:key\s+)?`(?P<key2>[a-z0-9][\w.-]*)`\s*(?:→|->|=>|becomes|is\s+(?:exposed|passed)"
    r"\s+as|as|goes\s+(?:in|into|to)|in|into|for)\s+`?(?P<env2>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])`?"
)


# "`postal-db` key `password` → MAIN_DB_PASSWORD and MESSAGE_DB_PASSWORD": where the value
# lives, then the variables that read it.
_ARROW_ENV = r"`?[A-Z][A-Z0-9_]{2,}`?"
_SOURCE_ARROW = re.compile(
    r"`(?P<secret>[a-z0-9][a-z0-9.-]*)`\s*(?:,\s*)?(?:(?:under\s+)?key\s+|/\s*(?:key\s+)?)"
    r"`?(?P<key>[\w.-]+)`?"
    rf"\s*(?:→|->|=>)\s*(?P<envs>{_ARROW_ENV}(?:\s*(?:,|and|&)\s*{_ARROW_ENV})*)"
)


# "... in a Secret named `drone-secrets` under the keys `a`, `b` and `c`; map them to `A`, `B`
# and `C`": the keys and the variables, in the same order.
_CODES = r"`[^`\n]+`(?:\s*(?:,|and|&)\s*`[^`\n]+`)*"
_BARE_ENV = r"[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]"
_MAPPED = re.compile(
    rf"\bkeys\s+(?P<keys>{_CODES})[^.\n`]{{0,40}}?\b(?:map(?:ped)?|pass(?:ed)?|exposed?|read|"
    rf"set|injected?)\s+(?:them\s+|those\s+|these\s+)?(?:to|as|into|in)\s+(?P<envs>{_CODES}|"
    # "...; map them to WAKAPI_DB_PASSWORD and WAKAPI_PASSWORD_SALT"
    rf"{_BARE_ENV}(?:\s*(?:,|and|&)\s*{_BARE_ENV})*)",
    re.I,
)


def _mapped_keys(doc: Doc, c: ComponentDraft) -> None:
    for match in _MAPPED.finditer(doc.text):
        keys = re.findall(r"`([^`\n]+)`", match.group("keys"))
        envs = re.findall(r"`([^`\n]+)`", match.group("envs")) or re.findall(
            _BARE_ENV, match.group("envs")
        )
        window = doc.text[max(0, match.start() - 200) : match.start()]
        named = re.findall(
            r"\bsecret\s+(?:named\s+|called\s+)?`([a-z0-9][a-z0-9.-]*)`", window, re.I
        )
        if len(keys) != len(envs) or not all(ENV_NAME.fullmatch(e) for e in envs):
            continue
        secret = named[-1] if named else ""  # the Secret named last before the keys
        for env, key in zip(envs, keys, strict=True):
            c.add_secret(env, secret, key)


def _arrow_pairs(doc: Doc, c: ComponentDraft) -> None:
    """A sentence naming one Secret and listing "`VAR` → `key`" pairs: each var, its key."""
    name, end, lead = "", 0, False
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        pairs = list(_ARROW.finditer(sentence))
        secrets = secret_names(sentence)
        between = doc.text[end : span.start]
        if re.search(r"\n\s*\n", between) or ("\n" in between and not lead):
            name = ""  # a new paragraph, or a new item after one that named its own Secret
        end = span.end
        own = next(iter(secrets)) if len(secrets) == 1 else ""
        led = re.match(r"\W*`(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])`\s*:", sentence)
        if not secrets and pairs and led:
            own = led.group("name")  # "- `app-secrets`: `jwt-secret` → `JWT_SECRET`, ..."
        if own and not pairs:
            # "Existing secret `s`:" over a list of pairs, one per line; "... as secret `s`.
            # Keys: `a` -> A, `b` -> B" in the same item
            name, lead = own, sentence.rstrip().endswith(":")
        elif secrets and not own:
            name = ""
        # "- `TZ` → `Europe/Lisbon`" under a line that named a Secret for its own pairs: a value
        where = own or name
        named_at = _named_at(sentence)
        for pair in pairs:
            env, key = (
                pair.group("env") or pair.group("env2") or pair.group("env3"),
                pair.group("key") or pair.group("key2") or pair.group("key3"),
            )
            # "MinIO's from the Secret `m` (`a` -> `A`) and RabbitMQ's from `r` (`b` -> `B`)":
            # each pair reads the Secret named last before it
            before = [n for at, n in named_at if at < pair.start()]
            if before or where or pair.group("env3"):
                # "`K` → env `K` on server" under a line of the app's that named the Secret:
                # the key, wherever the Secret is said
                c.add_secret(env, before[-1] if len(named_at) > 1 and before else where, key)


# "the Secret `s`", "from `s` (": where a Secret is named in a sentence of several
_NAMED_AT = re.compile(
    r"\b(?i:secret)\s+(?:named\s+|called\s+)?`(?P<a>[a-z0-9][a-z0-9.-]*)`|"
    r"\bfrom\s+(?:the\s+)?`(?P<b>[a-z0-9][a-z0-9.-]*)`\s*\("
)


def _named_at(sentence: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group("a") or m.group("b")) for m in _NAMED_AT.finditer(sentence)]


def inline_pairs(doc: Doc, c: ComponentDraft) -> None:
    """Every pair the request writes in one phrase, each form in turn."""
    for match in _INLINE.finditer(doc.text):
        groups = ("", "2", "3", "4", "5", "6", "7")
        env = next(match.group(f"env{i}") for i in groups if match.group(f"env{i}"))
        key = next(match.group(f"key{i}") for i in groups if match.group(f"key{i}"))
        secret = next(
            (match.group(f"secret{i}") for i in groups[1:] if match.group(f"secret{i}")), ""
        )
        if secret:
            c.place_secret(env, secret, key.rstrip("."))
        else:
            c.add_secret(env, secret, key.rstrip("."))
    _arrow_pairs(doc, c)
    for match in _SOURCE_ARROW.finditer(doc.text):
        for env in re.findall(r"[A-Z][A-Z0-9_]{2,}", match.group("envs")):
            c.place_secret(env, match.group("secret"), match.group("key"))
    _mapped_keys(doc, c)
    for match in _SLASHED.finditer(doc.text):
        for env, key in (("a", "ka"), ("b", "kb")):
            c.add_secret(match.group(env), match.group("secret"), match.group(key))


# "`WHOOGLE_USER` / `WHOOGLE_PASS` → Secret `whoogle-auth`, keys `username` / `password`"
_SLASHED = re.compile(
    r"`(?P<a>[A-Z][A-Z0-9_]{2,})`\s*/\s*`(?P<b>[A-Z][A-Z0-9_]{2,})`\s*(?:→|->|=>|from|in)\s*"
    r"(?:the\s+)?(?:existing\s+)?(?i:secret)\s+`(?P<secret>[a-z0-9][a-z0-9.-]*)`\s*,?\s*"
    r"(?i:keys?)\s+`(?P<ka>[\w.-]+)`\s*(?:/|,|and)\s*`(?P<kb>[\w.-]+)`"
)
