"""How a workload is wired to what exists around it: ConfigMaps and Secrets it mounts, the
ConfigMap a compose bind mount becomes, and the variables through which it reaches a datastore.

"the config.json is in the ConfigMap `renovate-config`; mount it at `/opt/renovate`", "the
`./configuration` directory becomes the ConfigMap `netbox-config`", "the app finds Postgres
through DB_HOST": each is read where it is said. Secret keys are read by ``secret_keys``.
"""

from __future__ import annotations

import re

from bot.tools.models import ConfigMount, Connection, ConnectionPart, SecretMount
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.lexicon import DEPENDENCIES, DEPENDENCY_BY_KIND
from bot.tools.parsing.text import ENV_VAR, Doc, dns_name, replaced_at

_NAME = r"[`\"']?(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])[`\"']?"
_PATH = r"[`\"']?(?P<path>/[\w./-]*)[`\"']?"
_CONFIGMAP = re.compile(
    # "existing CM `telegraf-node-conf`, mount at `/etc/telegraf`": CM, as terse notes say it
    # "a ConfigMap that already exists, called `kratos-config`"
    r"\b(?:config\s?map|(?-i:CM))\s+(?:(?:that|which)\s+(?:already\s+)?exists,?\s+)?"
    r"(?:named\s+|called\s+)?"
    + _NAME
    # "(key `LocalSettings.php`)": a dot inside a code span ends no sentence
    + r"(?:[^.\n`]|\.(?=\S)|`[^`\n]*`){0,120}?(?:\.\s+(?:please\s+|and\s+|then\s+)?)?"
    # "... and it has to show up at `/app/librechat.yaml`", ". It needs to be mounted at `/a`"
    r"(?:\bit\s+(?:needs\s+to|has\s+to|should|must)\s+be\s+)?"
    r"\b(?:mount(?:ed)?|show\s+up|appear|end\s+up)\s+"
    r"(?:it\s+|that\s+|this\s+|(?:that|this|the)\s+config\s?map\s+)?(?:at|in|under|to|on|as)\s+"
    + _PATH
    + r"|\bmount\s+(?:the\s+)?(?:existing\s+)?config\s?map\s+"
    + _NAME.replace("name", "name2")
    + r"\s+(?:at|in|under|to|on)\s+"
    + _PATH.replace("path", "path2")
    # "(ConfigMap `tempo-config` at /etc/tempo)"
    + r"|\bconfig\s?map\s+"
    + _NAME.replace("name", "name3")
    + r"\s+(?:mounted\s+)?(?:at|under)\s+"
    + _PATH.replace("path", "path3")
    # "`/etc/netdata` comes from our ConfigMap `netdata-conf`"
    + r"|"
    + _PATH.replace("path", "path4")
    + r"\s+(?:comes?\s+from|is\s+in|lives\s+in|is\s+served\s+from)\s+(?:our\s+|the\s+|an?\s+)?"
    r"(?:existing\s+)?config\s?map\s+(?:named\s+|called\s+)?" + _NAME.replace("name", "name4"),
    re.I,
)
_SECRET_MOUNT = re.compile(
    r"\bsecret\s+"
    + _NAME
    + r"[^.\n]{0,120}?\bmount(?:ed)?\s+(?:it\s+)?(?:at|in|under|to|on)\s+"
    + _PATH
    # "既存 Secret `x` (...) を `/certs` に ... mount": the path said before the verb
    + r"|\bsecret\s+"
    + _NAME.replace("name", "name2")
    + r"[^.\n`]{0,40}?(?:\([^()\n]*\)\s*)?を\s*"
    + _PATH.replace("path", "path2")
    + r"\s*に[^.\n]{0,30}?\bmount",
    re.I,
)
_CONNECT = re.compile(
    r"\b(?:point(?:s|ing|ed)?|connect(?:s|ing)?|reach(?:es)?|finds?|through|via|talks?\s+to|"
    r"url|uri|dsn|connection\s+string|host(?:name)?|at\s+it|bundled|gets?\s+its|wired?|wiring|"
    r"build|built|assembled?)\b|"
    # "`X_DB_HOST` and `X_DB_PASSWORD` must come from that database of the chart"
    r"\bcomes?\s+from\s+(?:that|the|this|our)\s+(?:bundled\s+)?(?:database|db)\b|"
    r"`\s*(?:→|->|=>)\s",
    re.I,
)
# A variable: a NAME_WITH_PARTS, or one upper-case word written as code ("`HOST`").
_ENV_NAME = re.compile(
    rf"`?(?<![\w$])(?P<env>{ENV_VAR}|(?<=`)[A-Z][A-Z0-9]{{2,}}(?=`)|"
    # "Set PGHOST to the bundled postgres": a one-word name, where "set ... to" says it is one
    r"(?<=[Ss]et\s)[A-Z][A-Z0-9]{3,}(?=\s+to\b))`?"
)


def read_mounts(text: str, c: ComponentDraft) -> None:
    for match in _CONFIGMAP.finditer(text):
        name = match.group("name") or match.group("name2") or match.group("name3")
        name = name or match.group("name4")
        quoted = re.search(r"`([a-z0-9][a-z0-9.-]*[a-z0-9])`", match.group(0))
        if quoted and f"`{name}`" not in match.group(0):
            name = quoted.group(1)  # "a ConfigMap we already manage, `policy`": the code span
        path = next(match.group(g) for g in ("path", "path2", "path3", "path4") if match.group(g))
        path = path.rstrip(".,")
        # A file's path ("/var/www/html/LocalSettings.php") mounts one key there: the one
        # named ("key `LocalSettings.php`"), else the file's own name.
        key = re.search(r"\bkey\s+`([\w.-]+)`", match.group(0), re.I)
        file = re.search(r"/[^/]+\.[A-Za-z0-9]{1,5}$", path)
        sub = (key.group(1) if key else path.rsplit("/", 1)[-1]) if file else ""
        known = next((m for m in c.config_mounts if m.mount_path == path), None)
        if known is None:
            c.config_mounts.append(ConfigMount(config_map=name, mount_path=path, sub_path=sub))
        else:
            known.config_map = name  # a compose bind mount's guessed name yields to the one said
    for match in _SECRET_MOUNT.finditer(text):
        path = (match.group("path") or match.group("path2")).rstrip(".,")
        name = match.group("name") or match.group("name2")
        known = next((m for m in c.secret_mounts if m.mount_path == path), None)
        if known is None:
            c.secret_mounts.append(SecretMount(secret_name=name, mount_path=path))
        elif not known.secret_name:
            known.secret_name = name


# "The `./configuration` directory becomes the ConfigMap `netbox-config`."
_CONFIG_SOURCE = re.compile(
    r"[`\"']?(?:\./)?(?P<src>[\w.-]+(?:/[\w.-]+)*)/?[`\"']?\s+(?:directory\s+|folder\s+|dir\s+|"
    r"file\s+)?(?:becomes|is|goes\s+into|lives\s+in|is\s+in|will\s+be|turns\s+into|->|=>)\s+"
    r"(?:already\s+|now\s+)?(?:the\s+|a\s+|an\s+|our\s+)?(?:existing\s+)?config\s?map\s+"
    r"(?:in\s+the\s+(?:namespace|cluster)\s+)?(?:named\s+|called\s+)?[`\"']?"
    r"(?!(?:in|on|the|of|for|with|and|that|which)\b)(?P<name>[a-z0-9][a-z0-9.-]*[a-z0-9])",
    re.I,
)


def read_config_sources(text: str, draft: Draft) -> None:
    """A compose bind mount the request turns into a named ConfigMap ("the `./configuration`
    directory becomes the ConfigMap `netbox-config`") is that ConfigMap, in every workload."""
    for match in _CONFIG_SOURCE.finditer(text):
        said = match.group(0)
        if not (
            said[0] in "`\"'"
            or said.startswith("./")
            or re.match(r"\S+\s+(?:directory|folder|dir|file)\b", said)
        ):
            continue  # "Its config is in the ConfigMap `x`": a word, not a bind-mounted path
        stem = re.sub(r"\.[A-Za-z0-9]{1,6}$", "", match.group("src").rsplit("/", 1)[-1])
        derived = dns_name(stem, 53)
        for c in [draft.main, *draft.components.values()]:
            for mount in c.config_mounts:
                if derived and (
                    mount.config_map == derived or mount.config_map.endswith(f"-{derived}")
                ):
                    mount.config_map = match.group("name")
            # a bind-mounted directory of that name ("./nginx/locations"): the ConfigMap's files
            for volume in [
                v for v in c.volumes if v.name == derived and v.persistent and not v.size
            ]:
                c.volumes.remove(volume)
                c.config_mounts.append(
                    ConfigMount(config_map=match.group("name"), mount_path=volume.mount_path)
                )


def part_of(env: str) -> ConnectionPart | None:
    """Return which part of a connection an env var's name says it holds, if any."""
    upper = env.upper()
    if re.search(r"_(?:URL|URI|DSN)$|CONN(?:ECTION)?(?:_STRING)?$", upper):
        return "url"
    if re.search(r"HOST(?:NAME)?$|_ADDR(?:ESS)?$|_SERVER$", upper):
        return "host"
    if upper.endswith("PORT"):
        return "port"
    if re.search(r"USER(?:NAME)?$", upper):
        return "user"
    if re.search(r"PASS(?:WORD)?$|PASSWD$", upper):
        return "password"
    if re.search(r"_DB$|DATABASE$|_NAME$", upper):
        return "database"
    return None  # LOG_LEVEL beside "Postgres" is not a connection


def store_for(env: str, sentence: str, stores: list[str]) -> str:
    """Return the datastore an env var names, by its own name or the sentence around it."""
    upper = env.upper()
    by_name = (
        ("redis", r"REDIS|VALKEY|CACHE"),
        ("rabbitmq", r"AMQP|RABBIT"),
        ("mongodb", r"MONGO"),
        ("elasticsearch", r"ELASTIC|_ES_|^ES_"),
        ("memcached", r"MEMCACHE"),
        ("nats", r"NATS"),
        ("postgresql", r"POSTGRES|_PG|^PG|DATABASE|_DB|^DB|SQL"),
        ("mysql", r"MYSQL|DATABASE|_DB|^DB|SQL"),
        ("mariadb", r"MARIA|MYSQL|DATABASE|_DB|^DB|SQL"),
    )
    named = [kind for kind, pattern in by_name if re.search(pattern, upper)]
    for kind in named:
        if kind in stores:
            return kind
    if named:
        return ""  # REDASH_DATABASE_URL is no way to the bundled Redis
    if "BROKER" in upper:
        return next((k for k in ("redis", "rabbitmq") if k in stores), "")
    mentioned = [k for k in stores if mentions_store(sentence, k)]
    return mentioned[0] if len(mentioned) == 1 else ""


def mentions_store(sentence: str, kind: str) -> bool:
    backing = next((d for d in DEPENDENCIES if d.kind == kind), None)
    return bool(backing and backing.pattern.search(sentence))


# "`REDMINE_DB_POSTGRES` (host)": what a variable holds, said right after it.
_SAID_PART = re.compile(r"`?\s*\(?\s*(?P<part>host(?:name)?|server|address)\b", re.I)


def read_connections(doc: Doc, draft: Draft, c: ComponentDraft) -> None:
    """The variables through which the workload reaches a bundled datastore, in sentences
    about connecting to it; a user or database name given to such a variable is the
    datastore's own, so both ends agree."""
    # A datastore managed elsewhere is reached with the values the request gives, as plain env.
    stores = [k for k, d in draft.dependencies.items() if not d.external]
    if not stores:
        return
    text = doc.text
    for span in doc.sentences:
        sentence = text[span.start : span.end]
        if not _CONNECT.search(sentence):
            continue
        # a sentence a line break cut: read on to its full stop for the list of datastores
        stop = re.search(r"[.!?](?:\s|$)|\n\s*\n", text[span.start :])
        paired = _paired(text[span.start : span.start + stop.end()] if stop else sentence, stores)
        for match in _ENV_NAME.finditer(sentence):
            env = match.group("env")
            if env in c.env and "://" in c.env[env]:
                continue
            if replaced_at(sentence, match.start()):
                continue  # "Instead of the `DD_DATABASE_URL` string ...": the one not wanted
            if part_of(env) == "url" and env in c.env and not re.search(r"[:/@.]", c.env[env]):
                continue  # "`DB_CONNECTION=mysql`" names a driver, not where the database is
            # "`A` and `B` from the bundled postgres; `C` pointing at the bundled redis": each
            # clause names its own datastore.
            clause = _clause(sentence, match.start())
            # "`MAYAN_CELERY_BROKER_URL` pointing at RabbitMQ": the store it is said to point at
            kind = (
                paired.get(env)
                or _pointed_at(sentence, match.end(), stores)
                or store_for(env, clause, stores)
                or store_for(env, sentence, stores)
            )
            named = any(mentions_store(sentence, k) for k in stores) or bool(
                store_for(env, "", stores)
            )
            if not kind or not named or any(x.env == env for x in c.connections):
                continue
            said = _SAID_PART.match(sentence, match.end())
            part = part_of(env) or ("host" if said else None)
            if (
                part is None
                and env not in c.env
                and (
                    env in paired
                    or _points_at(sentence, match.end(), kind, env)
                    # "the workers get them via `FRAPPE_REDIS_CACHE` and `FRAPPE_REDIS_QUEUE`"
                    or (_VIA.search(sentence) and store_for(env, "", stores) == kind)
                )
            ):
                part = "url"  # "`CELERY_BROKER` pointing at the bundled redis": where it is
            if part is None or part == "password":
                continue
            if part == "port" and c.env.get(env, str(DEPENDENCY_BY_KIND[kind].port)) != str(
                DEPENDENCY_BY_KIND[kind].port
            ):
                continue  # "`RAG_PORT=8000`": the workload's own port, not the datastore's
            stated = c.env.pop(env, None)
            dep = draft.dependencies[kind]
            if stated and part in ("user", "database") and not getattr(dep, part):
                setattr(dep, part, stated)
            ref = c.secrets.get(env)
            if ref is not None and (part == "url" or not ref.secret_name):
                c.secrets.pop(env)  # read from the datastore, not from a Secret of its own
            c.connections.append(Connection(dependency=kind, env=env, part=part))


_VIA = re.compile(r"\bgets?\s+(?:them|it|those)\s+(?:via|through|from|in)\b", re.I)


# After a variable (and the others listed with it): "`A`, `B` and `C` pointing at the redis".
_POINTS_AT = re.compile(
    # each further name after a comma or "and", whole: a long name split in pieces would
    # backtrack exponentially
    r"(?:`?\s*(?:,|\band\b|/)\s*`?[A-Z][A-Z0-9_]+\b`?)*`?\s*(?:(?:must|should|need\s+to|have\s+to)\s+)?"
    r"(?:point(?:s|ing)?\s+(?:at|to)|connect(?:s|ing)?\s+to)\s+(?P<rest>[^.;,]{0,60})"
)


def _paired(sentence: str, stores: list[str]) -> dict[str, str]:
    """ "`A`, `B` and `C` must point at the bundled postgres, rabbitmq and redis": as many
    variables as datastores, each to the one in the same place of the list."""
    said = _POINTS_AT.search(sentence)
    if said is None:
        return {}
    envs = [m.group("env") for m in _ENV_NAME.finditer(sentence, 0, said.start("rest"))]
    rest = sentence[said.start("rest") :]
    named = sorted(
        (hit.start(), kind)
        for kind in stores
        for hit in [next((d.pattern.search(rest) for d in DEPENDENCIES if d.kind == kind), None)]
        if hit is not None
    )
    if len(named) < 2 or len(envs) != len(named):
        return {}
    return {env: kind for env, (_, kind) in zip(envs, named, strict=True)}


def _pointed_at(sentence: str, end: int, stores: list[str]) -> str:
    """The one datastore a "pointing at ..." right after a variable names, if any."""
    said = _POINTS_AT.match(sentence, end)
    named = [k for k in stores if said and mentions_store(said.group("rest"), k)]
    return named[0] if len(named) == 1 else ""


def _points_at(sentence: str, end: int, kind: str, env: str) -> bool:
    """ "`A` pointing at the bundled redis"; "`POSTGRES_URL` must point to it" when the name
    says which datastore "it" is."""
    said = _POINTS_AT.match(sentence, end)
    if not said:
        return False
    named = store_for(env, "", [kind]) == kind
    return mentions_store(said.group("rest"), kind) or (
        named and bool(re.match(r"(?:it|them)\b", said.group("rest"), re.I))
    )


def _clause(sentence: str, pos: int) -> str:
    """The part of ``sentence`` around ``pos`` between semicolons."""
    start = sentence.rfind(";", 0, pos) + 1
    end = sentence.find(";", pos)
    return sentence[start : end if end >= 0 else len(sentence)]


def named_hosts(draft: Draft) -> None:
    """``POSTGRES_HOST=db_recipes`` beside a bundled Postgres names the old compose service:
    the chart's own datastore is that host now, and the user and database set beside it are
    that datastore's, so both ends agree."""
    stores = [k for k, d in draft.dependencies.items() if not d.external]
    for c in [draft.main, *draft.components.values()]:
        for env, value in list(c.env.items()):
            if part_of(env) != "host" or not re.fullmatch(r"[a-z][a-z0-9_-]*", value):
                continue
            kind = store_for(env, "", stores)
            if not kind or value == "localhost" or any(x.env == env for x in c.connections):
                continue
            c.env.pop(env)
            c.connections.append(Connection(dependency=kind, env=env, part="host"))
            dep = draft.dependencies[kind]
            for other, said in c.env.items():
                part = part_of(other)
                if part in ("user", "database") and store_for(other, "", stores) == kind:
                    setattr(dep, part, getattr(dep, part) or said)


# "host and password should come from the bundled postgres", "let the chart generate the
# postgres password and hand it to PeerTube": the variables are the app's, unnamed.
_FROM_STORE = re.compile(
    r"\b(?P<parts>(?:host(?:name)?|password)(?:\s*(?:and|,|/|\+|&)\s*(?:host(?:name)?|password|port))*)"
    r"\b[^.;]{0,80}?\b(?:come|comes|from|hand|pass|give|generate|wired|point(?:s|ed|ing)?)\b|"
    r"\bgenerate\b[^.;]{0,40}?\bpassword\b[^.;]{0,40}?\b(?:hand|pass|give)\b",
    re.I,
)
_SUFFIXES = ("HOSTNAME", "HOST", "PORT", "USERNAME", "USER", "NAME", "DATABASE", "PASSWORD")


def derived_connections(text: str, draft: Draft) -> None:
    """Name the host and password variables a request leaves unnamed after the ones it names:
    PEERTUBE_DB_HOSTNAME says PEERTUBE_DB_PASSWORD, SFTPGO_DATA_PROVIDER__USERNAME says
    SFTPGO_DATA_PROVIDER__HOST."""
    stores = [k for k, d in draft.dependencies.items() if not d.external]
    for span_text in re.split(r"(?<=[.!?;])\s+|\n", text):
        said = _FROM_STORE.search(span_text)
        if not said:
            continue
        bundled = re.search(r"\b(?:bundled|in-chart|the\s+chart)\b", span_text, re.I)
        kinds = [k for k in stores if mentions_store(span_text, k)] or (
            stores if len(stores) == 1 and bundled else []
        )
        if len(kinds) != 1:
            continue
        wanted = (
            {"password"}
            if said.group("parts") is None
            else {
                "host" if w.lower().startswith("host") else w.lower()
                for w in re.findall(r"host(?:name)?|password|port", said.group("parts"), re.I)
            }
        )
        for c in [draft.main, *draft.components.values()]:
            _derive(c, kinds[0], wanted)


def _derive(c: ComponentDraft, kind: str, wanted: set[str]) -> None:
    """Add ``wanted`` connections to ``kind`` under the prefix the workload's own variables
    for that datastore share; nothing when no one prefix stands out."""
    names = [*c.env, *[x.env for x in c.connections if x.dependency == kind]]
    votes: dict[str, int] = {}
    for name in names:
        suffix = next((x for x in _SUFFIXES if name.upper().endswith(x)), "")
        prefix = name[: -len(suffix)] if suffix else ""
        if not prefix.endswith("_"):
            continue
        strong = store_for(name, "", [kind]) == kind or mentions_store(c.env.get(name, ""), kind)
        if strong or store_for(name, "", [kind]) == "":
            votes[prefix] = votes.get(prefix, 0) + (10 if strong else 1)
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if not ranked or len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return
    prefix = ranked[0][0]
    have = {x.part for x in c.connections if x.dependency == kind}
    host = (
        "HOSTNAME"
        if any(n.startswith(prefix) and n.endswith("HOSTNAME") for n in names)
        else "HOST"
    )
    for part in sorted(wanted - have):
        env = prefix + {"host": host, "port": "PORT"}.get(part, "PASSWORD")
        if env in c.env or env in c.secrets:
            continue  # named by the request: read where it says
        c.connections.append(Connection(dependency=kind, env=env, part=part))  # type: ignore[arg-type]
