"""Pasted docker-compose files: the app's service becomes the chart, the rest dependencies.

The main service is the one that is not a well-known backing service (postgres, redis, ...),
not a development helper (adminer, mailhog) and not a reverse proxy the Ingress replaces;
among several candidates the one with ports, a build context and dependants wins. Backing
services become ``Dependency`` entries and nothing of their environment is kept: it usually
holds their passwords.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import yaml  # type: ignore[import-untyped]

from bot.tools.models import Probe, Volume
from bot.tools.parsing import stack
from bot.tools.parsing.draft import RANK_COMPOSE, RANK_IMAGE, RANK_WEAK, Draft
from bot.tools.parsing.images import parse_image
from bot.tools.parsing.lexicon import DEPENDENCIES, DEV_ONLY_SERVICES, PROXY_IMAGES
from bot.tools.parsing.quantities import size_quantity
from bot.tools.parsing.secrets import REDACTED
from bot.tools.parsing.text import Doc

_FENCE = re.compile(
    r"^[ \t]*(```|~~~)[ \t]*(?P<lang>[\w.+-]*)[^\n]*\n(?P<body>.*?)^[ \t]*\1[ \t]*$", re.M | re.S
)
_EMBEDDED = re.compile(
    r"^(?:version:[^\n]*\n(?:[ \t]*\n)*)?services:[ \t]*\n(?:(?:[ \t]+[^\n]*|"
    r"[ \t]*|(?:volumes|networks|configs|secrets|x-[\w-]+|name):[^\n]*)\n?)+",
    re.M,
)
_GENERIC = frozenset(
    {
        "app",
        "web",
        "api",
        "service",
        "backend",
        "frontend",
        "server",
        "main",
        "application",
        "site",
        "webapp",
        "svc",
    }
)
_WORKER = re.compile(r"\b(?:celery|sidekiq|worker|queue|consumer|rq|beat|scheduler|jobs?)\b", re.I)
_MAX_YAML = 200_000


def _load(body: str) -> dict[str, Any] | None:
    if len(body) > _MAX_YAML:
        return None
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
        return [whole], ""
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
    return docs, rest


# ----------------------------------------------------------------------------- reading


def _base(image: str) -> str:
    parsed = parse_image(image)
    return parsed.repository.rsplit("/", 1)[-1] if parsed else ""


def _backing(name: str, svc: dict[str, Any]) -> str:
    base = _base(str(svc.get("image", "")))
    for backing in DEPENDENCIES:
        if base in backing.images or (not svc.get("image") and name in backing.images):
            return backing.kind
    return ""


def _score(name: str, svc: dict[str, Any], services: dict[str, dict[str, Any]], alone: bool) -> int:
    score = 3 * bool(svc.get("ports")) + 2 * bool(svc.get("build"))
    dependants = [s for s in services.values() if name in _names(s.get("depends_on"))]
    score += 2 * bool(dependants)
    if _base(str(svc.get("image", ""))) in PROXY_IMAGES and not alone:
        score -= 3
    if _WORKER.search(f"{name} {svc.get('command', '')}"):
        score -= 2
    return score


def _names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def apply(doc: dict[str, Any], draft: Draft) -> None:
    """Add the facts of one compose document to ``draft``."""
    services = {str(k): v for k, v in doc["services"].items() if isinstance(v, dict)}
    backing = {name: _backing(name, svc) for name, svc in services.items()}
    dev = {
        name
        for name, svc in services.items()
        if name in DEV_ONLY_SERVICES or _base(str(svc.get("image", ""))) in DEV_ONLY_SERVICES
    }
    candidates = [n for n in services if not backing[n] and n not in dev] or list(services)[:1]
    main = max(
        candidates,
        key=lambda n: (
            _score(n, services[n], services, len(candidates) == 1),
            -list(services).index(n),
        ),
    )
    for name, svc in services.items():
        if name == main:
            continue
        if backing[name]:
            tag = parse_image(str(svc.get("image", "")))
            version = re.match(r"v?(\d+(?:\.\d+){0,2})", tag.tag) if tag and tag.tag else None
            draft.add_dependency(backing[name], version.group(1) if version else "")
        elif name in dev:
            draft.note(f"compose service '{name}' is a development helper: not part of the chart")
        elif _base(str(svc.get("image", ""))) in PROXY_IMAGES:
            draft.note(f"compose service '{name}' is a reverse proxy: the Ingress replaces it")
        elif _WORKER.search(f"{name} {svc.get('command', '')}"):
            draft.note(
                f"background worker '{name}' (command: {_text(svc.get('command'))}): run "
                "it as a separate Deployment from the same image"
            )
        else:
            draft.note(f"compose service '{name}' is another application: give it its own chart")
    if backing.get(main):
        draft.not_dependencies.add(backing[main])
    _main(main, services[main], draft)
    for key in ("secrets", "configs"):
        if doc.get(key):
            draft.note(f"compose top-level {key} are not carried over: use Kubernetes Secrets")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError:
        return str(value).split()


def _main(name: str, svc: dict[str, Any], draft: Draft) -> None:
    draft.set_name(name, RANK_WEAK if name in _GENERIC else RANK_COMPOSE)
    image = parse_image(str(svc["image"])) if svc.get("image") else None
    if image is not None:
        draft.image = draft.image or image
        draft.set_name(image.repository.rsplit("/", 1)[-1], RANK_IMAGE)
    elif svc.get("build"):
        draft.note(
            f"compose service '{name}' is built from source: push its image and set "
            "image.repository and image.tag"
        )
    _ports(svc, draft)
    _environment(svc.get("environment"), draft)
    if svc.get("env_file"):
        draft.note(
            f"env_file {_text(svc['env_file'])} is not read: list its variables (secrets "
            "as Secret references)"
        )
    _volumes(svc, draft)
    if svc.get("entrypoint"):
        draft.command = draft.command or _split(svc["entrypoint"])
    if svc.get("command"):
        draft.args = draft.args or _split(svc["command"])
    _health(svc.get("healthcheck"), draft)
    cues = f"{_text(svc.get('entrypoint'))} {_text(svc.get('command'))}"
    stack.read_stack(Doc(cues), draft)
    _deploy(svc, draft)
    _powers(svc, draft)
    _labels(svc.get("labels"), draft)


def _ports(svc: dict[str, Any], draft: Draft) -> None:
    for entry in [*(svc.get("ports") or []), *(svc.get("expose") or [])]:
        if isinstance(entry, dict):
            target, proto = entry.get("target"), str(entry.get("protocol", "tcp"))
        else:
            spec, _, proto = str(entry).partition("/")
            target = spec.rsplit(":", 1)[-1]
        if "-" in str(target):
            draft.note(f"port range {target} is not supported: list the ports")
            continue
        if str(target).isdigit():
            draft.add_port(int(str(target)), protocol=(proto or "tcp").upper())


def _environment(env: Any, draft: Draft) -> None:
    pairs: list[tuple[str, Any]] = []
    if isinstance(env, dict):
        pairs = [(str(k), v) for k, v in env.items()]
    elif isinstance(env, list):
        for item in env:
            key, sep, value = str(item).partition("=")
            pairs.append((key.strip(), value if sep else None))
    for key, value in pairs:
        if isinstance(value, list) or value is None:
            if isinstance(value, list) or key.upper() == key and "_" in key:
                draft.add_env(key, REDACTED if isinstance(value, list) else "")
            if value is None:
                draft.note(f"{key} takes its value from the host environment in compose")
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        interpolated = re.fullmatch(r"\$\{(\w+)(?::?-(.*))?\}", text)
        if interpolated:
            draft.note(f"{key} comes from ${{{interpolated.group(1)}}} in compose")
            text = interpolated.group(2) or ""
        draft.add_env(key, text)


def _volumes(svc: dict[str, Any], draft: Draft) -> None:
    for entry in svc.get("volumes") or []:
        if isinstance(entry, dict):
            kind, source, target = (
                entry.get("type", "volume"),
                entry.get("source", ""),
                entry.get("target", ""),
            )
        else:
            parts = str(entry).split(":")
            source, target = (parts[0], parts[1]) if len(parts) > 1 else ("", parts[0])
            kind = "bind" if source.startswith(("/", ".", "~")) else "volume"
        source, target = str(source), str(target)
        if kind == "bind" and source.startswith("/"):
            draft.elevated.host_path.append(source)
        elif kind == "bind":
            draft.note(f"bind mount {source} -> {target}: ship it in the image or a ConfigMap")
        elif kind == "tmpfs" or not source:
            draft.add_volume(_volume(target, target, persistent=False))
        else:
            draft.add_volume(_volume(source, target, persistent=True))
    for target in [svc["tmpfs"]] if isinstance(svc.get("tmpfs"), str) else svc.get("tmpfs") or []:
        draft.add_volume(_volume(str(target), str(target), persistent=False))


def _volume(source: str, target: str, persistent: bool) -> Volume:
    name = re.sub(r"[^a-z0-9]+", "-", source.lower().rsplit("/", 1)[-1]).strip("-")[:40]
    return Volume(
        name=name or "data", mount_path=target, size="", storage_class="", persistent=persistent
    )


def _health(check: Any, draft: Draft) -> None:
    if not isinstance(check, dict) or check.get("disable"):
        return
    test = _text(check.get("test"))
    path = re.search(r"https?://[\w.-]+(?::\d+)?(/[\w./-]*)", test)
    if path:
        draft.health = draft.health or Probe(kind="http", path=path.group(1), port="", command=[])
    elif test:
        command = [t for t in _split(check.get("test")) if t not in ("CMD", "CMD-SHELL")]
        draft.health = draft.health or Probe(kind="exec", path="/", port="", command=command)


def _deploy(svc: dict[str, Any], draft: Draft) -> None:
    deploy: dict[str, Any] = svc["deploy"] if isinstance(svc.get("deploy"), dict) else {}
    if isinstance(deploy.get("replicas"), int):
        draft.set_replicas(deploy["replicas"], deploy["replicas"])
    limits = (deploy.get("resources") or {}).get("limits") or {}
    cpus = limits.get("cpus") or svc.get("cpus")
    memory = limits.get("memory") or svc.get("mem_limit")
    if cpus:
        cores = float(str(cpus))
        draft.cpu = draft.cpu or (
            str(int(cores)) if cores.is_integer() else f"{round(cores * 1000)}m"
        )
    size = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt])b?", str(memory or ""), re.I)
    if size:
        draft.memory = draft.memory or size_quantity(size.group(1), size.group(2))


def _powers(svc: dict[str, Any], draft: Draft) -> None:
    elevated = draft.elevated
    elevated.privileged = elevated.privileged or svc.get("privileged") is True
    elevated.host_network = elevated.host_network or svc.get("network_mode") == "host"
    elevated.host_pid = elevated.host_pid or svc.get("pid") == "host"
    elevated.host_ipc = elevated.host_ipc or svc.get("ipc") == "host"
    for cap in svc.get("cap_add") or []:
        cap = str(cap).upper().removeprefix("CAP_")
        if cap != "NET_BIND_SERVICE" and cap not in elevated.capabilities:
            elevated.capabilities.append(cap)
    if str(svc.get("user", "")).split(":")[0] in ("root", "0"):
        elevated.run_as_root = True


def _labels(labels: Any, draft: Draft) -> None:
    items = (
        labels.items()
        if isinstance(labels, dict)
        else ((str(v).partition("=")[0], str(v).partition("=")[2]) for v in labels or [])
    )
    for key, value in items:
        key, value = str(key), str(value)
        if key.startswith("traefik."):
            draft.class_name = draft.class_name or "traefik"
            for host in re.findall(r"Host\(`([^`]+)`\)", value):
                draft.add_host(host)
            if key.endswith(".tls") and value.lower() == "true":
                draft.tls = True
            if key.endswith("certresolver"):
                draft.tls = True
