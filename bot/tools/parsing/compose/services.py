"""Compose services become the chart's workloads, datastores and ingress, as a person maps them.

Each application service is a workload (the main one is the service with published ports, a
build and dependants); a well-known backing service (postgres, redis...) becomes a bundled
datastore, and its ``POSTGRES_USER``/``POSTGRES_DB`` become the user and database the app
connects with; a reverse proxy is what the Ingress replaces and a development helper (adminer,
mailhog) is dropped, each with a note. A one-shot service that others wait for
(``service_completed_successfully``) is a hook Job. Host bind mounts of data become volumes,
read-only mounts of node logs stay host mounts, secrets become a Secret mounted where compose
mounted it, and ``${VAR}`` references to the datastore become connection variables.
"""

from __future__ import annotations

import re

from bot.tools.models import Probe, SecretMount
from bot.tools.parsing import stack
from bot.tools.parsing.compose.environment import environment
from bot.tools.parsing.compose.spec import Service
from bot.tools.parsing.compose.volumes import volumes
from bot.tools.parsing.draft import RANK_COMPOSE, RANK_IMAGE, RANK_WEAK, ComponentDraft, Draft
from bot.tools.parsing.images import parse_image
from bot.tools.parsing.lexicon import DEPENDENCIES
from bot.tools.parsing.quantities import size_quantity
from bot.tools.parsing.secrets import REDACTED
from bot.tools.parsing.text import Doc, dns_name

DEV_HELPERS = frozenset(
    {
        "adminer",
        "pgadmin",
        "pgadmin4",
        "phpmyadmin",
        "mailhog",
        "mailpit",
        "mailcatcher",
        "redis-commander",
        "wiremock",
        "selenium",
        "localstack",
        "flower",
        "zookeeper",
    }
)
PROXIES = frozenset({"nginx", "traefik", "caddy", "envoy", "haproxy", "httpd"})
_GENERIC = frozenset(
    {"app", "web", "api", "service", "backend", "frontend", "server", "main", "application"}
)
_WORKER = re.compile(r"\b(?:celery|sidekiq|worker|queue|consumer|rq|beat|scheduler|jobs?)\b", re.I)
# Paths only a node has: mounting them is a node agent's business, never app data.
_HEALTH_URL = re.compile(
    r"(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|[\w.-]+)(?::(?P<port>\d+))"
    r"(?P<path>/[^\s'\"|;&]*)?|https?://[\w.\[\]:-]+?(?P<path2>/[^\s'\"|;&]*)?(?=[\s'\"|;&]|$)"
)


def base(image: str) -> str:
    parsed = parse_image(image)
    return parsed.repository.rsplit("/", 1)[-1] if parsed else ""


def backing_kind(svc: Service) -> str:
    """Return the datastore kind a service is (postgres -> postgresql), or ''."""
    name = base(svc.image)
    for backing in DEPENDENCIES:
        if name in backing.images or (not svc.image and svc.name in backing.images):
            return backing.kind
        if any(
            name.startswith(image + "-") or name.endswith("-" + image) for image in backing.images
        ):
            return backing.kind
    return ""


def is_helper(svc: Service) -> bool:
    return svc.name in DEV_HELPERS or base(svc.image) in DEV_HELPERS


def is_proxy(svc: Service, alone: bool) -> bool:
    name = base(svc.image)
    return not alone and (name in PROXIES or name.split("-")[0] in PROXIES)


def one_shot(svc: Service, services: list[Service]) -> bool:
    """A service that runs to completion: others wait for it to finish, or it never restarts."""
    awaited = any(s.depends_on.get(svc.name) == "service_completed_successfully" for s in services)
    return awaited or str(svc.raw.get("restart", "")).strip("'\"") == "no" and not svc.ports


def score(svc: Service, services: list[Service], alone: bool) -> int:
    """How likely a service is the app's main workload."""
    points = 3 * bool(svc.ports) + 2 * svc.build + 2 * bool(svc.labels.get("traefik.enable"))
    points += 2 * any(svc.name in s.depends_on for s in services)
    if is_proxy(svc, alone):
        points -= 3
    if _WORKER.search(f"{svc.name} {' '.join(svc.command)}"):
        points -= 2
    if _DATA_SERVICE.search(svc.image or ""):
        points -= 3  # a store helm-bot does not bundle is still a store, not the app
    return points


# Data services that are not among the bundled datastores: run as workloads, never the main one.
_DATA_SERVICE = re.compile(
    r"\b(?:clickhouse|cassandra|scylla|influxdb|minio|meilisearch|typesense|qdrant|weaviate|"
    r"milvus|etcd|zookeeper|couchdb|neo4j|dragonfly|garage|seaweedfs)\b",
    re.I,
)


def datastore_facts(svc: Service, kind: str, draft: Draft) -> None:
    """Add a datastore with the version, user and database its compose service states."""
    image = parse_image(svc.image) if svc.image else None
    version = re.match(r"(?:v|pg)?(\d+(?:\.\d+){0,2})", image.tag) if image and image.tag else None
    draft.add_dependency(kind, version.group(1) if version else "")
    dep = draft.dependencies.get(kind)
    if dep is None:
        return
    env = svc.environment
    for key in ("POSTGRES_USER", "MYSQL_USER", "MARIADB_USER", "MONGO_INITDB_ROOT_USERNAME"):
        if env.get(key) and REDACTED not in str(env[key]):
            dep.user = dep.user or str(env[key])
    for key in ("POSTGRES_DB", "MYSQL_DATABASE", "MARIADB_DATABASE", "MONGO_INITDB_DATABASE"):
        if env.get(key) and REDACTED not in str(env[key]):
            dep.database = dep.database or str(env[key])


def workload(svc: Service, c: ComponentDraft, draft: Draft, stores: dict[str, str]) -> None:
    """Map one application service onto a workload draft."""
    image = parse_image(svc.image) if svc.image else None
    if image is not None:
        c.image = c.image or image
    elif svc.build:
        draft.note(
            f"compose service '{svc.name}' is built from source: push its image and set its "
            "image repository and tag"
        )
    if svc.entrypoint:
        c.command = c.command or svc.entrypoint
    if svc.command:
        c.args = c.args or svc.command
    for port in svc.ports:
        published = int(port.published) if port.published.isdigit() else None
        c.add_port(port.target, protocol=port.protocol, service_port=published)
    for port in svc.expose:
        c.add_port(port.target, protocol=port.protocol)
    if svc.range_note:
        draft.note(f"compose service '{svc.name}': {svc.range_note}")
    environment(svc, c, draft, stores)
    volumes(svc, c, draft)
    for source, target in svc.secrets:
        directory = target.rsplit("/", 1)[0] or "/run/secrets"
        if not any(m.mount_path == directory for m in c.secret_mounts):
            c.secret_mounts.append(SecretMount(secret_name="", mount_path=directory))
        draft.note(
            f"compose secret '{source}' of '{svc.name}': mounted from a Kubernetes Secret at "
            f"{directory} (create it with one key per file)"
        )
    _health(svc, c)
    _deploy(svc, c, draft)
    _powers(svc, c, draft)
    _traefik(svc, draft)
    for name in svc.depends_on:
        target = stores.get(name, dns_name(name, 30))
        if target not in c.depends_on:
            c.depends_on.append(target)
    # The caller has this workload in focus: stack cues in the command land on it.
    stack.read_stack(Doc(f"{' '.join(svc.entrypoint)} {' '.join(svc.command)}"), draft)


def _health(svc: Service, c: ComponentDraft) -> None:
    if svc.health_disabled or not svc.healthcheck:
        return
    test = " ".join(svc.healthcheck)
    path = re.search(
        r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|[\w.-]+)(?::(?P<port>\d+))?(?P<path>/[^\s'\"|;&]*)?",
        test,
    ) or re.search(  # curl's scheme-less "localhost:3000/health"
        r"(?<![\w.-])(?:localhost|127\.0\.0\.1|0\.0\.0\.0):(?P<port>\d+)(?P<path>/[^\s'\"|;&]*)?",
        test,
    )
    if path:
        c.health = c.health or Probe(
            kind="http", path=path.group("path") or "/", port=path.group("port") or "", command=[]
        )
        local = re.search(r"(?<![\w.-])(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])[:/]", test)
        if local and path.group("port") and not c.ports:
            # A check that calls the container itself on a port says it listens there.
            c.add_port(int(path.group("port")))
    elif svc.healthcheck[0] not in ("NONE",):
        command = [t for t in svc.healthcheck if t not in ("CMD", "CMD-SHELL")]
        if svc.healthcheck[0] == "CMD-SHELL" or len(command) == 1:
            command = ["sh", "-c", " ".join(command)]
        c.health = c.health or Probe(kind="exec", path="/", port="", command=command)


def _cpu(value: object) -> str:
    cores = float(str(value))
    return str(int(cores)) if cores.is_integer() else f"{round(cores * 1000)}m"


def _memory(value: object) -> str:
    size = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt])?i?b?", str(value).strip(), re.I)
    if not size:
        return ""
    if not size.group(2):
        return str(value)
    return size_quantity(size.group(1), size.group(2))


def _deploy(svc: Service, c: ComponentDraft, draft: Draft) -> None:
    deploy = svc.deploy
    if isinstance(deploy.get("replicas"), int):
        c.set_replicas(deploy["replicas"], deploy["replicas"], pasted=True)
    resources = deploy.get("resources") or {}
    limits = resources.get("limits") or {}
    reservations = resources.get("reservations") or {}
    if limits.get("cpus") or svc.raw.get("cpus"):
        c.limit_cpu = c.limit_cpu or _cpu(limits.get("cpus") or svc.raw.get("cpus"))
    if limits.get("memory") or svc.raw.get("mem_limit"):
        c.limit_memory = c.limit_memory or _memory(limits.get("memory") or svc.raw.get("mem_limit"))
    if reservations.get("cpus"):
        c.cpu = c.cpu or _cpu(reservations["cpus"])
    if reservations.get("memory") or svc.raw.get("mem_reservation"):
        c.memory = c.memory or _memory(reservations.get("memory") or svc.raw.get("mem_reservation"))
    for device in reservations.get("devices") or []:
        if (
            "gpu" in [str(x) for x in device.get("capabilities") or []]
            or device.get("driver") == "nvidia"
        ):
            count = device.get("count", 1)
            c.gpu = c.gpu or (1 if count == "all" else int(count))
    for constraint in (deploy.get("placement") or {}).get("constraints") or []:
        label = re.match(r"node\.labels\.([\w./-]+)\s*==\s*(\S+)", str(constraint))
        if label:
            c.node_selector.setdefault(label.group(1), label.group(2))


def _powers(svc: Service, c: ComponentDraft, draft: Draft) -> None:
    """Host powers a compose file grants are not carried over: the request did not ask for
    them, and a chart runs under Pod Security "restricted". Each one is listed as not applied."""
    raw = svc.raw
    powers = [
        label
        for label, on in (
            ("privileged: true", raw.get("privileged") is True),
            ("network_mode: host", raw.get("network_mode") == "host"),
            ("pid: host", raw.get("pid") == "host"),
            ("ipc: host", raw.get("ipc") == "host"),
        )
        if on
    ]
    powers += [
        f"cap_add {str(cap).upper()}"
        for cap in raw.get("cap_add") or []
        if str(cap).upper().removeprefix("CAP_") != "NET_BIND_SERVICE"
    ]
    for power in powers:
        draft.not_applied(
            f"compose gives '{svc.name}' {power}: the chart runs it unprivileged (Pod Security "
            "restricted); ask for it in the request if the app truly needs it"
        )
    user = str(raw.get("user", "") or "").split(":")[0]
    if user:
        draft.note(
            f"compose runs '{svc.name}' as user {user}; the chart runs it as a non-root user "
            "(uid 10001): the image must allow that"
        )


def _traefik(svc: Service, draft: Draft) -> None:
    for key, value in svc.labels.items():
        if not key.startswith("traefik."):
            continue
        draft.class_name = draft.class_name or "traefik"
        for host in re.findall(r"Host\(`([^`]+)`\)", value):
            draft.add_host(host)
        if (key.endswith(".tls") and value.lower() == "true") or key.endswith("certresolver"):
            draft.tls = True


def main_name(svc: Service) -> tuple[str, int]:
    """The chart name a main service suggests, and how much to trust it."""
    return svc.name, RANK_WEAK if svc.name in _GENERIC else RANK_COMPOSE


__all__ = ["RANK_IMAGE", "backing_kind", "datastore_facts", "is_helper", "is_proxy", "main_name"]
