"""Environment variables and Secret references, in every way a request writes them.

``NAME=value`` and ``NAME: value`` lines, "set NAME to value", lowercase code spans in a list
of variables ("`url=https://blog.example`"), variables named in a sentence about secrets
("`API_KEY` comes from the Secret `app`"), and values pasted in prose ("the admin password is
...", already redacted), named by what the sentence says they are for. Spans read here are
blanked, so later readers do not take a value for a port or a host.
"""

from __future__ import annotations

import re

from bot.tools.parsing.draft import Draft
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.secret_values import names_a_method
from bot.tools.parsing.secrets import REDACTED, is_secret_name
from bot.tools.parsing.text import ENV_VAR, OWN_SPELLING, Doc, list_lead, replaced_at

_NOT_ENV = frozenset(
    {
        "TLS",
        "HTTPS",
        "SSL",
        "REPLICAS",
        "CPU",
        "MEMORY",
        "RAM",
        "IMAGE",
        "INGRESS",
        "SCHEDULE",
        "NAME",
        "CRON",
        "TYPE",
        "KIND",
        "WORKLOAD",
    }
)
_ASSIGN = re.compile(
    r"(?<![\w.$-])(?:export\s+)?(?P<name>[A-Z][A-Z0-9]+_[A-Za-z0-9_]*[A-Za-z0-9]|"
    r"[A-Z][A-Z0-9_]*[A-Z0-9]|[A-Za-z][A-Za-z0-9_]*?__[\w]+)"
    # "`KEILA_USER` = `admin@example.com`": the name and the value each in code
    r"(?:`(?=\s?=\s?`))?\s?=\s?"
    # a JSON list as written; "SCOPES=openid,email,profile" keeps its commas, "A=1,B=2" is two
    # "DB_CONNECTION_STRING=<bundled mongodb>/uptime_db": a placeholder in words, for the chart
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|`[^`\n]*`|\[[^\]\n]*\]|[^\s<>=,;`]*<[^<>\n]{1,50}>[^\s,;`]*|"
    r"[^\s,;`]*(?:,[^\s,;`=]+(?![\w]*=))*)"
)
# "KONG_PROXY_LISTEN=0.0.0.0:8000, 0.0.0.0:8443 ssl" alone on its line (an env file): the value
# runs to the end of the line.
_ENV_LINE = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<name>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])="
    r"(?P<value>[^\n=`\"']*?,[ \t][^\n=`]*?)[ \t]*$|"
    # "KAFKA_HEAP_OPTS=-Xms1g -Xmx3g" among other such lines (an env file): flags with spaces
    # "AUTH_SUPPORTED_SCOPES=openid profile email groups" among them: words with spaces
    r"(?<=[A-Za-z0-9_\"']\n)(?P<name2>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])=(?P<value2>-[^\n=`\"']*|"
    r"[\w.-]+(?:[ \t]+[\w.-]+)+)$",
    re.M,
)
# "`MAIL_FROM=Wekan Notificaciones <noreply@ejemplo.es>`": one setting, to the closing backtick.
# "set `DISABLE_HTTPS: "True"`": a compose-style setting in code, as the file would say it.
_CODE_ENV = re.compile(
    # "`ENABLE=careportal rawbg iob`": a one-word name too, in code with its whole value
    r"`(?P<name>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]|[A-Z][A-Z0-9]{2,})=(?P<value>[^`\n]* [^`\n]*)`|"
    r"`(?P<name2>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]):\s+(?P<value2>\"[^\"`\n]*\"|'[^'`\n]*'|[^\s`][^`\n]*)`"
)
_CAMEL_CODE_ENV = re.compile(r"`(?P<name>[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*)=(?P<value>[^\s`=]+)`")
_ENV_LABEL = re.compile(
    r"[ \t]*(?:[-*+][ \t]+)?(?:env(?:ironment)?(?:\s+variables?)?|variables?|settings)\b[^:\n]*:",
    re.I,
)
# "labelled `gpu=nvidia`", "tainted `dedicated=gpu:NoSchedule`": a node's label, not a setting
_NOT_SETTING = re.compile(
    r"\b(?:label(?:l?ed|s)?|taint(?:ed|s)?|selector|annotat\w*)\b[^.\n]*$", re.I
)
_COLON = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?P<name>[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])[ \t]*:[ \t]*"
    r"(?P<value>[^\n]*?)[ \t]*$",
    re.M,
)
# "TZ, which should be America/Chicago", "PUID and PGID (both 1000 for me)": a value said
# in words after the variable's name.
_SHOULD_BE = re.compile(
    r"(?<![\w$-])`?(?P<name>[A-Z][A-Z0-9_]{1,})`?,?\s+(?:which\s+|that\s+)?(?:(?:should|must|"
    r"needs?\s+to)\s+be\s+(?:set\s+to\s+)?|(?:we|I)\s+(?:will\s+)?set\s+(?:it\s+)?to\s+|"
    # "`MQTT_BROKER_HOST` is simply `mosquitto.iot.svc.cluster.local`"
    # "`TZ` set to `Europe/Amsterdam`"
    r"(?<=`\s)(?:is\s+(?:simply\s+|just\s+|always\s+)?|set\s+to\s+)(?=`))"
    r"(?P<value>`[^`\n]+`|[^\s,;]+)"
)
# "with `DB_PORT` 3306, `SOCKETIO_PORT` 9000": a number (or a boolean) right after the name,
# in a list of settings
_BARE_VALUE = re.compile(
    r"`(?P<name>[A-Z][A-Z0-9]*_[A-Z0-9_]+)`\s+(?P<value>\d+(?:\.\d+)?(?:[KMGT]i?|[smh])?|true|false)"
    r"(?=\s*(?:,|;|\)|\band\b|\.(?:\s|$)|$))"
)
# "CANONICAL_URL and FRONTEND_ORIGIN both https://speckle.example.com"
_BOTH_SAID = re.compile(
    r"(?<![\w$-])`?(?P<a>[A-Z][A-Z0-9]*_[A-Z0-9_]+)`?\s+and\s+`?(?P<b>[A-Z][A-Z0-9]*_[A-Z0-9_]+)`?\s+"
    r"(?:are\s+)?both\s+(?:set\s+to\s+|=\s*)?(?P<value>`[^`\n]+`|[^\s,;`]+)"
)
_BOTH = re.compile(
    r"(?<![\w$-])`?(?P<a>[A-Z][A-Z0-9_]{2,})`?\s+and\s+`?(?P<b>[A-Z][A-Z0-9_]{2,})`?\s*"
    r"\(\s*both\s+(?:set\s+to\s+|are\s+)?(?P<value>[\w./:-]+)[^)\n]{0,20}\)"
)
# "PUID/PGID 1000": two variables, one value.
_PAIR = re.compile(
    r"(?<![\w$/-])`?(?P<a>[A-Z][A-Z0-9]{2,}(?:_[A-Z0-9]+)*)/(?P<b>[A-Z][A-Z0-9]{2,}(?:_[A-Z0-9]+)*)"
    r"(?![\w/])`?\s*(?:=|:|are|both)?\s*(?P<value>\d+\b|`[^`\n]+`)"
)
_SET_TO = re.compile(
    r"\b(?:[Ss]et\s+|(?<=[`\s\d]),?\s*and\s+(?=`[A-Z]))`?(?P<name>[A-Z][A-Z0-9_]+)`?\s+to\s+"
    r"(?!(?:it|that|this|them|the|an?)\b)"
    r"(?P<value>\"[^\"\n]*\"|`[^`\n]*`|[^\s`]+)"
)
# "TZ Europe/Amsterdam": the time zone said right after its variable.
# "- `TZ` → `Europe/Lisbon`", going down a pasted table of variables: each its value.
_ARROW_VALUE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?`(?P<name>[A-Z][A-Z0-9_]{1,})`[ \t]*(?:→|->|=>)[ \t]*"
    r"`(?P<value>[^`\n]+)`(?![ \t]*(?:→|->|=>))",
    re.M,
)
_TZ = re.compile(
    r"(?<![\w$-])`?(?P<name>TZ)`?\s+(?P<value>[A-Z][a-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?)\b"
)
_UPPER_NAME = re.compile(rf"(?<![\w.$-])(?:{ENV_VAR}|[A-Z][A-Z0-9]{{5,}})\b")
_CAPABILITIES = re.compile(r"^(?:CAP_)?(?:NET|SYS|IPC|DAC|AUDIT|MAC|LINUX|WAKE|BLOCK)_[A-Z_]+$")
_SECRET_SOURCE = re.compile(
    r"\b(?:from|in|into|via|as)\s+(?:the\s+|an?\s+|our\s+|their\s+|my\s+)?(?:existing\s+)?"
    r"(?:kubernetes\s+|k8s\s+)?"
    r"secret\s+(?:existing\s+)?(?:(?:that\s+|which\s+)?(?:we|you|they|i)\s+(?:already\s+|just\s+)?"
    r"(?:create|created|made|make|manage|keep|own)"
    r"(?:\s+ourselves|\s+themselves|\s+ourself|\s+myself|\s+by\s+hand|\s+manually)?\s*[:,]\s*|"
    r"named\s+|called\s+|"
    r"(?:that|which)\s+already\s+exists?,?\s+)?"
    r"[`\"']?(?P<a>[a-z0-9][a-z0-9.-]*[a-z0-9])|\bexisting[\s-]"
    r"secret\s*(?:[:=]|named|called|is)?\s*[`\"']?(?P<b>[a-z0-9][a-z0-9.-]*[a-z0-9])|\bsecret "
    r"(?:named|called)\s+[`\"']?(?P<c>[a-z0-9][a-z0-9.-]*[a-z0-9])|"
    # "in the `shows-mail` Secret": the name said before the word
    r"\bthe\s+`(?P<d>[a-z0-9][a-z0-9.-]*[a-z0-9])`\s+secret\b|"
    # "RabbitMQ credentials from `opencti-rabbitmq` (`username` -> `RABBITMQ__USERNAME`)"
    r"\bcredentials\s+(?:come\s+)?from\s+(?:the\s+)?`(?P<e>[a-z0-9][a-z0-9.-]*[a-z0-9])`",
    re.I,
)
_NOT_SECRET_NAMES = frozenset(
    {
        "named",
        "called",
        "the",
        "with",
        "and",
        "for",
        "from",
        "that",
        "which",
        "keys",
        "key",
        "values",
        "value",
    }
)


def _clean(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        return value[1:-1]
    value = value.rstrip(".,:;")
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(".,:;")  # "(WEBLATE_SERVICE=web):" closes the aside
    return value


# A value that says where the value lives: "secret `s` / `k`", "from Secret s, key k"
_SECRET_VALUE = re.compile(
    r"(?:from\s+)?(?:the\s+)?(?:existing\s+)?(?i:secret)\s+`?(?P<secret>[a-z0-9][a-z0-9.-]*[a-z0-9])`?"
    r"\s*(?:/|,?\s*(?i:key))\s*`?(?P<key>[\w.-]+)`?"
    r"(?:\s*\([^()]*\))?"  # "... key `password-hash` (the bcrypt hash is already in there)"
)


def read_env(doc: Doc, draft: Draft, env_section: bool = False) -> None:
    """Add env vars and Secret references; blank their spans so values are not read again."""
    text = doc.masked
    spans: list[tuple[int, int]] = []
    for pattern in (_CODE_ENV, _ENV_LINE, _ASSIGN, _COLON, _SET_TO, _TZ, _ARROW_VALUE):
        for match in pattern.finditer(text):
            name = match.group("name") or match.groupdict().get("name2")
            if name in _NOT_ENV or any(s <= match.start() < e for s, e in spans):
                continue
            # "> | `-e TZ=Europe/London` |": quoted docs, a `docker run` flag, give an example
            # the request may replace
            line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            if re.match(r"[ \t]*(?:>[ \t]*)*#", line):
                continue  # "# OLLAMA_BASE_PATH='...'" in a pasted .env.example: switched off
            quoted = line.lstrip().startswith(">") or bool(re.search(r"(?:-e|--env)[ =]`?$", line))
            value = match.group("value") or match.groupdict().get("value2") or ""
            if held := _SECRET_VALUE.fullmatch(_clean(value)):
                # "| OPENFGA_DATASTORE_URI | secret `openfga-datastore` / `uri` |": a reference
                draft.target.add_secret(name, held.group("secret"), held.group("key"))
            else:
                draft.target.add_env(name, _clean(value), pasted=quoted)
            spans.append((match.start(), match.end()))
    camel = [
        m
        for m in _CAMEL_CODE_ENV.finditer(text)
        if not _NOT_SETTING.search(text[max(0, m.start() - 40) : m.start()])
        and not any(s <= m.start() < e for s, e in spans)
    ]
    lines = [text[text.rfind("\n", 0, m.start()) + 1 : m.start()] for m in camel]
    if any(not name.isupper() for name in draft.target.env) or any(
        _ENV_LABEL.match(line) for line in lines
    ):
        # "env: `serverIP=0.0.0.0`, `serverPort=8266`" then "set `internalNode=false`": the
        # app's settings are spelled in camelCase, so its other `name=value` spans are too
        for match in camel:
            draft.target.add_env(match.group("name"), match.group("value"))
            spans.append((match.start(), match.end()))
    if env_section:
        for match in re.finditer(
            # "Java_Xms=512m" under an env heading: the app's own spelling of its variable
            # "`SSL=true`" on its own line: the code span is the whole setting
            r"^[ \t]*(?:[-*+][ \t]+)?(?P<tick>`?)"
            r"(?P<name>[A-Z][A-Z0-9_]*|[A-Za-z_][A-Za-z0-9_]*(?=[ \t]*=))"
            r"[ \t]*[:=][ \t]*"
            r"(?P<value>[^\n`]*?)(?P=tick)[ \t]*$",
            text,
            re.M,
        ):
            if not any(s <= match.start() < e for s, e in spans):
                draft.target.add_env(match.group("name"), _clean(match.group("value")))
                spans.append((match.start(), match.end()))
    for match in _SHOULD_BE.finditer(text):
        value = _clean(match.group("value")).rstrip(".,;)")
        coded = match.group("value").startswith("`") and text[match.start()] == "`"
        if (
            # "`SCREENSCRAPER_USER` set to `romm-homelab`": both in code, the value is a value
            (coded or re.search(r"[\d/.:]|^(?:true|false|yes|no)$", value, re.I))
            and not any(s <= match.start() < e for s, e in spans)
            and match.group("name") not in _NOT_ENV
        ):
            draft.target.add_env(match.group("name"), value)
            spans.append((match.start(), match.end()))
    for match in _BARE_VALUE.finditer(text):
        if not any(s <= match.start() < e for s, e in spans):
            draft.target.add_env(match.group("name"), match.group("value"))
            spans.append((match.start(), match.end()))
    for match in [*_BOTH.finditer(text), *_BOTH_SAID.finditer(text)]:
        if not any(s <= match.start() < e for s, e in spans):
            for name in (match.group("a"), match.group("b")):
                draft.target.add_env(name, _clean(match.group("value")))
            spans.append((match.start(), match.end()))
    for match in _PAIR.finditer(text):
        coded = text[match.start()] == "`"
        if not coded and min(len(match.group("a")), len(match.group("b"))) < 4:
            continue  # "runs as UID/GID 1000" says who it runs as, not two variables
        if not any(s <= match.start() < e for s, e in spans):
            for name in (match.group("a"), match.group("b")):
                draft.target.add_env(name, _clean(match.group("value")))
            spans.append((match.start(), match.end()))
    spans += _code_assignments(doc, draft, spans)
    for start, end in spans:
        doc.mask(start, end)
    _pasted_secrets(doc, draft)
    _secret_names(doc, draft, env_section)


# "`url=https://blog.example`" in a list of environment variables: apps configured by variables
# name them as they like (Ghost's `url`, `database__client`).
_CODE_ASSIGN = re.compile(r"`(?P<name>[a-z][A-Za-z0-9_]*)=(?P<value>[^`\n]*)`")
_ENV_WORDS = re.compile(r"\benv(?:ironment)?\b|\bvariables?\b|\bvars?\b", re.I)


def _code_assignments(
    doc: Doc, draft: Draft, taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Read the lowercase ``name=value`` code spans of sentences about environment variables."""
    spans = []
    for match in _CODE_ASSIGN.finditer(doc.masked):
        if any(s <= match.start() < e for s, e in taken):
            continue
        sentence = doc.sentence_at(match.start())
        lead = list_lead(doc.masked, match.start())
        if _ENV_WORDS.search(doc.masked[sentence.start : sentence.end] + lead):
            draft.target.add_env(match.group("name"), match.group("value").strip())
            spans.append((match.start(), match.end()))
    return spans


# What a value pasted in prose was for: "the admin password is [REDACTED]" → ADMIN_PASSWORD.
_PASTED_KIND = re.compile(
    r"(?:(?P<q>[A-Za-z][A-Za-z0-9]*)[ _-])?(?P<kw>password|passwd|passphrase|pw|pwd|secret[ _-]key|"
    r"secret|api[ _-]?key|access[ _-]?key|access[ _-]?token|auth[ _-]?token|token|signing[ _-]key|"
    r"encryption[ _-]key|client[ _-]secret|webhook[ _-]secret|creds|credentials|login|key)\b",
    re.I,
)
_PASTED_QUALIFIERS = frozenset(
    {
        "admin", "root", "db", "database", "smtp", "mail", "email", "redis", "postgres",
        "postgresql", "mysql", "mariadb", "mongo", "mongodb", "rabbitmq", "api", "app", "jwt",
        "session", "s3", "aws", "github", "gitlab", "slack", "stripe", "oauth", "ldap", "superuser",
        "master", "django", "rails", "bot", "discord", "telegram", "openai", "sentry", "minio",
    }
)  # fmt: skip
_PASTED_WORDS = {"PW": "PASSWORD", "PWD": "PASSWORD", "PASSWD": "PASSWORD", "CREDS": "PASSWORD",
                 "CREDENTIALS": "PASSWORD", "LOGIN": "PASSWORD", "KEY": "API_KEY"}  # fmt: skip
_URL_ENV = {"postgres": "DATABASE_URL", "postgresql": "DATABASE_URL", "mysql": "DATABASE_URL",
            "mariadb": "DATABASE_URL", "redis": "REDIS_URL", "rediss": "REDIS_URL",
            "mongodb": "MONGODB_URI", "mongodb+srv": "MONGODB_URI", "amqp": "AMQP_URL",
            "amqps": "AMQP_URL"}  # fmt: skip


def _pasted_secrets(doc: Doc, draft: Draft) -> None:
    """Name the env var for each value pasted in prose, so the app reads it from a Secret.

    Values assigned to a variable were read above; what is left is a password in a sentence or
    a connection string, named by what the sentence says it is for.
    """
    text = doc.masked
    for marker in re.finditer(re.escape(REDACTED), text):
        span = doc.sentence_at(marker.start())
        before = text[max(span.start, marker.start() - 80) : marker.start()]
        after = text[marker.end() : min(span.end, marker.end() + 60)]
        url = re.search(r"([a-z][a-z0-9+.-]*)://[^\s]*$", before, re.I)
        if url and url.group(1).lower() in _URL_ENV:
            name = _URL_ENV[url.group(1).lower()]
        elif url:  # "our slack webhook https://hooks..." → SLACK_WEBHOOK_URL
            words = re.findall(r"[A-Za-z][A-Za-z0-9]+", before[: url.start()])[-2:]
            words = [w for w in words if w.lower() not in ("our", "the", "my", "is", "at", "a")]
            name = "_".join([*(w.upper() for w in words), "URL"])
        else:
            kinds = [(before, k) for k in _PASTED_KIND.finditer(before)] or [
                (after, k) for k in _PASTED_KIND.finditer(after)
            ][:1]
            if not kinds:
                continue
            where, kind = kinds[-1]
            word = re.sub(r"[ -]", "_", kind.group("kw")).upper()
            word = _PASTED_WORDS.get(word, word)
            qualifier = (kind.group("q") or "").lower()
            purpose = re.match(r"\s+for\s+(?:the\s+)?([A-Za-z0-9]+)", where[kind.end() :])
            if purpose and purpose.group(1).lower() in _PASTED_QUALIFIERS:
                qualifier = purpose.group(1).lower()  # "pw for smtp is ..."
            name = f"{qualifier.upper()}_{word}" if qualifier in _PASTED_QUALIFIERS else word
        draft.target.add_secret(re.sub(r"[^A-Z0-9_]", "_", name))
        doc.mask(marker.start(), marker.end())


_SECRET_WORDS = re.compile(r"secret|credential|sensitive|password|token", re.I)
# Commas outside brackets, semicolons, and "and" before another variable ("`A` from `s`/`k` and
# `B` pointing at the service").
_CLAUSES = re.compile(r",\s+(?![^()]*\))|;\s+|\s+and\s+(?=`[A-Z][A-Z0-9_]{2,}`)")
_THAT_ONE = re.compile(r"\bfrom\s+(?:that|the\s+same|this)\s+secret\b", re.I)


def _names_datastore(sentence: str) -> bool:
    return any(backing.pattern.search(sentence) for backing in DEPENDENCIES)


def _clause_around(sentence: str, pos: int) -> tuple[int, int]:
    """Return the bounds of the clause of ``sentence`` (cut at commas outside brackets) at pos."""
    start, end = 0, len(sentence)
    for cut in _CLAUSES.finditer(sentence):
        if cut.end() <= pos:
            start = cut.end()
        elif cut.start() >= pos:
            end = cut.start()
            break
    return start, end


def _source_name(match: re.Match[str]) -> str:
    return next(g for g in match.group("a", "b", "c", "d", "e") if g).lower()


def _nearest(text: str, sources: list[re.Match[str]], pos: int) -> list[re.Match[str]]:
    """Of the Secrets a sentence names away from a variable's clause, the one whose brackets
    hold it ("the Secret `m` (`a` -> `A`)"), the one the variable's list leads to ("..., and `A`
    and `B` are keys `a` and `b` in the Secret `t`"), else the last one before it."""
    before = [s for s in sources if s.end() <= pos]
    if before and text.count("(", before[-1].end(), pos) > text.count(")", before[-1].end(), pos):
        return before[-1:]
    after = [s for s in sources if s.start() > pos]
    return after[:1] or before[-1:] or sources[-1:]


def _secret_names(doc: Doc, draft: Draft, env_section: bool) -> None:
    text = doc.masked
    sources = [
        m
        for m in _SECRET_SOURCE.finditer(text)
        if _source_name(m) not in _NOT_SECRET_NAMES
        and not re.search(r"tls|cert", _source_name(m))  # the ingress's certificate
    ]
    names = list(_UPPER_NAME.finditer(text))
    if any(not name.isupper() for name in draft.target.env):
        # "`authSecretKey` from the Secret `s`": an app set up in camelCase (or lower case) names
        # its secret settings so too
        names += [m for m in OWN_SPELLING.finditer(text) if is_secret_name(m.group(0))]
    for match in sorted(names, key=lambda m: m.start()):
        name = match.group(0)
        if replaced_at(text, match.start()):
            continue  # "Instead of the `DD_DATABASE_URL` string ...": not one to set
        if _CAPABILITIES.match(name) or ("_" not in name and not is_secret_name(name)):
            continue
        if draft.target.env.get(name) and (
            not is_secret_name(name) or names_a_method(draft.target.env[name])
        ):
            continue  # "`QDB_PG_USER=ingest`", "`REGISTRY_AUTH=htpasswd`": a value, given
        span = doc.sentence_at(match.start())
        sentence = text[span.start : span.end]
        start, end = _clause_around(sentence, match.start() - span.start)
        clause = sentence[start:end]
        start, end = start + span.start, end + span.start
        secret_words = _SECRET_WORDS.search(sentence)
        # "(key `result-backend`)" says where in the Secret, not something else the clause is
        own_words = re.findall(r"[a-z]{2,}", re.sub(r"\([^()]*\)", " ", clause.replace(name, " ")))
        if _CLAUSES.search(sentence) and len(own_words) > 2 and not _SECRET_WORDS.search(clause):
            secret_words = None  # "..., and `REDIS_URL` pointing at a Redis": not the Secret's
        if is_secret_name(name) or secret_words:
            here = [s for s in sources if start <= s.start() < end]
            if len(here) > 1:
                here = _nearest(text, here, match.start())  # each pair with its own Secret
            here = here or _nearest(
                text, [s for s in sources if span.start <= s.start() < span.end], match.start()
            )
            if _THAT_ONE.search(clause) and not any(start <= s.start() < end for s in sources):
                here = [None]  # "`A` from that secret": the one named before, paired later
            # The request's only Secret, unless the sentence says where else the value comes
            # from ("... must come from that mariadb").
            only = sources[0] if len(sources) == 1 and not _names_datastore(sentence) else None
            source = here[0] if here else only
            secret_name = _source_name(source) if source else ""
            draft.target.add_secret(name, secret_name)
            doc.mask(match.start(), match.end())
        elif env_section or re.search(
            r"\benv(?:ironment)?\b|\bvariables?\b|\bvars?\b", sentence, re.I
        ):
            draft.note(f"environment variable {name} is named without a value")
    for source in sources:
        doc.mask(source.start(), source.end())
