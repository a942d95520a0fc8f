"""Whether what follows a secret name is a secret value, or something else.

Names of Secrets and keys ("`app-db`", "key `password`"), placeholders ("<paste here>",
"${DB_PASSWORD}"), prose ("stored in vault", "from secret `x`") and the gap between two code
spans are not values; a word mixing letters with digits and symbols, or a long random string,
is. Redaction errs on removing too much, so only what is clearly not a value is kept.
"""

from __future__ import annotations

import math
import re

from bot.tools.parsing.secret_names import is_secret_name

REDACTED = "[REDACTED]"

_PLACEHOLDER = re.compile(
    r"^(?:<[^>]*>|\$\{[^}]*\}|\$\([^)]*\)?|\$[A-Z_][A-Z0-9_]*|\{\{.*\}\}|\*+|x{3,}|\.{3}|-+|~|null|none|"
    r"nil|true|false|yes|no|\|[-+]?|>[-+]?|&[\w.-]+|\*[\w.-]+|!!?[\w.-]+)$",
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
        bool(re.fullmatch(r"[a-z]+(?:(?:[-_]|__)[a-z]+)+", bare)) and is_secret_name(bare)
    )


def not_a_value(value: str) -> bool:
    """Return True when an assigned value is not a secret value at all."""
    bare = value.strip("()[]").strip("\"'`").strip()  # "(`DB_PASSWORD`)" names a variable
    return (
        not bare
        or REDACTED in bare
        or bool(_PLACEHOLDER.match(bare))
        or _is_name_like(bare)
        or bare.startswith(("/", "./", "secretKeyRef", "valueFrom"))
        or bare.lower() in _EXAMPLE_VALUES
        or _sequential(bare)
        or bool(_DESCRIBES_ITSELF.search(bare) and not strong_looking(bare))
        or bool(_EXAMPLE_SHAPE.fullmatch(bare))
        or bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", bare))  # words, not a key
        or plain_address(bare)
        or dotted_name(bare)
        or names_a_method(bare)
    )


def names_a_method(value: str) -> bool:
    """ "`REGISTRY_AUTH=htpasswd`": the way something authenticates, named, is no secret."""
    return value.strip("\"'`").lower() in _AUTH_METHODS


_AUTH_METHODS = frozenset(
    "htpasswd basic bearer token oidc oauth oauth2 ldap saml none silly jwt header proxy "
    "internal local".split()
)


def dotted_name(value: str) -> bool:
    """Return True for a class or module named by its dotted path, which is no credential."""
    return bool(_DOTTED_NAME.fullmatch(value.strip("\"'`")))


# "org.apache.kafka.connect.storage.StringConverter": a class or module by its dotted name.
_DOTTED_NAME = re.compile(
    r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){1,}\.[A-Z][A-Za-z0-9_]*|[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){3,}"
)


# The example values projects' compose files and docs ship ("POSTGRES_PASSWORD: changeme"):
# known to everyone, so nothing to rotate. The variable still reads from a Secret in the chart.
_EXAMPLE_VALUES = frozenset(
    """password passw0rd changeme change-me change_me changeit secret mysecretpassword
    admin root postgres mysql test default pass example passphrase salt letmein qwerty
    foobar secretkey supersecret""".split()
)
# "12345", "abcdef": a run of keys, the value docs and compose files put where one goes.
_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz")


# "my-random-string-for-seeding", "your-secret-here", "replace-me": a value that says what to
# put in its place.
_DESCRIBES_ITSELF = re.compile(
    r"(?:^|[-_])(?:random|generated?|your|placeholder|replace|here)(?:[-_]|$)", re.I
)


def _sequential(value: str) -> bool:
    low = value.lower()
    return len(low) >= 3 and any(low in run for run in _SEQUENCES)


# "dbpass", "admin123", "mypassword1": the shapes example values take in docs and compose files.
_EXAMPLE_SHAPE = re.compile(
    r"(?:db|admin|user|root|my|app|test|dev|example)?[_-]?(?:pass|passwd|password|pwd|secret)\d{0,4}|"
    r"(?:admin|root|test|user|demo|guest)\d{1,4}",
    re.I,
)
# A URL with no user or password in it ("MAILER_DSN=smtp://127.0.0.1"): an address.
# "tcp://*:7777", "postgres://app@<db host>:5432/app": a host (or a placeholder for one), a user
# at most, and no password
_PLAIN_URL = re.compile(
    r"[a-z][a-z0-9+.-]*://(?:[^\s@:/'\"<>]+@)?(?:[^\s@:/'\"<>]+|<[^<>@\n]{1,50}>)(?::\d+)?"
    r"(?:/[^\s@'\"]*)?",
    re.I,
)


def plain_address(value: str) -> bool:
    """Return True for a URL that carries no credential ("tcp://*:7777", a Sentry host)."""
    return bool(_PLAIN_URL.fullmatch(value.strip("\"'`")))


def prose_word(value: str) -> bool:
    """Return True when a word after "password is" reads as English rather than a value."""
    low = value.lower().strip("\"'`.,;:()")
    return (
        low in _STOPWORDS or low in _TECHNICAL or bool(re.fullmatch(r"[a-z]{2,}(?:ed|ing|ly)", low))
    )


# "(will send password Base64 encoded)", "password hashed with bcrypt": how a value is stored or
# sent, not the value.
_TECHNICAL = frozenset(
    """base64 base32 hex sha1 sha256 sha512 md5 bcrypt argon2 argon2id scrypt pbkdf2 utf-8 utf8
    aes aes256 hmac rsa plaintext cleartext""".split()
)


def strong_looking(value: str) -> bool:
    """Return True when a bare word mixes letters with digits or symbols, like a password."""
    if re.fullmatch(r"[A-Za-z]+['\u2019](?:s|t|re|ll|ve|d|m)", value):
        return False  # "there's", "don't": English, whatever its apostrophe
    has_alpha = any(c.isalpha() for c in value)
    has_other = any(c.isdigit() or not (c.isalnum() or c in "-_./") for c in value)
    return has_alpha and has_other and len(value) >= 6


def between_spans(value: str) -> bool:
    """Return True for a "value" that runs from one code span's closing backtick to the next
    one's opening ("`token` and `identity-value`"): a quote followed by a space opens nothing."""
    return len(value) >= 2 and value[0] in "`\"'" and (value[1].isspace() or value[-2].isspace())


def key_name(name: str, value: str) -> bool:
    """Return True when ``key: password`` names a key inside a Kubernetes Secret: a bare "key"
    label followed by a plain lowercase word is where a value lives, not the value."""
    bare = value.strip("\"'`").rstrip(".,)}]")
    return name.lower() in ("key", "keys") and bool(
        re.fullmatch(r"[a-z]+(?:[-_.][a-z]+)*", bare) and len(bare) <= 40
    )


# "login password, from secret `code-server-auth`": says where the value lives.
POINTS_TO_STORE = re.compile(
    r"\b(?:from|in|into|via|inside)\s+(?:the\s+|an?\s+|our\s+)?(?:existing\s+)?"
    r"(?:kubernetes\s+|k8s\s+)?secret\b|\bsecretKeyRef\b|\bvault\b|\bexisting\s+(?:kubernetes\s+|"
    r"k8s\s+)?secret\b",
    re.I,
)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# Words, with a small version glued on ("oauth2", "python3"), small numbers and short tags.
_WORDY = re.compile(r"(?:[A-Z]?[a-z]{3,}|[A-Z]{3,}(?![a-z]))+\d{0,2}|\d{1,8}|[a-z]{1,2}\d{0,2}")


def entropy(value: str) -> float:
    """Return the Shannon entropy of ``value`` in bits per character."""
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _wordy(token: str) -> bool:
    """Return True when a token is built from words and small numbers (names, paths)."""
    segments = [s for s in re.split(r"[-_./+=]", token) if s]
    whole = [s for s in segments if _WORDY.fullmatch(s) and not re.fullmatch(r"[a-z]{1,2}\d*", s)]
    if len(segments) > 1:
        # "io/v1/customresourcedefinitions": short parts around long words, a path
        wordy = sum(len(s) for s in whole) >= 0.75 * sum(len(s) for s in segments)
        return len(whole) * 2 >= len(segments) or wordy
    covered = sum(len(m.group(0)) for m in re.finditer(r"[A-Z]?[a-z]{3,}|[A-Z]{3,}", token))
    return covered >= 0.8 * len(token)


def looks_random(match: re.Match[str]) -> bool:
    token = match.group(0)
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{5,10}-[a-z0-9]{5}", token):
        return False  # a pod's generated name (deployment-replicaset-pod)
    if _UUID.search(token):
        return False  # "pvc-5b1f0c2e-8d5e-...": an object's generated name
    classes = sum(bool(re.search(p, token)) for p in (r"[a-z]", r"[A-Z]", r"\d"))
    if (
        classes < 2
        or _wordy(token)
        or _UUID.fullmatch(token)
        or re.fullmatch(r"[0-9a-f]+|[0-9A-F]+", token)
    ):
        return False
    return entropy(token) >= min(3.5, math.log2(len(token)) - 0.7)
