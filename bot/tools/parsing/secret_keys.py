"""Which Secret and key each secret variable reads, however the request pairs them.

"DB_PASSWORD (key `password`)", "`A` and `B` from Secret `s`, keys `a` and `b`", "the same key
names", "the two passwords come from `p` (keys `user` and `admin`)", "the JWT secret and the DB
password live in `s`" and a sentence that points back at the variables of the one before ("read
both from our existing secret") all say where a value lives; the variable reads it from there.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import ComponentDraft
from bot.tools.parsing.secrets import is_secret_name
from bot.tools.parsing.text import ENV_VAR, Doc, in_code_span, without_asides

_SECRET_KEY = re.compile(
    r"`?(?P<env>[A-Z][A-Z0-9_]{2,})`?\s*\(\s*key\s+[`\"']?(?P<key>[\w.-]+)[`\"']?\s*\)|"
    r"`?(?P<env2>[A-Z][A-Z0-9_]{2,})`?\s+(?:from|in)\s+(?:the\s+)?(?:existing\s+)?secret\s+"
    r"[`\"']?(?P<secret2>[a-z0-9][a-z0-9.-]*)[`\"']?\s*(?:,|under|with)?\s*key\s+[`\"']?"
    r"(?P<key2>[\w.-]+)|"
    # "WEBPASSWORD from secret pihole-admin/password": the Secret and its key, kubectl-style
    r"`?(?P<env3>[A-Z][A-Z0-9_]{2,})`?\s+(?:from|in)\s+(?:the\s+)?(?:existing\s+)?secret\s+"
    r"[`\"']?(?P<secret3>[a-z0-9][a-z0-9.-]*)/(?P<key3>[\w.-]+)|"
    # "in the Secret `librechat-mongo` under the key `uri`, to be passed as `MONGO_URI`"
    r"\b(?i:secret)\s+`(?P<secret5>[a-z0-9][a-z0-9.-]*)`\s*,?\s*(?:under\s+)?(?:the\s+)?key\s+"
    r"`(?P<key5>[\w.-]+)`\s*,?\s*(?:and\s+)?(?:to\s+be\s+|is\s+)?(?:passed|exposed|injected|"
    r"provided|given|set|mapped)\s+(?:to\s+(?:the\s+)?(?:app|api|it)\s+)?as\s+"
    r"`?(?P<env5>[A-Z][A-Z0-9_]{2,})`?|"
    # "SECRET_KEY_BASE - I already created a secret for it, `dawarich-secrets`, key `skb`"
    r"(?<![\w`])(?P<env6>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])\b(?!\s*=)"
    r"(?:(?!\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b)[^.\n`=]){0,60}?\b(?i:secret)\b[^.\n`]{0,20}?"
    r"`(?P<secret6>[a-z0-9][a-z0-9.-]*)`\s*,?\s*(?:under\s+)?(?:the\s+)?(?i:key)\s+`(?P<key6>[\w.-]+)`|"
    # "`INFLUX_TOKEN` from `influxdb-auth`/`admin-token`"
    r"`(?P<env4>[A-Z][A-Z0-9_]{2,})`\s+from\s+`(?P<secret4>[a-z0-9][a-z0-9.-]*)`?\s*/\s*`?"
    r"(?P<key4>[\w.-]+)`",
)
# A variable's name; a one-word name counts when it is written as code ("`ADMINPASS`").
_ENV_NAME_RE = re.compile(rf"(?<![\w$])(?:{ENV_VAR}|(?<=`)[A-Z][A-Z0-9]{{2,}}(?=`))(?![\w])")
# "the API key is `TYPESENSE_API_KEY`" names a credential and its variable, not a Secret's key.
_CREDENTIAL_KEY = r"(?<!api )(?<!license )(?<!access )(?<!signing )(?<!encryption )"
_KEYS = re.compile(
    _CREDENTIAL_KEY
    + r"\bkeys?\s*(?:(?:[:=]|\bis\b|\bare\b)\s*)?(?:named\s+|called\s+)?"
    + r"(?!(?:are|is|was|and|or|the|"
    r"an?|of|in|for|to|from|with|names?)\b)(?P<keys>(?:`[^`]+`|[\w.-]+)(?:\s*(?:,|and|&|\+)\s*"
    r"(?:`[^`]+`|[\w.-]+))*)",
    re.I,
)
_SAME_KEYS = re.compile(
    r"\bsame\s+(?:key\s*)?names?\b|\bkeys?\s+(?:named|called)\s+(?:like|after)\s+the|"
    r"\bkeys?\s+(?:named\s+)?(?:as|like)\s+the\s+variables?\b",
    re.I,
)


def read_secret_keys(doc: Doc, c: ComponentDraft) -> None:
    """Keys inside the Secrets the request names: "(key `fernet-key`)", "with keys `a` and
    `b`" (in the order of the variables), "with the same key names"."""
    text = doc.text
    for match in _SECRET_KEY.finditer(text):
        groups = ("", "2", "3", "4", "5", "6")
        env = next(match.group(f"env{i}") for i in groups if match.group(f"env{i}"))
        key = next(match.group(f"key{i}") for i in groups if match.group(f"key{i}"))
        secret = next(
            (match.group(f"secret{i}") for i in groups[1:] if match.group(f"secret{i}")), ""
        )
        c.add_secret(env, secret, key.rstrip("."))
    _arrow_pairs(doc, c)
    for match in _SOURCE_ARROW.finditer(text):
        for env in re.findall(r"[A-Z][A-Z0-9_]{2,}", match.group("envs")):
            c.add_secret(env, match.group("secret"), match.group("key"))
    _mapped_keys(doc, c)
    _clause_pairs(doc, c)
    _one_secret_key(doc, c)
    _counted_secrets(doc, c)
    _described_secrets(doc, c)
    previous: list[str] = []
    for index, span in enumerate(doc.sentences):
        sentence = text[span.start : span.end]
        in_secret = bool(_secret_names(sentence))  # "`KEY` and `SECRET` are in the secret x"
        named = [
            n
            for n in dict.fromkeys(_ENV_NAME_RE.findall(sentence))
            if (n in c.secrets or in_secret)
            and not (c.env.get(n) and not is_secret_name(n))  # "`KEILA_USER` = `x`": a value
        ]
        follows = index > 0 and "\n" not in text[doc.sentences[index - 1].end : span.start]
        envs = named or (previous if follows and _BACK.search(sentence) else [])
        said = list(dict.fromkeys(_ENV_NAME_RE.findall(sentence)))
        goes = _IT_GOES.search(sentence)
        said = [goes.group("env")] if goes else said
        if said and follows and (goes or _SAME_KEY.search(sentence)):
            # "The JAAS line is in the secret `s`, key `k`. Set A, B and C, all from that key."
            # "... (key `password`). It needs to end up in `DB_PASS`."
            before = text[doc.sentences[index - 1].start : doc.sentences[index - 1].end]
            where, keys = _secret_names(before), _single_keys(before)
            if len(where) == 1 and len(keys) == 1:
                for name in said:
                    c.add_secret(name, next(iter(where)), next(iter(keys)))
                previous = said
                continue
        previous = named
        if not envs or not re.search(r"\bkeys?\b|\bsame\s+names\b", sentence, re.I):
            continue
        if _SAME_KEYS.search(sentence):
            for name in envs:
                c.add_secret(name, "", name)
            continue
        for listed in _key_lists(sentence):
            names = _key_names(listed)
            if len(names) == len(envs):
                secrets = _secret_names(sentence)
                secret = next(iter(secrets)) if len(secrets) == 1 else ""
                for env, key in zip(envs, names, strict=True):
                    c.add_secret(env, secret, key)
                break


# "all from that key"; "from the key `k`" names a key of its own
# "... (key `password`). It needs to end up in `DB_PASS`": the value the sentence before placed
_IT_GOES = re.compile(
    r"\b(?:it|that|this)\s+(?:needs\s+to\s+|has\s+to\s+|should\s+|must\s+|will\s+)?"
    r"(?:end\s+up|go(?:es)?|be\s+(?:passed|exposed|handed\s+over|read))\s+(?:in|into|as|to)\s+"
    r"(?:the\s+)?(?:variable\s+|env\s+)?`?(?P<env>[A-Z][A-Z0-9_]{2,})`?"
)
_SAME_KEY = re.compile(
    r"\b(?:all\s+)?from\s+(?:that|the|this)\s+(?:same\s+)?key\b(?!\s*[`\"'])", re.I
)
# "Please read both from our existing secret": the variables of the sentence before.
_BACK = re.compile(r"\b(?:both|them|these|those|each|all three|all of them)\b", re.I)
_IN_SECRET = re.compile(
    r"\bsecret\s+(?:existing\s+)?(?:named\s+|called\s+)?[`\"']?(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])[`\"']?",
    re.I,
)
_ONE_KEY = re.compile(
    _CREDENTIAL_KEY
    + r"\bkey\s*(?:[:=]\s*|\s+(?:is\s+|named\s+|called\s+|under\s+)?)"
    + r"(?!(?:are|is|was|and|or|the|an?|of|in|for|to|from|with|kept|stored|holds?|has|"
    + r"contains?|which|that|under|inside|at)\b)"
    + r"[`\"']?(?P<key>[\w.-]+)[`\"']?",
    re.I,
)
# "its `uri` key holds the connection string": the key's name said before the word
_KEY_BEFORE = re.compile(r"`(?P<key>[\w.-]+)`\s+key\b(?!\s*`)")


def _single_keys(text: str) -> set[str]:
    """The keys ``text`` names one at a time: "key `k`", "its `k` key"."""
    found = {m.group("key").rstrip(".") for m in _ONE_KEY.finditer(text)}
    return found | {m.group("key") for m in _KEY_BEFORE.finditer(text)}


_FROM_NAMED = re.compile(r"\bfrom\s+`([a-z0-9][a-z0-9.-]*[a-z0-9])`")
# Words after "secret" that go on the sentence: "its secret key material", "secret values are".
_NOT_NAMES = frozenset(
    """named called the with and for from that which key keys material value values is are was
    should must will tooling store manager management data file files string of in to it holds
    has contains keeps stores carries also too""".split()
)


# "`SALT` → key `salt`, `ENCRYPTION_KEY` → `encryption-key`": variable → key, one Secret.
_ARROW = re.compile(
    r"`(?P<env>[A-Z][A-Z0-9_]{1,})`\s*(?:→|->|=>|←|<-)\s*(?:key\s+)?`(?P<key>[\w.-]+)`|"
    # the other way round: "Keys: `secret-key-base` -> SECRET_KEY_BASE", "key `k` becomes `VAR`"
    # "`client-id` goes in GITHUB_CLIENT_ID and `client-secret` in GITHUB_CLIENT_SECRET"
    r"(?<![\w`])(?:key\s+)?`(?P<key2>[a-z0-9][\w.-]*)`\s*(?:→|->|=>|becomes|is\s+(?:exposed|passed)"
    r"\s+as|as|goes\s+(?:in|into|to)|in|into)\s+`?(?P<env2>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])`?"
)


# "`postal-db` key `password` → MAIN_DB_PASSWORD and MESSAGE_DB_PASSWORD": where the value
# lives, then the variables that read it.
_ARROW_ENV = r"`?[A-Z][A-Z0-9_]{2,}`?"
_SOURCE_ARROW = re.compile(
    r"`(?P<secret>[a-z0-9][a-z0-9.-]*)`\s*(?:,\s*)?(?:(?:under\s+)?key\s+|/\s*)`?(?P<key>[\w.-]+)`?"
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
        if len(keys) != len(envs) or not all(_ENV_NAME_RE.fullmatch(e) for e in envs):
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
        secrets = _secret_names(sentence)
        between = doc.text[end : span.start]
        if re.search(r"\n\s*\n", between) or ("\n" in between and not lead):
            name = ""  # a new paragraph, or a new item after one that named its own Secret
        end = span.end
        own = next(iter(secrets)) if len(secrets) == 1 else ""
        if own and not pairs:
            # "Existing secret `s`:" over a list of pairs, one per line; "... as secret `s`.
            # Keys: `a` -> A, `b` -> B" in the same item
            name, lead = own, sentence.rstrip().endswith(":")
        elif secrets and not own:
            name = ""
        # "- `TZ` → `Europe/Lisbon`" under a line that named a Secret for its own pairs: a value
        where = own or name
        for pair in pairs if where else []:
            env, key = (
                pair.group("env") or pair.group("env2"),
                pair.group("key") or pair.group("key2"),
            )
            c.add_secret(env, where, key)


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


def _clauses(sentence: str) -> list[str]:
    """The sentence's clauses: a part between ", and"s that names one Secret and as many keys
    as variables stays whole; any other part is cut at its commas."""
    out: list[str] = []
    for part in _PAIRS_SPLIT.split(sentence):
        envs = set(_ENV_NAME_RE.findall(re.sub(r"`[^`]*=[^`]*`", "", part)))
        keys = next((k for m in _key_lists(part) if (k := _key_names(m))), [])
        whole = len(_secret_names(part)) == 1 and len(envs) >= 2 and len(keys) == len(envs)
        out += [part] if whole else _CLAUSE.split(part)
    return out


def _clause_pairs(doc: Doc, c: ComponentDraft) -> None:
    """Pairs stated clause by clause in a longer sentence: "`A` from that secret, `B` and `C`
    from the secret `s` (keys `b` and `c`), `D=1`": "that secret" is the one (and its key) the
    sentence before named."""
    last: tuple[str, str] = ("", "")
    only = named_secrets(doc.text)
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        # "the key storage: ... key `password`": where keys are written as code, a bare word
        # after "key" is prose.
        coded = any("`" in m.group("keys") for m in _key_lists(sentence))
        keyed = any(m.group("said") for m in _FROM_KEY.finditer(sentence))
        for clause in _clauses(sentence):
            envs = list(dict.fromkeys(_ENV_NAME_RE.findall(re.sub(r"`[^`]*=[^`]*`", "", clause))))
            secrets = _secret_names(clause)
            lists = [m for m in _key_lists(clause) if "`" in m.group("keys") or not coded]
            keys = next((k for m in lists if (k := _key_names(m))), [])
            if len(secrets) == 1 and envs and len(keys) == len(envs):
                secret = next(iter(secrets))
                for env, key in zip(envs, keys, strict=True):
                    c.add_secret(env, secret, key)
            elif not secrets and len(envs) == 1 and last[0] and _THAT_SECRET.search(clause):
                c.add_secret(envs[0], last[0], keys[0] if len(keys) == 1 else last[1])
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
        named = _secret_names(sentence)
        if len(named) == 1:
            keys = next((k for m in _key_lists(sentence) if (k := _key_names(m))), [])
            last = (next(iter(named)), keys[0] if len(keys) == 1 else "")


def named_secrets(text: str) -> set[str]:
    """The Secrets a text names for the app's variables (a certificate's Secret is no such)."""
    return {n for n in _secret_names(text) if not re.search(r"tls|cert", n, re.I)}


# "the `jellyseerr-db` Secret": the name said before the word
_SECRET_BEFORE = re.compile(r"\bthe\s+`(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])`\s+secret\b", re.I)


def _secret_names(sentence: str) -> set[str]:
    return {
        m.group("name")
        for m in [*_IN_SECRET.finditer(sentence), *_SECRET_BEFORE.finditer(sentence)]
        if m.group("name").lower() not in _NOT_NAMES
    }


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


_SAME_SECRET = re.compile(
    r"\b(?:the\s+same|that|this)\s+secret\s+(?:also\s+)?(?:holds|has|contains|keeps|stores|carries)\b",
    re.I,
)


def _one_secret_key(doc: Doc, c: ComponentDraft) -> None:
    """A sentence that names one secret variable, one Secret and one key ("DB_PASSWORD is in
    our Secret `immich-db`, key `password`") says where that variable's value lives."""
    stated = _secret_names(doc.text)
    before: set[str] = set()
    for start, end in _joined_at_semicolons(doc):
        sentence = without_asides(doc.text[start:end])
        secrets = _secret_names(sentence)
        if not secrets and len(before) == 1 and _SAME_SECRET.search(sentence):
            secrets = set(before)  # "The same Secret holds the Django key under `k`, for `A`"
        before = set(secrets)
        # "`ADMIN_PASSWORD` from `directus-keys` too": a Secret named elsewhere, by its name.
        secrets |= {m.group(1) for m in _FROM_NAMED.finditer(sentence) if m.group(1) in stated}
        keys = _single_keys(sentence)
        envs = [
            n
            for n in dict.fromkeys(_ENV_NAME_RE.findall(sentence))
            if n in c.secrets or is_secret_name(n)
        ]
        if len(secrets) == 1 and len(keys) == 1 and len(envs) == 1:
            c.add_secret(envs[0], next(iter(secrets)), next(iter(keys)))


_COUNTED = re.compile(
    r"\b(?:the\s+)?(?P<n>two|three|four|both|\d)\s+(?P<kind>passwords|secrets|tokens|keys)\b", re.I
)


def _counted_secrets(doc: Doc, c: ComponentDraft) -> None:
    """ "The two passwords come from the Secret `neko-passwords` (keys `user` and `admin`)":
    the workload's secret variables of that kind, in order, read those keys of that Secret."""
    for span in doc.sentences:
        sentence = doc.text[span.start : span.end]
        counted = _COUNTED.search(sentence)
        secrets = {m.group("name") for m in _IN_SECRET.finditer(sentence)} - _NOT_NAMES
        if not counted or len(secrets) != 1 or _ENV_NAME_RE.search(sentence):
            continue
        number = {"two": 2, "both": 2, "three": 3, "four": 4}.get(counted.group("n").lower())
        number = number or int(counted.group("n"))
        kind = counted.group("kind").lower().rstrip("s")
        open_ = [
            name
            for name, ref in c.secrets.items()
            if not ref.secret_name and (kind in ("secret", "key") or kind in name.lower())
        ]
        listed = next(
            (k for m in _KEYS.finditer(sentence) if len(k := _key_names(m)) == number), []
        )
        if len(open_) == number and listed:
            secret = secrets.pop()
            for name, key in zip(open_, listed, strict=True):
                c.add_secret(name, secret, key)


# "the JWT secret and the DB password live in the Secret `x`": what each value is, then where.
# Read in two steps, the subject up to its verb and then where the value lives, so that a long
# clause (a pasted file has few full stops) costs one pass per verb, not one per subject length.
_VERB = re.compile(r"\s+(?:are|is|live|lives|sit|sits|come|comes|stored|kept)\b", re.I)
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


def _described_secrets(doc: Doc, c: ComponentDraft) -> None:
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
        if not described or _ENV_NAME_RE.search(described[0]):
            continue
        subject, secret = described
        phrases = [p for p in re.split(r",|\band\b", subject) if p.strip()]
        found = [_variable_for(p, c) for p in phrases]
        if not found or any(f is None for f in found) or len(set(found)) != len(found):
            continue
        keys = next(
            (k for m in _KEYS.finditer(sentence) if len(k := _key_names(m)) == len(found)), []
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


def _key_lists(sentence: str) -> list[re.Match[str]]:
    """The "keys `a` and `b`" lists of a sentence; the word inside a code span ("`KEY`",
    "`directus-keys`") names a variable or a Secret, not keys. Keys written as code come first:
    "the key storage: ... key `password`" names one key, not two."""
    found = []
    for word in re.finditer(r"\bkeys?\b", sentence, re.I):
        if not in_code_span(sentence, word.start()):
            listed = _KEYS.match(sentence, word.start())
            if listed:
                found.append(listed)
    return sorted(found, key=lambda m: "`" not in m.group("keys"))


_NOT_KEYS = frozenset(
    "and or are is was were be kept stored held live lives sit sits in of the a an for to from "
    "with under inside goes go come comes".split()
)


def _key_names(match: re.Match[str]) -> list[str]:
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
