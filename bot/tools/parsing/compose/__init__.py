"""Pasted docker-compose files: every application service becomes a workload of the chart.

``extract`` finds compose documents in a request (the whole text, fenced blocks, a bare
``services:`` block, or else ``docker run`` lines, read as the services they are); ``apply``
reads one into the draft: the specification's shape from ``spec``, the mapping to Kubernetes
from ``services``. Variables the request pastes beside the file (an ``.env`` block,
``IMMICH_VERSION=v1.135.3`` in prose) fill its ``${VAR}`` references and, for services that
load that env file, their environment.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.tools.models import Connection
from bot.tools.parsing.compose import docker_run, spec
from bot.tools.parsing.compose import services as mapping
from bot.tools.parsing.compose.comments import reader_comments
from bot.tools.parsing.compose.volumes import external_claims
from bot.tools.parsing.draft import RANK_IMAGE, ComponentDraft, Draft
from bot.tools.parsing.images import find_images, parse_image
from bot.tools.parsing.lexicon import datastore_kind
from bot.tools.parsing.secrets import REDACTED
from bot.tools.parsing.text import dns_name

_FENCE = re.compile(
    r"^[ \t]*(```|~~~)[ \t]*(?P<lang>[\w.+-]*)[^\n]*\n(?P<body>.*?)^[ \t]*\1[ \t]*$", re.M | re.S
)
_EMBEDDED = re.compile(
    r"^(?:version:[^\n]*\n(?:[ \t]*\n)*)?services:[ \t]*\n(?:(?:[ \t]+[^\n]*|"
    r"[ \t]*|(?:volumes|networks|configs|secrets|x-[\w-]+|name):[^\n]*)\n?)+",
    re.M,
)
_ENV_LINE = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?P<k>[A-Za-z_][A-Za-z0-9_]*)=(?P<v>[^\n]*)$", re.M
)
# "IMMICH_VERSION=v1.135.3", "`APP_RELEASE` is `v1.2.3`": a variable the compose file reads.
_INLINE = re.compile(
    r"(?<![\w$-])(?P<k>[A-Z][A-Z0-9_]{2,})(?:=|`\s+(?:is|=|should be|set to)\s+`)"
    r"(?P<v>[^\s`'\",;)]+)"
)
_MAX_YAML = 200_000


_MERGE_OF_MISSING = re.compile(r"^[ \t]*<<:[ \t]*(?:\*[\w.-]+|\[[^\]\n]*\])[ \t]*\n", re.M)


def _load(body: str) -> dict[str, Any] | None:
    if len(body) > _MAX_YAML:
        return None
    try:
        doc = yaml.safe_load(body)
    except yaml.YAMLError as error:
        if "undefined alias" not in str(error):
            return None
        # A file pasted without its `x-*` anchor blocks ("I cut the anchors"): what the
        # services say themselves still stands; the merged-in defaults are simply not there.
        body = _MERGE_OF_MISSING.sub("", body)
        body = re.sub(r"(:\s+)\*[\w.-]+\s*$", r"\1null", body, flags=re.M)
        try:
            doc = yaml.safe_load(body)
        except yaml.YAMLError:
            return None
    if isinstance(doc, dict) and isinstance(doc.get("services"), dict):
        return doc
    return None


def extract(text: str) -> tuple[list[dict[str, Any]], str]:
    """Return the compose documents in ``text`` and the text left around them."""
    docs: list[dict[str, Any]] = []
    whole = _load(text) if re.search(r"^services:\s*$", text, re.M) else None
    if whole is not None:
        return [whole], reader_comments(text)
    rest = text
    for match in list(_FENCE.finditer(text)):
        doc = _load(match.group("body"))
        if doc is not None:
            docs.append(doc)
            rest = rest.replace(match.group(0), "\n")
    if not docs:
        for match in list(_EMBEDDED.finditer(rest)):
            doc = _load(match.group(0))
            if doc is not None:
                docs.append(doc)
                rest = rest.replace(match.group(0), "\n")
    if not docs:
        # "This is what runs on the VM today: docker run -p 8443:8443 -v data:/data ..."
        doc, spans = docker_run.compose_document(rest)
        if doc is not None:
            for start, end in reversed(spans):
                rest = rest[:start] + "\n" * rest.count("\n", start, end) + rest[end:]
            _stated_images(doc, rest)
            docs.append(doc)
    return docs, rest


def _stated_images(doc: dict[str, Any], prose: str) -> None:
    """The image the request names for an app it also shows as a ``docker run`` ("### Image:
    gcr.io/cadvisor/cadvisor:v0.49.1" over the old ``google/cadvisor:latest`` line) is the one
    the chart runs."""
    stated = [found.image for found in find_images(prose)]
    for svc in doc["services"].values():
        ran = parse_image(svc["image"])
        base = ran.repository.rsplit("/", 1)[-1] if ran else ""
        said = next((i for i in stated if i.repository.rsplit("/", 1)[-1] == base), None)
        if said is not None:
            svc["image"] = said.reference


# The file name a writer puts before an env block: "`.importer.env`:", "and the .env (...):".
_ENV_FILE_LABEL = re.compile(
    r"(?P<file>[\w.-]*\.env(?:\.[\w-]+)?|[\w.-]+\.env|\.[\w-]+_env)\b[^\n]*:?[ \t]*\n*$"
)


def _env_blocks(text: str) -> list[tuple[str, re.Match[str]]]:
    """Return the fenced blocks made only of ``KEY=value`` lines, each with the env file name
    written just before it ('' when none is)."""
    blocks = []
    for match in _FENCE.finditer(text):
        body = match.group("body")
        lines = [
            line for line in body.splitlines() if line.strip() and not line.strip().startswith("#")
        ]
        if lines and all(_ENV_LINE.match(line) for line in lines):
            before = text[max(0, match.start() - 200) : match.start()].rstrip("\n")
            last = before.rsplit("\n", 1)[-1]
            label = _ENV_FILE_LABEL.search(last)
            blocks.append((label.group("file").lower() if label else "", match))
    return blocks


def _block_variables(match: re.Match[str]) -> dict[str, str]:
    return {
        env.group("k"): env.group("v").strip().strip("'\"")
        for env in _ENV_LINE.finditer(match.group("body"))
    }


def variables(text: str) -> dict[str, str]:
    """Return the variables a request states beside its compose file (.env blocks, prose)."""
    found: dict[str, str] = {}
    for _, match in _env_blocks(text):
        for key, value in _block_variables(match).items():
            found.setdefault(key, value)
    for match in _INLINE.finditer(_FENCE.sub("", text)):
        found.setdefault(match.group("k"), match.group("v").rstrip("."))
    return found


def env_files(text: str) -> dict[str, dict[str, str]]:
    """Return the variables of each env block named by its file ("`.importer.env`:")."""
    files: dict[str, dict[str, str]] = {}
    for label, match in _env_blocks(text):
        if label:
            files.setdefault(label, {}).update(_block_variables(match))
    return files


def without_env_blocks(text: str) -> str:
    """Blank the env blocks beside a compose file: they feed its ``${VAR}`` references and the
    services that load them, not the main workload's settings."""
    for _, match in reversed(_env_blocks(text)):
        text = text[: match.start()] + "\n" * match.group(0).count("\n") + text[match.end() :]
    return text


_REFERENCE = re.compile(r"^\$\{?(\w+)")


def _password_variables(doc: dict[str, Any], stores: dict[str, str]) -> dict[str, str]:
    """Return the variables that set a datastore's password (``${DB_PASSWORD}``), by kind."""
    found: dict[str, str] = {}
    for svc in spec.services(doc):
        kind = stores.get(svc.name)
        if not kind:
            continue
        for key, value in svc.environment.items():
            match = _REFERENCE.match(str(value or ""))
            if match and re.search(r"PASS(?:WORD)?$", key):
                found[match.group(1)] = kind
    return found


def _password_connections(
    doc: dict[str, Any], name: str, passwords: dict[str, str], c: ComponentDraft
) -> None:
    """An app variable that takes the datastore's own password variable reads its Secret."""
    raw = next((s for s in spec.services(doc) if s.name == name), None)
    for key, value in (raw.environment if raw else {}).items():
        match = _REFERENCE.match(str(value or ""))
        kind = passwords.get(match.group(1)) if match else None
        if kind and "://" not in str(value):
            c.env.pop(key, None)
            c.secrets.pop(key, None)
            if not any(x.env == key for x in c.connections):
                c.connections.append(Connection(dependency=kind, env=key, part="password"))
    # The password variable itself, when the app reads it under its own name (.env files).
    for variable, kind in passwords.items():
        if variable in c.secrets:
            c.secrets.pop(variable)
            c.connections.append(Connection(dependency=kind, env=variable, part="password"))


def _remember_references(doc: dict[str, Any], name: str, draft: Draft) -> None:
    """Keep which variable each setting of a service interpolates, for the request to say
    later where that variable's value lives ("`ENCRYPTION_KEY` is in the Secret ...")."""
    raw = next((s for s in spec.services(doc) if s.name == name), None)
    key = dns_name(name, 30)
    draft.env_files[key] = (
        [f.replace("\\", "/").rsplit("/", 1)[-1] for f in raw.env_files] if raw else []
    )
    seen = draft.compose_env.setdefault(key, {})
    for var, value in (raw.environment if raw else {}).items():
        whole = re.fullmatch(r"\$\{?(\w+)(?::?[-?][^}]*)?\}?", str(value or "").strip())
        seen[var] = whole.group(1) if whole else ""


def _unmarked(value: Any) -> Any:
    """A redacted value reads as the YAML list ``[REDACTED]``: make it the string it stands for."""
    if isinstance(value, dict):
        return {k: _unmarked(v) for k, v in value.items()}
    if isinstance(value, list):
        if value == [REDACTED.strip("[]")]:
            return REDACTED
        return [_unmarked(v) for v in value]
    return value


def _used(doc: dict[str, Any], stores: dict[str, str]) -> set[str]:
    """Names the compose file itself interpolates: host paths and versions, not app config.
    ``$$VAR`` is an escaped dollar, a variable of the container's shell. A datastore's own
    settings (``POSTGRES_USER=${TTRSS_DB_USER}``) are the app's too: its env file keeps them."""
    services = {
        name: {k: v for k, v in (body or {}).items() if k != "environment"}
        if name in stores
        else body
        for name, body in (doc.get("services") or {}).items()
    }
    dumped = yaml.safe_dump({**doc, "services": services})
    return set(re.findall(r"(?<!\$)\$\{?(\w+)", dumped.replace("$$", "")))


def apply(
    doc: dict[str, Any],
    draft: Draft,
    known: dict[str, str],
    files: dict[str, dict[str, str]] | None = None,
    prose: str = "",
) -> None:
    """Add the workloads, datastores and ingress of one compose document to ``draft``;
    ``known`` are the variables stated beside it, ``files`` those of each named env file,
    ``prose`` what the request says around it (the services it drops)."""
    doc = _renamed_services(_unmarked(doc), prose)
    problems = spec.schema_errors(doc)
    if problems:
        draft.note(
            "the compose file does not follow the Compose Specification ("
            + "; ".join(problems[:3])
            + "): it was read as far as it goes"
        )
    interpolated = spec.interpolate(doc, known)
    every = spec.services(interpolated)
    stores = {s.name: kind for s in every if (kind := mapping.backing_kind(s))}
    for svc in every:
        if svc.name not in stores:
            # A bare "- TOTP_VAULT_KEY" passes the project's variable through: the .env has it.
            svc.environment = {
                key: known.get(key) if value is None else value
                for key, value in svc.environment.items()
            }
    unmounted = dropped_mounts(prose, [v.target for svc in every for v in svc.volumes])
    for svc in every:
        svc.volumes = [v for v in svc.volumes if v.target.rstrip("/") not in unmounted]
    alone = len(every) - len(stores) <= 1
    gone = dropped(prose, [svc.name for svc in every])
    kept = wanted(prose, [(svc.name, mapping.base(svc.image)) for svc in every])
    apps = [
        s
        for s in every
        if s.name not in stores
        and s.name not in gone
        and (s.name in kept or not (mapping.is_helper(s) or mapping.is_proxy(s, alone)))
    ]
    for svc in every:
        if svc.name in gone and svc.name in stores:
            draft.add_dependency(stores[svc.name])
            draft.dependencies[stores[svc.name]].external = True  # "plane-mq does NOT go in"
            draft.note(f"compose service '{svc.name}' stays outside the chart, as the request says")
        elif svc.name in gone:
            draft.note(f"compose service '{svc.name}' is left out, as the request says")
        elif svc.name in stores:
            mapping.datastore_facts(svc, stores[svc.name], draft)
        elif mapping.is_helper(svc) and svc not in apps:
            draft.note(f"compose service '{svc.name}' is a development helper: not in the chart")
        elif svc not in apps:
            draft.note(f"compose service '{svc.name}' is a reverse proxy: the Ingress replaces it")
    if not apps:
        return
    one_shots = {s.name for s in apps if mapping.one_shot(s, every)}
    candidates = [s for s in apps if s.name not in one_shots] or apps
    main = max(candidates, key=lambda s: (mapping.score(s, every, alone), -apps.index(s)))
    draft.component = draft.component or dns_name(main.name, 30)
    name, rank = mapping.main_name(main)
    draft.set_name(name, rank)
    image = parse_image(main.image) if main.image else None
    if image is not None:
        draft.set_name(image.repository.rsplit("/", 1)[-1], RANK_IMAGE)
    used = _used(doc, stores)
    passwords = _password_variables(doc, stores)
    for svc in apps:
        with draft.focus(svc.name) as c:
            for key, value in _loaded(svc, known, files or {}).items():
                if key not in used:
                    svc.environment.setdefault(key, value)
            mapping.workload(svc, c, draft, stores)
            external_claims(interpolated, svc, c)
            _password_connections(doc, svc.name, passwords, c)
            _remember_references(doc, svc.name, draft)
            if svc.name in one_shots:
                c.workload = "Job"
                c.hook = c.hook or "pre-install,pre-upgrade"
                c.app_type = c.app_type or "migration"
    _ports_from_addresses(apps, draft)
    for svc in apps:
        if svc.name in kept and mapping.is_proxy(svc, alone):
            # the proxy the request keeps in front of the app is what the Ingress reaches
            draft.routes.setdefault("/", dns_name(svc.name, 30))


# "should become `web` (the `archivebox` service), `scheduler` (`archivebox_scheduler`)"
_RENAMED = re.compile(
    r"`(?P<new>[a-z][\w-]{0,40})`\s*\(\s*(?:the\s+)?`(?P<old>[\w.-]+)`(?:\s+(?:service|container))?\s*\)"
)


# "Call the three app workloads `frontend`, `backend` and `proxy`."
_CALL_LIST = re.compile(
    r"\b(?:call|name)\s+(?:the\s+)?(?:\w+\s+)?(?:app\s+)?(?:workloads|services|containers|"
    r"components|deployments)\s+(?P<names>`[a-z][\w-]*`(?:\s*(?:,|and|&)\s*`[a-z][\w-]*`)+)",
    re.I,
)


def _called_by_list(services: dict[str, Any], prose: str) -> dict[str, str]:
    """The names a list gives the app's services, each matched to the service whose name (or
    container name) holds it: "piped-frontend" is frontend, "piped" (container
    "piped-backend") backend."""
    said = _CALL_LIST.search(prose)
    if not said:
        return {}
    wanted = re.findall(r"`([a-z][\w-]*)`", said.group("names"))
    apps = [
        name
        for name, body in services.items()
        if isinstance(body, dict)
        and not datastore_kind(str(body.get("image") or ""))
        and not datastore_kind(name)
    ]
    found: dict[str, str] = {}
    for new in wanted:
        holders = [
            name
            for name in apps
            if name not in found
            and new
            in re.split(r"[-_.]", f"{name}-{(services[name] or {}).get('container_name', '')}")
        ]
        if len(holders) == 1:
            found[holders[0]] = new
    left = [n for n in apps if n not in found]
    rest = [n for n in wanted if n not in found.values()]
    if len(left) == 1 and len(rest) == 1:
        found[left[0]] = rest[0]
    return {old: new for old, new in found.items() if old != new and new not in services}


def _renamed_services(doc: dict[str, Any], prose: str) -> dict[str, Any]:
    """The document with its services under the names the request gives them."""
    services = doc.get("services") or {}
    names = {
        m.group("old"): m.group("new")
        for m in _RENAMED.finditer(prose)
        if m.group("old") in services and m.group("new") not in services
    }
    names.update(_called_by_list(services, prose))
    if not names:
        return doc

    def depends(value: Any) -> Any:
        if isinstance(value, dict):
            return {names.get(k, k): v for k, v in value.items()}
        return [names.get(v, v) if isinstance(v, str) else v for v in value or []]

    renamed = {}
    for name, body in services.items():
        body = dict(body or {})
        if "depends_on" in body:
            body["depends_on"] = depends(body["depends_on"])
        renamed[names.get(name, name)] = body
    return {**doc, "services": renamed}


# "Don't copy the `./:/app/` bind mount, that's the source tree": that mount stays behind.
_DROPPED_MOUNT = re.compile(
    r"\b(?:don'?t|do\s+not|no\s+need\s+to|skip|drop|ignore|leave\s+out|without)\s+"
    r"(?:copy(?:ing)?\s+|keep(?:ing)?\s+|carry(?:ing)?\s+over\s+)?(?:the\s+)?"
    r"`(?P<mount>[^`\n:]*:(?P<target>/[^`\n:]*)(?::[a-z,]+)?)`\s+(?:bind\s+)?(?:mount|volume)",
    re.I,
)


# "don't bother with volumes for custom/static/log": the mounts of those directories
_NO_VOLUMES_FOR = re.compile(
    r"\b(?:don'?t\s+bother\s+with|no\s+need\s+for|skip|drop|without|no)\s+(?:the\s+)?"
    r"(?:persistent\s+)?volumes?\s+for\s+(?:the\s+)?(?P<what>[\w/ ,-]+?)\s*(?:[.;)]|$)",
    re.I | re.M,
)


def dropped_mounts(prose: str, targets: list[str]) -> set[str]:
    """The container paths (of ``targets``) of compose mounts the request says not to carry
    over: by the mount ("skip the `./x:/y` mount") or by the directories' words."""
    gone = {m.group("target").rstrip("/") for m in _DROPPED_MOUNT.finditer(prose)}
    for match in _NO_VOLUMES_FOR.finditer(prose):
        words = [w for w in re.split(r"\s*(?:/|,|\band\b|\bor\b)\s*", match.group("what")) if w]
        for target in targets:
            last = target.rstrip("/").rsplit("/", 1)[-1].lower()
            if any(len(w) >= 3 and last.startswith(w.lower()) for w in words):
                gone.add(target.rstrip("/"))
    return gone


# "The `proxy` container goes away", "plane-minio also not in the chart", "drop the db service".
_GOES = (
    r"(?:goes away|can go|is not needed|isn'?t needed|does not go in|doesn'?t go in|"
    r"(?:is\s+)?(?:also\s+)?not in the chart|(?:is\s+)?(?:also\s+)?not part of the chart|"
    r"stays? out|is dropped|gets dropped)"
)


def dropped(prose: str, names: list[str]) -> set[str]:
    """The compose services the request's own words leave out of the chart."""
    gone = set()
    for name in names:
        said = rf"[`\"']?{re.escape(name)}(?![\w-])[`\"']?(?:\s+(?:container|service))?"
        turned = re.search(
            rf"\b(?:drop|remove)\s+(?:the\s+)?{said}[^\n]{{0,20}}?[.;]\s*(?:and\s+)?(?:make|turn)\s+it\s+"
            r"(?:into\s+)?an?\s+(?:kubernetes\s+|k8s\s+)?(?:cron\s?job|job)\b",
            prose,
            re.I,
        )
        if turned:
            continue  # "Drop the `cron` container. Make it a Kubernetes CronJob instead"
        if re.search(
            rf"(?<![\w-]){said}\s+(?:also\s+)?{_GOES}|\b(?:drop|remove|skip)\s+(?:the\s+)?{said}|"
            # "**Don't** run `minio-service`. We already have MinIO in the cluster"
            rf"\b(?:don'?t|do\s+not|no\s+need\s+to)[*_]*\s+(?:run|deploy|include|bundle)\s+(?:the\s+)?{said}|"
            # "Instead of the `mautic_cron` container running crond, I want real CronJobs"
            rf"\binstead\s+of\s+(?:the\s+)?[`\"']?{re.escape(name)}[`\"']?\s+(?:container|service)\b",
            prose,
            re.I,
        ):
            gone.add(name)
    return gone


def wanted(prose: str, services: list[tuple[str, str]]) -> set[str]:
    """The compose services (name, image) the request keeps in the chart in so many words, a
    reverse proxy or a tool it would otherwise leave out: "Keep nginx in front", "send /flower
    to flower", "flower on 8888", "nginx can stay at 2 replicas"."""
    kept = set()
    for name, image in services:
        spelled = "|".join(re.escape(n) for n in {name, image} if n)
        said = rf"[`\"']?(?:{spelled})[`\"']?(?![\w-])"
        if re.search(
            rf"\b(?:keep|keeps|keeping|retain)\s+(?:the\s+)?{said}|(?<![\w-]){said}"
            # "`web` (nginx) stays in front"
            rf"(?:\s*\([^()\n]{{1,30}}\))?\s+"
            rf"(?:stays|remains|is\s+kept|(?:should|can|must|will)\s+(?:stay|remain|run|keep))\b|"
            rf"\b(?:send|route|forward|proxy|ingress)\b"
            rf"[^.\n]{{0,60}}?\bto\s+(?:the\s+)?{said}|(?<![\w/-]){said},?\s+(?:listens\s+)?on\s+"
            rf"(?:port\s+)?\d{{2,5}}\b|"
            # "- nginx: `nginx:1.27-alpine`, port 80": a list item of its own settings
            rf"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\*\*)?{said}(?:\*\*)?[ \t]*:",
            prose,
            re.I | re.M,
        ):
            kept.add(name)
    return kept


def _loaded(
    svc: spec.Service, known: dict[str, str], files: dict[str, dict[str, str]]
) -> dict[str, str]:
    """The variables a service loads with ``env_file``: those of the blocks named after its
    files, or every stated variable when the request names no block after them."""
    if not svc.env_files:
        return {}
    names = {f.replace("\\", "/").rsplit("/", 1)[-1].lower() for f in svc.env_files}
    named = [files[n] for n in names if n in files] or [known]
    # `MAUTIC_DB_HOST="${MYSQL_HOST}"` in the env file, `MYSQL_HOST=db` in `.env`: compose fills
    # the one from the other; a variable the request does not give stays a reference.
    project = {**files.get(".env", {}), **known}
    return {
        k: re.sub(
            r"\$\{(\w+)\}|\$(\w+)",
            lambda m: project.get(m.group(1) or m.group(2), m.group(0)),
            v,
        )
        for block in named
        for k, v in block.items()
    }


def _ports_from_addresses(apps: list[spec.Service], draft: Draft) -> None:
    """A service that publishes no port but that others address as ``http://tika:9998``
    listens there."""
    for target in apps:
        with draft.focus(target.name) as c:
            if c.ports:
                continue
            pattern = re.compile(rf"(?<![\w.-]){re.escape(target.name)}:(\d{{2,5}})\b")
            for svc in apps:
                for value in svc.environment.values():
                    for match in pattern.finditer(str(value or "")):
                        c.add_port(int(match.group(1)))
