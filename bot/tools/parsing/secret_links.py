"""Where the app's secret variables live, once every part of the request has been read.

Three rules need the whole draft (values handed on under other names are `values_elsewhere`'s).
A variable a compose file interpolates ("DB_PASS: ${POSTGRES_PASSWORD}") that the request keeps
in a Secret is where every setting built from it reads its value. A variable named for a
datastore's password ("REDIS_PASSWORD" in a workload that reaches the bundled Redis) is that
datastore's password. And a datastore password the request keeps in a named Secret is where the
datastore reads it too: one Secret for both ends.
"""

from __future__ import annotations

from bot.tools.models import Connection
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.wiring import part_of, store_for


def referenced_secrets(draft: Draft) -> None:
    """A variable the compose file interpolates ("DB_PASS: ${POSTGRES_PASSWORD}") that the
    request keeps in a Secret is where every setting built from it reads its value; the
    variable itself is no setting of a service that does not list it."""
    workloads = [(draft.component, draft.main), *draft.components.items()]
    stated = {name: ref for _, c in workloads for name, ref in c.secrets.items() if ref.secret_name}
    for key, c in workloads:
        env = draft.compose_env.get(key, {})
        for var, variable in env.items():
            ref = stated.get(variable)
            if ref is not None and var != variable:
                c.add_secret(var, ref.secret_name, ref.key)
        for variable in [n for n in c.secrets if n in stated and n not in env]:
            if any(variable == v for v in env.values()):
                c.secrets.pop(variable)


def password_variables(draft: Draft) -> None:
    """A secret variable whose name says it is the password of a datastore the workload
    reaches ("DB_PASSWORD" beside DB_HOST) is that datastore's password: one per datastore."""
    bundled = [k for k, d in draft.dependencies.items() if not d.external]
    for c in [draft.main, *draft.components.values()]:
        reached = {x.dependency for x in c.connections}
        with_password = {x.dependency for x in c.connections if x.part == "password"}
        for name in sorted(c.secrets, key=len):  # REDIS_PASSWORD before REDIS_CACHE_PASSWORD
            kind = store_for(name, "", [k for k in bundled if k in reached])
            if part_of(name) == "password" and kind and kind not in with_password:
                c.connections.append(Connection(dependency=kind, env=name, part="password"))
                with_password.add(kind)


def link_passwords(draft: Draft) -> None:
    """A datastore password the request keeps in a named Secret is where the datastore reads it
    too: one Secret for both ends, the variable rendered from it by the connection."""
    for c in [draft.main, *draft.components.values()]:
        for conn in c.connections:
            ref = c.secrets.get(conn.env)
            if conn.part != "password" or ref is None:
                continue
            dep = draft.dependencies.get(conn.dependency)
            if dep is not None and ref.secret_name and not dep.existing_secret:
                dep.existing_secret, dep.password_key = ref.secret_name, ref.key
            elif dep is not None and dep.existing_secret == ref.secret_name:
                dep.password_key = dep.password_key or ref.key
            c.secrets.pop(conn.env)
