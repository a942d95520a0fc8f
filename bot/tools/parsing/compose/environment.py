"""A compose service's environment: its settings, and the ones that reach a datastore.

``DB_HOST: db`` where ``db`` is the compose datastore, ``DATABASE_URL: postgres://...@db/app``
and ``CACHE_SERVERS: cache:11211`` become connections to the bundled datastore (its host, a URL,
an address); a user or database name given next to them is the datastore's own.
"""

from __future__ import annotations

import re

from bot.tools.models import Connection
from bot.tools.parsing.compose.spec import Service
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.secrets import REDACTED
from bot.tools.parsing.wiring import part_of, store_for


def environment(svc: Service, c: ComponentDraft, draft: Draft, stores: dict[str, str]) -> None:
    for key, value in svc.environment.items():
        if value is None:
            draft.note(
                f"{key} of '{svc.name}' takes its value from the host environment in compose"
            )
            c.add_env(key, "") if key.isupper() else None
            continue
        store = _names_datastore(value, stores)
        if store and ("://" in value or _HOSTISH.search(key) or _ADDRESS.fullmatch(value)):
            connect_value(c, key, value, store)
            continue
        # "${NEXT_PRIVATE_DATABASE_URL}" left by a nested default is as unset as "".
        blank = not value.strip() or re.fullmatch(r"\$\{?\w+\}?", value.strip())
        unset = store_for(key, "", sorted(set(stores.values()))) if blank else ""
        if unset and part_of(key) == "url":
            # "NEXT_PRIVATE_DATABASE_URL=${NEXT_PRIVATE_DATABASE_URL:?err}" beside the compose
            # Postgres: the operator fills it with that database's URL; the chart does it.
            c.connections.append(Connection(dependency=unset, env=key, part="url"))
            continue
        if store and re.search(r"USER(?:NAME)?$", key):
            _remember(draft, store, "user", value)
        elif store is not None and re.search(r"(?:_DB|DATABASE|DB_?NAME)$", key):
            _remember(draft, store, "database", value)
        c.add_env(key, value, pasted=True)


_HOSTISH = re.compile(r"HOST(?:NAME)?S?$|_ADDR(?:ESS)?$|_SERVERS?$|_ENDPOINT$|^[A-Z]+_URL$", re.I)


def _remember(draft: Draft, kind: str, what: str, value: str) -> None:
    """Keep the user or database an app variable names as the datastore's own."""
    dep = draft.dependencies.get(kind)
    if dep is not None and REDACTED not in value and not getattr(dep, what):
        setattr(dep, what, value)


def _names_datastore(value: str, stores: dict[str, str]) -> str:
    """Return the datastore a value points at (its compose host name or a URL to it)."""
    if value in stores:
        return stores[value]
    url = re.match(rf"{_SCHEME}://(?:[^@/\s]*@)?(?P<host>[\w.-]+)", value)
    if url and url.group("host") in stores:
        return stores[url.group("host")]
    address = _ADDRESS.fullmatch(value)
    if address and address.group("host") in stores:
        return stores[address.group("host")]
    return ""


# "postgres", "postgresql+asyncpg", "jdbc:postgresql": a URL's scheme.
_SCHEME = r"(?P<scheme>(?:jdbc:)?[a-z+]+)"
# "zammad-memcached:11211": a datastore's address, its host and port.
_ADDRESS = re.compile(r"(?P<host>[A-Za-z][\w.-]*):(?P<port>\d{2,5})")


def connect_value(c: ComponentDraft, key: str, value: str, store: str) -> None:
    """Wire ``key`` to ``store`` in the shape its value has: a URL (scheme and Redis database
    kept), an address host:port, or a bare host."""
    url = re.match(rf"{_SCHEME}://(?:[^@/\s]*@)?[\w.-]+(?::\d+)?(?P<path>/\S*)?", value)
    if url:
        path = url.group("path") or ""
        # /bookshelf names the database (the chart's own); /0 picks a Redis database.
        path = path if re.fullmatch(r"/\d+", path) else ""
        c.connections.append(
            Connection(
                dependency=store, env=key, part="url", url_scheme=url.group("scheme"), url_path=path
            )
        )
    else:
        address = bool(_ADDRESS.fullmatch(value))
        c.connections.append(Connection(dependency=store, env=key, part="host", with_port=address))
