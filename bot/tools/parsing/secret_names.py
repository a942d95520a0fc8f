"""Which variable and label names hold a secret value.

"PGPASSWORD", "API_KEY" and "ADMINPASS" hold one; "DB_PASSWORD_FILE", "TOKEN_TTL" and
"AUTH_SCOPES" say something about one (a path, a lifetime, a setting) and do not. Redaction
reads the values assigned to secret names; the parser turns such names into references to a
Kubernetes Secret.
"""

from __future__ import annotations

import re

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
        "domain",
        "domains",
        "samesite",
        "method",
        "mode",
        "driver",
        "provider",
        "scheme",
        "strategy",
        "port",
        "name",
        "names",
        "user",
        "username",
        "users",
        "usernames",
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
        "version",
        "prefix",
        "suffix",
        "region",
        "location",
        "ref",
        "count",
        "limit",
        "required",
        "policy",
        "store",
        "backend",
        "backends",
        "class",
        "methods",
        "providers",
        "field",
        "format",
        "kind",
        "rotation",
        "interval",
        "source",
        "mount",
        "env",
        "scope",
        "scopes",
        "access",
        "callback",
        "redirect",
        "role",
        "roles",
        "level",
        "realm",
    }
)
# Plural labels introduce a list of names ("Secrets: DB_PASSWORD, API_KEY"), not one value.
LIST_LABELS = frozenset({"secrets", "credentials", "keys", "tokens", "creds", "passwords"})


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
    if re.fullmatch(
        r"(?:admin|db|root|user|smtp|mail|redis|ldap|api|app|master|super)(?:pass|pwd|pw)", joined
    ):
        return True  # "ADMINPASS", "DBPASS": one word, still a password
    return any(re.fullmatch(rf"[a-z0-9]*{_STRONG}", p) or p in _WEAK for p in parts)


def holds_value(name: str) -> bool:
    """Return True when ``name: x`` assigns one secret value (not a list of names)."""
    parts = name_parts(name)
    return is_secret_name(name) and not (len(parts) == 1 and parts[0] in LIST_LABELS)
