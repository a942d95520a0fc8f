"""Remove secret values from a request before anything else sees it.

Requests arrive from GitHub issues and comments, and people paste real passwords, tokens and
connection strings into them. Redaction runs first, before parsing, storing or logging, and it
errs on the side of removing too much: a redacted non-secret costs a clarification, a leaked
secret costs a rotation. Variable *names* are kept, so the parser can still turn
``DATABASE_PASSWORD=...`` into a reference to a Kubernetes Secret.

Layers, in order: private key blocks, token formats with a known shape (AWS, GitHub, Slack,
Stripe, JWT, ...), passwords in connection strings, values assigned to secret-looking names
(``KEY=value``, ``KEY: value``, YAML block scalars, CLI flags, issue-form answers under a
"Password" heading), prose ("the password is hunter2"), bearer credentials, and finally any
long high-entropy string that is not a digest, a UUID or made of words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

REDACTED = "[REDACTED]"

# Name parts that make a variable secret when they end a part of its name ("PGPASSWORD").
_STRONG = (
    r"(?:password|passwd|passphrase|secret|token|apikey|credential|privatekey|"
    r"accesskey|secretkey|clientsecret)s?"
)
# Name parts that only count as a whole part ("API_KEY", "REDIS_AUTH", "SENTRY_DSN").
_WEAK = frozenset(
    {
        "key",
        "keys",
        "pass",
        "pwd",
        "pw",
        "auth",
        "dsn",
        "salt",
        "hmac",
        "creds",
        "cred",
        "pat",
        "jwt",
        "pin",
        "otp",
        "authorization",
        "bearer",
        "cookie",
        "signature",
        "webhooksecret",
    }
)
# A last part that says the variable holds metadata about a secret, not the secret.
_METADATA = frozenset(
    {
        "file",
        "path",
        "dir",
        "directory",
        "url",
        "uri",
        "endpoint",
        "host",
        "hostname",
        "port",
        "name",
        "names",
        "user",
        "username",
        "id",
        "ids",
        "type",
        "enabled",
        "enable",
        "disabled",
        "ttl",
        "expiry",
        "expiration",
        "expires",
        "lifetime",
        "timeout",
        "length",
        "size",
        "header",
        "issuer",
        "audience",
        "algorithm",
        "alg",
        "mode",
        "version",
        "prefix",
        "suffix",
        "region",
        "location",
        "ref",
        "count",
        "limit",
        "required",
        "strategy",
        "policy",
        "provider",
        "store",
        "backend",
        "field",
        "format",
        "kind",
        "rotation",
        "interval",
        "source",
        "mount",
        "env",
    }
)
# Plural labels introduce a list of names ("Secrets: DB_PASSWORD, API_KEY"), not one value.
_LIST_LABELS = frozenset({"secrets", "credentials", "keys", "tokens", "creds", "passwords"})


def name_parts(name: str) -> list[str]:
    """Split a variable or label name into lowercase parts (snake, kebab, dotted, camel)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [p for p in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if p]


def is_secret_name(name: str) -> bool:
    """Return True when a variable with this name holds a secret value."""
    parts = name_parts(name)
    if not parts or parts[-1] in _METADATA:
        return False
    joined = "".join(parts)
    if re.fullmatch(r"(?:connectionstring|connstr|connstring)s?", joined):
        return True
    return any(re.fullmatch(rf"[a-z0-9]*{_STRONG}", p) or p in _WEAK for p in parts)


def _holds_value(name: str) -> bool:
    """Return True when ``name: x`` assigns one secret value (not a list of names)."""
    parts = name_parts(name)
    return is_secret_name(name) and not (len(parts) == 1 and parts[0] in _LIST_LABELS)


# ----------------------------------------------------------------------------- value checks

_PLACEHOLDER = re.compile(
    r"^(?:<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|\*+|x{3,}|\.{3}|-+|~|null|none|"
    r"nil|true|false|yes|no|\|[-+]?|>[-+]?|&[\w.-]+|\*[\w.-]+|!!\w+)$",
    re.I,
)
_IDENTIFIER = re.compile(r"^[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+)+$")
_STOPWORDS = frozenset(
    """
is are was were be been being the a an to of in on at by for from with and or not no none via
as stored kept held lives live comes come goes should must will would can could may might shall
set read loaded mounted injected provided supplied managed rotated generated required needed
optional named called secret secrets key keys value values env environment variable variables
vault kubernetes k8s here there it this that these those which who only also too already
reference ref existing same different each every any all some our my your their its we they
you per authentication auth access file files path rotation field fields string strings must
goes lives inside under below above later separately elsewhere never always whatever something
handled taken pulled fetched sourced defined configured given passed created
""".split()
)


def _is_name_like(value: str) -> bool:
    """Return True for values that name a secret instead of being one."""
    bare = value.strip("\"'`")
    # A kebab-case word with digits ("bookshelf-pw-2024") is far more often a password than the
    # name of a Secret; redacting a name by mistake costs little, leaking a password a lot.
    return bool(_IDENTIFIER.match(bare)) or (
        bool(re.fullmatch(r"[a-z]+(?:[-_][a-z]+)+", bare)) and is_secret_name(bare)
    )


def _skip(value: str) -> bool:
    """Return True when an assigned value is not a secret value at all."""
    bare = value.strip("\"'`").strip()
    return (
        not bare
        or REDACTED in bare
        or bool(_PLACEHOLDER.match(bare))
        or _is_name_like(bare)
        or bare.startswith(("/", "./", "secretKeyRef", "valueFrom"))
    )


def _prose_word(value: str) -> bool:
    """Return True when a word after "password is" reads as English rather than a value."""
    low = value.lower().strip("\"'`.,")
    return low in _STOPWORDS or bool(re.fullmatch(r"[a-z]{3,}(?:ed|ing)", low))


def _strong_looking(value: str) -> bool:
    """Return True when a bare word mixes letters with digits or symbols, like a password."""
    has_alpha = any(c.isalpha() for c in value)
    has_other = any(c.isdigit() or not (c.isalnum() or c in "-_./") for c in value)
    return has_alpha and has_other and len(value) >= 6


# ----------------------------------------------------------------------------- layers


class _Redactor:
    """Apply the layers to one text, counting every value replaced."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.count = 0

    def sub(
        self,
        pattern: re.Pattern[str],
        group: str | int = 0,
        keep: Callable[[re.Match[str]], bool] | None = None,
    ) -> None:
        """Replace ``group`` of every match of ``pattern`` unless ``keep`` says otherwise."""
        out: list[str] = []
        last = 0
        # ``${VAR:?password required}`` names a variable: it is compose syntax, not a value.
        references = [m.span() for m in _REFERENCE.finditer(self.text)]
        for match in pattern.finditer(self.text):
            start, end = match.span(group)
            if start < 0 or start < last or (keep and keep(match)):
                continue
            if any(a <= start < b for a, b in references):
                continue
            found = self.text[start:end]
            if found.strip("\"'`") == REDACTED or not found.strip():
                continue
            if len(found) >= 2 and found[0] == found[-1] and found[0] in "\"'`":
                start, end = start + 1, end - 1  # keep the quotes: YAML still reads a string
            elif found[-1] in ".)" and isinstance(group, str):
                end -= 1  # the full stop ends the sentence, not the password
            out.append(self.text[last:start])
            out.append(REDACTED)
            self.count += 1
            last = end
        out.append(self.text[last:])
        self.text = "".join(out)


# Protected: the variable part of ``${VAR}``, ``${VAR:?message}`` and ``${VAR:-`` (a default
# value after it may be a pasted secret, and is redacted like any value).
_REFERENCE = re.compile(r"\$\{\w+(?::?\?[^}\n]*\}|\}|:?[-+])")
_PRIVATE_KEY = re.compile(
    r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?=\n\s*\n)|\Z)",
    re.S,
)
_TOKENS = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}"
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{16,}"
    r"|sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}"
    r"|ya29\.[0-9A-Za-z_-]{20,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{40,}"
    r"|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{30,}|dop_v1_[a-f0-9]{64}"
    r"|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|SK[0-9a-fA-F]{32}|glc_[A-Za-z0-9+/=_-]{20,}"
    r"|dckr_pat_[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"
    r")"
)
_SLACK_WEBHOOK = re.compile(r"hooks\.slack\.com/(?:services|workflows)/([A-Za-z0-9/_-]+)")
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]*:(?P<v>[^\s@'\"]+)@", re.I)
_BARE_PASSWORD = re.compile(
    r"(?<![\w/:.@-])[A-Za-z_][\w.-]*:(?P<v>[^\s@/:'\"]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_NAME = r"(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*?)"
_LINE_ASSIGN = re.compile(
    r"^(?P<lead>[ \t]*(?:[-*+][ \t]+)?[\"']?)(?P<name>[A-Za-z_][\w.-]*(?:[ ][\w.-]+){0,3}?)"
    r"[\"']?[ \t]*(?P<op>:)[ \t]*(?:[&!][\w.-]+[ \t]+)*(?P<v>\"[^\"\n]*\"|'[^'\n]*'|\S.*?),?[ \t]*"
    r"(?:[ \t]#.*)?$",
    re.M,
)
_INLINE_ASSIGN = re.compile(
    rf"{_NAME}[\"']?[ \t]*(?P<op>=|:)[ \t]*(?![A-Za-z_][\w.]*=)"
    r"(?P<v>\"[^\"\n]*\"|'[^'\n]*'|`[^`\n]*`|[^\s,;&\"'`]+)"
)
_FLAG = re.compile(
    r"--[\w-]*(?:password|passwd|secret|token|api-?key|private-key|credentials?)"
    r"(?:=|[ \t]+)(?P<v>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']+)",
    re.I,
)
_PROSE = re.compile(
    r"(?<![*&\w-])(?P<kw>password|passwd|passphrase|pwd|pw|secret|api[ _-]?key|access[ _-]?key|"
    r"secret[ _-]?key|private[ _-]?key|token|access[ _-]?token|auth[ _-]?token|bearer token|"
    r"credential|signing key|encryption key|client secret|webhook secret)\b(?![\"'`]?[ \t]*[:=])"
    r"(?:\s+(?:for|of)\s+(?:the\s+)?[\w.-]+(?:\s+(?:db|database|user|account|api))?)?"
    r"[ \t]*(?P<op>\bis\b|\bwas\b|\bshould be\b|\bwill be\b|\bset to\b|\bequals\b|\bto\b|->|=>)?"
    r"[ \t]*(?P<v>\"[^\"\n]+\"|'[^'\n]+'|`[^`\n]+`|[^\s,;]+)",
    re.I,
)
# "use hunter2 as the db password", "creds are admin / hunter2", "login admin:hunter2"
_AS_SECRET = re.compile(
    r"\b(?:use|with|take|it's|its)\s+(?P<v>\"[^\"\n]+\"|'[^'\n]+'|`[^`\n]+`|[^\s,;]+)\s+as\s+"
    r"(?:the\s+|a\s+|our\s+|my\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:password|passwd|passphrase|pw|secret|token|api[ _-]?key)\b",
    re.I,
)
_CREDENTIAL_PAIR = re.compile(
    r"\b(?:creds|credentials|login|log in with|sign in with|user/pass(?:word)?|username/password)"
    r"(?:\s+(?:are|is|=|:))?[ \t:]+[`\"']?[\w.@-]+[`\"']?[ \t]*[/:][ \t]*(?P<v>\"[^\"\n]+\"|"
    r"'[^'\n]+'|`[^`\n]+`|[^\s,;]+)",
    re.I,
)
_DEFAULT = re.compile(r"\$\{(?P<name>\w+):?-(?P<v>[^}\n]+)\}")
_BEARER = re.compile(r"\b(?:bearer|basic)\s+(?P<v>[A-Za-z0-9._~+/=-]{8,})", re.I)
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<label>.+?)[ \t]*$", re.M)
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{20,}(?![A-Za-z0-9+/=_-])")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_WORDY = re.compile(r"(?:[A-Z]?[a-z]{3,}|[A-Z]{3,}(?![a-z]))+|\d{1,8}|[a-z]{1,2}\d{0,2}")


def _block_scalars(r: _Redactor) -> None:
    """Replace the indented body of ``secret_name: |`` YAML block scalars."""
    lines = r.text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        match = re.match(r"^(\s*)(?:-\s+)?([\w.-]+)\s*:\s*[|>][-+]?\s*$", line)
        i += 1
        if not match or not _holds_value(match.group(2)):
            continue
        indent = len(match.group(1))
        body_indent = None
        start = i
        while i < len(lines) and (
            not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent
        ):
            if lines[i].strip() and body_indent is None:
                body_indent = len(lines[i]) - len(lines[i].lstrip())
            i += 1
        body = [line.strip() for line in lines[start:i] if line.strip()]
        if body_indent is not None:
            out.append(" " * body_indent + REDACTED)
            r.count += body != [REDACTED]
    r.text = "\n".join(out)


def _issue_answers(r: _Redactor) -> None:
    """Replace answers under issue-form headings that ask for a secret value ("### Password")."""
    matches = list(_HEADING.finditer(r.text))
    for i in reversed(range(len(matches))):
        label = matches[i].group("label")
        if not _holds_value(re.sub(r"\(.*?\)", "", label).strip().replace(" ", "_")):
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(r.text)
        body = r.text[matches[i].end() : end]
        if not body.strip() or body.strip() in ("_No response_", REDACTED):
            continue
        if all(_skip(word) for word in body.split()):
            continue
        r.text = r.text[: matches[i].end()] + f"\n\n{REDACTED}\n\n" + r.text[end:]
        r.count += 1


def _assigned(match: re.Match[str]) -> bool:
    """Return True (keep) unless a secret-looking name is assigned a real value."""
    value, name = match.group("v"), match.group("name")
    if name_parts(name)[-1:] and name_parts(name)[-1] in _LIST_LABELS:
        # "Secrets: DB_PASSWORD, API_KEY" lists names; only a password-like item is a value.
        items = [t.strip("\"'`.") for t in re.split(r"[,\s]+", value)]
        return not any(_strong_looking(t) and not _skip(t) for t in items if t)
    if not _holds_value(name) or _skip(value):
        return True
    if re.match(r"(?:export\s+)?[A-Za-z_][\w.]*=", value):
        return True  # "db password for now: DB_PASSWORD=..." assigns inside: keep the name
    if match.group("op") == ":" and " " in value.strip("\"'"):
        # "password: stored in vault" is prose; "password: correct horse battery" is not.
        first = value.split()[0]
        return _prose_word(first)
    return False


def _prose(match: re.Match[str]) -> bool:
    """Return True (keep) unless prose like "the password is hunter2" gives a value."""
    value = match.group("v")
    if _skip(value) or _prose_word(value):
        return True
    if (
        match.group("kw").lower() == "secret"
        and not match.group("op")
        and re.fullmatch(r"[`\"']?[a-z0-9][a-z0-9.-]*[a-z0-9][`\"']?[:.,]?", value)
    ):
        return True  # "secret `airflow-db`" names a Kubernetes Secret
    if value[0] in "\"'`":
        return False
    if match.group("op"):
        return False
    # Without "is"/"=", a bare word after "secret" is usually the Secret's name.
    return bool(re.fullmatch(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+", value)) or not _strong_looking(
        value
    )


def entropy(value: str) -> float:
    """Return the Shannon entropy of ``value`` in bits per character."""
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _wordy(token: str) -> bool:
    """Return True when a token is built from words and small numbers (names, paths)."""
    segments = [s for s in re.split(r"[-_./+=]", token) if s]
    whole = [s for s in segments if _WORDY.fullmatch(s) and not re.fullmatch(r"[a-z]{1,2}\d*", s)]
    if len(segments) > 1:
        return len(whole) * 2 >= len(segments)
    covered = sum(len(m.group(0)) for m in re.finditer(r"[A-Z]?[a-z]{3,}|[A-Z]{3,}", token))
    return covered >= 0.8 * len(token)


def _looks_random(match: re.Match[str]) -> bool:
    token = match.group(0)
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{5,10}-[a-z0-9]{5}", token):
        return False  # a pod's generated name (deployment-replicaset-pod)
    classes = sum(bool(re.search(p, token)) for p in (r"[a-z]", r"[A-Z]", r"\d"))
    if (
        classes < 2
        or _wordy(token)
        or _UUID.fullmatch(token)
        or re.fullmatch(r"[0-9a-f]+|[0-9A-F]+", token)
    ):
        return False
    return entropy(token) >= min(3.5, math.log2(len(token)) - 0.7)


def redact_secrets(text: str) -> tuple[str, int]:
    """Replace every secret value in ``text`` with [REDACTED]; return the text and the count."""
    r = _Redactor(text)
    r.sub(_PRIVATE_KEY)
    _block_scalars(r)
    _issue_answers(r)
    r.sub(_TOKENS)
    r.sub(_SLACK_WEBHOOK, 1)
    r.sub(_URL_PASSWORD, "v")
    r.sub(_BARE_PASSWORD, "v", keep=lambda m: m.group(0).lower().startswith("mailto:"))
    r.sub(_FLAG, "v", keep=lambda m: _skip(m.group("v")))
    r.sub(_DEFAULT, "v", keep=lambda m: not _holds_value(m.group("name")) or _skip(m.group("v")))
    r.sub(_LINE_ASSIGN, "v", keep=_assigned)
    r.sub(_INLINE_ASSIGN, "v", keep=_assigned)
    r.sub(_PROSE, "v", keep=_prose)
    r.sub(_AS_SECRET, "v", keep=lambda m: _skip(m.group("v")) or _prose_word(m.group("v")))
    r.sub(_CREDENTIAL_PAIR, "v", keep=lambda m: _skip(m.group("v")) or _prose_word(m.group("v")))
    r.sub(_BEARER, "v", keep=lambda m: _prose_word(m.group("v")))
    r.sub(_CANDIDATE, keep=lambda m: not _looks_random(m))
    return r.text, r.count
