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

import re
from collections.abc import Callable

from bot.tools.parsing.secret_names import LIST_LABELS, holds_value, is_secret_name, name_parts
from bot.tools.parsing.secret_values import (
    POINTS_TO_STORE,
    REDACTED,
    between_spans,
    key_name,
    looks_random,
    not_a_value,
    prose_word,
    strong_looking,
)

__all__ = ["REDACTED", "is_secret_name", "name_parts", "redact_secrets"]


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
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://(?P<user>[^\s:/@'\"]*):(?P<v>[^\s@'\"]+)@", re.I)
_BARE_PASSWORD = re.compile(
    r"(?<![\w/:.@-])[A-Za-z_][\w.-]*:(?P<v>[^\s@/:'\"]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_NAME = r"(?<![\w./-])(?P<name>[A-Za-z_][\w.-]*?)"  # "acme/auth:1.0" is an image, not auth
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
    r"(?:=|[ \t]+)(?!-)(?P<v>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']+)",  # "--use-auth-secret --x": a flag
    re.I,
)
_PROSE = re.compile(
    r"(?<![*&\w-])(?P<kw>password|passwd|passphrase|pwd|pw|secret|api[ _-]?key|access[ _-]?key|"
    r"secret[ _-]?key|private[ _-]?key|token|access[ _-]?token|auth[ _-]?token|bearer token|"
    r"credential|signing key|encryption key|client secret|webhook secret)\b(?![\"'`]?[ \t]*[:=])`?"
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
# "account = 005e1c0f..." beside "key = [REDACTED]": the id half of a key pair (a B2 key id, an
# AWS access key id) is rotated with its secret, so it goes with it.
_KEY_ID = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?[\"']?(?P<name>account(?:[_-]?id)?|(?:aws[_-]?)?access[_-]?key[_-]?id|"
    r"(?:application[_-]?)?key[_-]?id|client[_-]?id)[\"']?[ \t]*[=:][ \t]*[\"']?"
    r"(?P<v>[A-Za-z0-9+/_-]{16,})[\"']?[ \t]*$",
    re.M | re.I,
)
_BEARER = re.compile(r"\b(?:bearer|basic)\s+(?P<v>[A-Za-z0-9._~+/=-]{8,})", re.I)
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<label>.+?)[ \t]*$", re.M)
# "=" only pads the end of base64: "MB_DB_HOST=analytics-pg" is a setting, its value is checked
# on its own.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/=_-])")


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
        if not match or not holds_value(match.group(2)):
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


# Labels that ask for the name of a Kubernetes Secret ("TLS secret", "Existing secret name").
_SECRET_OBJECT = re.compile(
    r"\b(?:tls|ssl|cert(?:ificate)?|existing|pull|image[\s-]?pull)\s+secrets?\b|"
    r"\bsecrets?\s+(?:name|names|ref|reference)\b",
    re.I,
)


def _issue_answers(r: _Redactor) -> None:
    """Replace answers under issue-form headings that ask for a secret value ("### Password")."""
    fences = [m.span() for m in re.finditer(r"^[ \t]*```.*?^[ \t]*```", r.text, re.M | re.S)]
    # "# JWT_SECRET=..." in a pasted env file is a comment, not a form's heading
    matches = [
        m
        for m in _HEADING.finditer(r.text)
        if not any(a <= m.start() < b for a, b in fences) and "=" not in m.group("label")
    ]
    for i in reversed(range(len(matches))):
        label = matches[i].group("label")
        if not holds_value(re.sub(r"\(.*?\)", "", label).strip().replace(" ", "_")):
            continue
        if _SECRET_OBJECT.search(label) or re.fullmatch(r"`[^`\n]+`", label.strip()):
            continue  # "## `CUBEJS_API_SECRET`": the docs of a variable, not a form's question
        end = matches[i + 1].start() if i + 1 < len(matches) else len(r.text)
        body = r.text[matches[i].end() : end]
        if not body.strip() or body.strip() in ("_No response_", REDACTED):
            continue
        if all(not_a_value(word) for word in body.split()):
            continue
        r.text = r.text[: matches[i].end()] + f"\n\n{REDACTED}\n\n" + r.text[end:]
        r.count += 1


# A label naming the certificate's Secret, and what a Kubernetes object's name looks like.
_TLS_LABEL = re.compile(r"\b(?:tls|ssl|https|cert(?:ificate)?s?)\b", re.I)
_OBJECT_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?")


def _assigned(match: re.Match[str]) -> bool:
    """Return True (keep) unless a secret-looking name is assigned a real value."""
    value, name = match.group("v"), match.group("name")
    if between_spans(value) or key_name(name, value):
        return True
    label = match.string[max(0, match.start("name") - 16) : match.start("name")] + name
    if _TLS_LABEL.search(label) and _OBJECT_NAME.fullmatch(value.split()[0].strip("`\"'.,;)")):
        return True  # "TLS secret: search-tls" names the certificate's Secret (PEM is caught apart)
    line_end = match.string.find("\n", match.end())
    rest = match.string[match.end() : None if line_end < 0 else line_end]
    if re.fullmatch(r"\s*<[^<>\n]*>\s*", value + rest):
        return True  # "<a super secure random secret>" is a placeholder, even with spaces
    first = value.strip("\"'`").split()[0] if value.strip("\"'`").split() else ""
    if (
        match.group("op") == ":"
        and not strong_looking(first)
        and POINTS_TO_STORE.search(value + rest)
    ):
        return True  # "PASSWORD: login password, from secret `x`" says where the value lives
    if name_parts(name)[-1:] and name_parts(name)[-1] in LIST_LABELS:
        # "Secrets: DB_PASSWORD, API_KEY" lists names; only a password-like item is a value.
        items = [t.strip("\"'`.()[]:;") for t in re.split(r"[,\s]+", value)]
        return not any(strong_looking(t) and not not_a_value(t) for t in items if t)
    if not holds_value(name) or not_a_value(value):
        return True
    if re.match(r"[a-z][\w+.-]*://[^\s:@/]+@", value.strip("\"'`"), re.I):
        return True  # "postgres://queue@db/q": a user and no password; one would be caught apart
    if match.group("op") == ":" and prose_word(value):
        return True  # "# PWPUSH_MASTER_KEY: This sets the encryption key": a comment's prose
    if re.match(r"[`\"']?(?:export\s+)?[A-Za-z_][\w.]*=", value):
        return True  # "db password for now: DB_PASSWORD=..." assigns inside: keep the name
    if match.group("op") == ":" and " " in value.strip("\"'"):
        # "password: stored in vault" is prose; "password: correct horse battery" is not.
        first = value.split()[0]
        return prose_word(first) or bool(POINTS_TO_STORE.search(value))
    return False


def _prose(match: re.Match[str]) -> bool:
    """Return True (keep) unless prose like "the password is hunter2" gives a value."""
    value = match.group("v")
    if not_a_value(value) or prose_word(value) or between_spans(value):
        return True
    if not re.search(r"[A-Za-z0-9]", value):
        return True  # "{name: app-db, key: password}": the flow mapping closes, no value
    before = match.string[max(0, match.start("kw") - 16) : match.start("kw")]
    glued_to = match.string[match.start("kw") - 1] if match.start("kw") else ""
    if value.startswith("@") or glued_to in ("=", "<", ":", "&", "?"):
        return True  # "postgres://app:password@db", "&p=password", "<password>": not prose
    if (
        match.group("kw").lower() == "secret"
        and _TLS_LABEL.search(before)
        and _OBJECT_NAME.fullmatch(value.strip("`\"'.,;)"))
    ):
        return True  # "TLS secret: search-tls" names the certificate's Secret
    in_span = match.start("kw") > 0 and match.string[match.start("kw") - 1] == "`"
    glued = match.start("v") == match.end("kw")
    if in_span and (value[0] == "`" or glued or not match.group("op")):
        # "`password`", "key `password` (server only)": a name in a code span, no value follows
        return True
    if (
        match.group("kw").lower() == "secret"
        and not match.group("op")
        and re.fullmatch(r"[`\"']?[a-z0-9][a-z0-9.-]*[a-z0-9][`\"']?[)\]]?[:.,;]?", value)
    ):
        return True  # "secret `airflow-db`" names a Kubernetes Secret
    if value[0] in "\"'`":
        return False
    if match.group("op"):
        return False
    # Without "is"/"=", a bare word after "secret" is usually the Secret's name.
    return bool(re.fullmatch(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+", value)) or not strong_looking(
        value
    )


# Chinese and Japanese write "key：value" and "（key：`password`）": the layers read ASCII.
_FULLWIDTH = str.maketrans("\uff1a\uff08\uff09\uff0c\uff1b\uff1d\u3001", ":(),;=,")


# "POSTGRES_USER: commafeed" beside "POSTGRES_PASSWORD: commafeed": a project's example
# credentials repeat its user or database name; nothing secret to rotate.
_NAMING = re.compile(
    r"\b[A-Z][A-Z0-9_]*_(?:USER|USERNAME|DB|DATABASE|NAME|DB_NAME)\b\s*[:=]\s*[\"']?(?P<v>[\w.-]+)"
)


_LEET = str.maketrans("4310578@$", "aeiostbas")


def _example_of(text: str) -> Callable[[str], bool]:
    names = {m.group("v").lower() for m in _NAMING.finditer(text)}

    def example(value: str) -> bool:
        """The user's or database's name as the password, plain or in leetspeak ("k3str4")."""
        bare = value.strip().strip("\"'`").lower()
        return bare in names or bare.translate(_LEET) in names

    return example


def _beside_a_secret(match: re.Match[str]) -> bool:
    """An opaque id within three lines of a value already redacted: the two make one key."""
    value = match.group("v")
    mixed = re.search(r"\d", value) and re.search(r"[A-Za-z]", value)
    if not mixed or _WORDY_ID.fullmatch(value):
        return False
    before = match.string[: match.start()].split("\n")[-4:]
    after = match.string[match.end() :].split("\n")[:4]
    return any(REDACTED in line for line in [*before, *after])


_WORDY_ID = re.compile(r"[a-z]+(?:[-_][a-z0-9]+)*")


def redact_secrets(text: str) -> tuple[str, int]:
    """Replace every secret value in ``text`` with [REDACTED]; return the text and the count."""
    example = _example_of(text)
    r = _Redactor(text.translate(_FULLWIDTH))
    r.sub(_PRIVATE_KEY)
    _block_scalars(r)
    _issue_answers(r)
    r.sub(_TOKENS)
    r.sub(_SLACK_WEBHOOK, 1)
    # "postgresql://prefect:prefect@postgres": a password that repeats the user is an example
    r.sub(
        _URL_PASSWORD,
        "v",
        keep=lambda m: (
            not_a_value(m.group("v"))
            or m.group("v").lower().translate(_LEET) == m.group("user").lower()
        ),
    )
    r.sub(_BARE_PASSWORD, "v", keep=lambda m: m.group(0).lower().startswith("mailto:"))
    r.sub(_FLAG, "v", keep=lambda m: not_a_value(m.group("v")))
    r.sub(
        _DEFAULT, "v", keep=lambda m: not holds_value(m.group("name")) or not_a_value(m.group("v"))
    )
    r.sub(_LINE_ASSIGN, "v", keep=lambda m: example(m.group("v")) or _assigned(m))
    r.sub(_INLINE_ASSIGN, "v", keep=lambda m: example(m.group("v")) or _assigned(m))
    r.sub(_PROSE, "v", keep=lambda m: example(m.group("v")) or _prose(m))
    r.sub(_AS_SECRET, "v", keep=lambda m: not_a_value(m.group("v")) or prose_word(m.group("v")))
    r.sub(
        _CREDENTIAL_PAIR, "v", keep=lambda m: not_a_value(m.group("v")) or prose_word(m.group("v"))
    )
    r.sub(_BEARER, "v", keep=lambda m: prose_word(m.group("v")))
    r.sub(_KEY_ID, "v", keep=lambda m: not _beside_a_secret(m))
    r.sub(_CANDIDATE, keep=lambda m: not looks_random(m))
    return r.text, r.count
