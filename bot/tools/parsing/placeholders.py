"""A variable whose value leaves the datastore's host for the chart to fill in.

"`REDIS_SERVERS=tcp://<the chart's redis>:6379`", "`DATABASE_URL=postgres://app@<postgres
host>:5432/app`", "`CACHE_HOST=<redis service>`": the person knows the shape of the value but not
the Service name the chart will give the datastore, so they write a placeholder that names it.
The chart knows that name: the variable becomes a connection to that bundled datastore, in the
value's own shape (URL, host:port or host).
"""

from __future__ import annotations

import re

from bot.tools.parsing.compose.environment import connect_value
from bot.tools.parsing.draft import Draft
from bot.tools.parsing.wiring import mentions_store

# "<el redis del chart>", "<postgres host>", "<redis-service>": a placeholder and its words.
_PLACEHOLDER = re.compile(r"<(?P<words>[^<>\n]{1,50})>|\{\{\s*(?P<words2>[^{}\n]{1,50}?)\s*\}\}")
# Where the host stands in a value: after a scheme (and credentials), or at its start.
_AT_HOST = re.compile(r"^(?:[a-z][\w+.:-]*://(?:[^@/\s]*@)?)?$", re.I)
_HOSTISH = re.compile(r"host|server|service|address|chart|svc", re.I)


def placeholder_connections(draft: Draft) -> None:
    stores = [kind for kind, dep in draft.dependencies.items() if not dep.external]
    for c in [draft.main, *draft.components.values()]:
        for key, value in list(c.env.items()):
            for match in _PLACEHOLDER.finditer(value):
                if not _AT_HOST.match(value[: match.start()]):
                    continue
                words = match.group("words") or match.group("words2") or ""
                kinds = [k for k in stores if mentions_store(words, k)] or (
                    stores if len(stores) == 1 and _HOSTISH.search(words) else []
                )
                if len(kinds) != 1:
                    continue
                del c.env[key]
                c.pasted_env.discard(key)
                filled = value[: match.start()] + kinds[0] + value[match.end() :]
                connect_value(c, key, filled, kinds[0])
                break
