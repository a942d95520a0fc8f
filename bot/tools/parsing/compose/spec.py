"""A compose file read as the Compose Specification defines it, before anything is decided.

The file is checked against the specification's own JSON schema (shipped as data, see
``bot/data/SOURCES.md``), interpolated (``${VAR:-default}`` with the variables the request pastes
next to it), and each service's short and long syntaxes (ports, volumes, environment, secrets,
depends_on, command) are brought to one shape, so the mapping to Kubernetes never parses YAML
strings with regular expressions twice.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jsonschema

_VARIABLE = re.compile(
    r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
)
MAX_PORT_RANGE = 256


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    text = resources.files("bot.data").joinpath("compose-spec.json").read_text(encoding="utf-8")
    return jsonschema.Draft7Validator(json.loads(text))


def schema_errors(doc: dict[str, Any], limit: int = 5) -> list[str]:
    """Return where ``doc`` breaks the Compose Specification (at most ``limit`` problems)."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    out = []
    for error in errors[:limit]:
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        out.append(f"{where}: {error.message[:160]}")
    return out


def interpolate(value: Any, variables: dict[str, str]) -> Any:
    """Replace ``${VAR}``, ``${VAR:-default}`` and friends as compose does; ``$$`` is a ``$``."""
    if isinstance(value, dict):
        return {k: interpolate(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, variables) for v in value]
    if not isinstance(value, str) or "$" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op") or "", match.group("arg") or ""
        known = variables.get(name)
        if op in (":-", "-"):
            empty = known is None or (op == ":-" and known == "")
            return arg if empty else str(known)
        if op in (":+", "+"):
            return arg if known else ""
        return "" if known is None else str(known)

    parts = value.split("$$")
    return "$".join(_VARIABLE.sub(one, part) for part in parts)


@dataclass
class PortSpec:
    target: int
    published: str = ""
    protocol: str = "TCP"
    host_ip: str = ""


@dataclass
class VolumeSpec:
    kind: str  # volume | bind | tmpfs
    source: str
    target: str
    read_only: bool = False


@dataclass
class Service:
    """One compose service in a single shape, whatever syntax the file used."""

    name: str
    image: str = ""
    build: bool = False
    command: list[str] = field(default_factory=list)
    entrypoint: list[str] = field(default_factory=list)
    ports: list[PortSpec] = field(default_factory=list)
    expose: list[PortSpec] = field(default_factory=list)
    environment: dict[str, str | None] = field(default_factory=dict)
    env_files: list[str] = field(default_factory=list)
    volumes: list[VolumeSpec] = field(default_factory=list)
    secrets: list[tuple[str, str]] = field(default_factory=list)
    depends_on: dict[str, str] = field(default_factory=dict)
    healthcheck: list[str] = field(default_factory=list)
    health_disabled: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    deploy: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    range_note: str = ""


def split_command(value: Any) -> list[str]:
    """A command as compose reads it: a list as is, a string split the way a shell would."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None:
        return []
    try:
        return shlex.split(str(value))
    except ValueError:
        return str(value).split()


def _ports(entries: Any, service: Service) -> list[PortSpec]:
    out: list[PortSpec] = []
    for entry in entries or []:
        if isinstance(entry, dict):
            target = str(entry.get("target", ""))
            published = str(entry.get("published", "") or "")
            proto = str(entry.get("protocol", "tcp"))
            host_ip = str(entry.get("host_ip", "") or "")
        else:
            text = str(entry)
            text, _, proto = text.partition("/")
            pieces = text.rsplit(":", 1)
            target = pieces[-1]
            published, host_ip = "", ""
            if len(pieces) == 2:
                front = pieces[0]
                host_ip, _, published = (
                    front.rpartition(":") if front.count(":") else ("", "", front)
                )
                if front.startswith("[") or (host_ip and ":" in host_ip):
                    host_ip, published = front.rsplit(":", 1)[0], front.rsplit(":", 1)[1]
        targets = _range(target)
        publishes = _range(published) if published else []
        if len(targets) > MAX_PORT_RANGE:
            service.range_note = (
                f"port range {target} has {len(targets)} ports: the first {MAX_PORT_RANGE} are "
                "declared"
            )
            targets = targets[:MAX_PORT_RANGE]
        for i, number in enumerate(targets):
            out.append(
                PortSpec(
                    target=number,
                    published=str(publishes[i]) if i < len(publishes) else published,
                    protocol=(proto or "tcp").upper(),
                    host_ip=host_ip,
                )
            )
    return out


def _range(text: str) -> list[int]:
    text = text.strip()
    match = re.fullmatch(r"(\d+)(?:-(\d+))?", text)
    if not match:
        return []
    low = int(match.group(1))
    high = int(match.group(2) or low)
    return list(range(low, high + 1)) if high >= low else [low]


def _environment(value: Any) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out[str(key)] = None if item is None else _scalar(item)
    elif isinstance(value, list):
        for item in value:
            key, sep, rest = str(item).partition("=")
            out[key.strip()] = rest if sep else None
    return out


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _volumes(entries: Any) -> list[VolumeSpec]:
    out: list[VolumeSpec] = []
    for entry in entries or []:
        if isinstance(entry, dict):
            out.append(
                VolumeSpec(
                    kind=str(entry.get("type", "volume")),
                    source=str(entry.get("source", "") or ""),
                    target=str(entry.get("target", "")),
                    read_only=bool(entry.get("read_only", False)),
                )
            )
            continue
        parts = str(entry).split(":")
        mode = ""
        if len(parts) >= 3:
            source, target, mode = parts[0], parts[1], parts[2]
        elif len(parts) == 2:
            source, target = parts
        else:
            source, target = "", parts[0]
        kind = "bind" if source.startswith(("/", ".", "~", "$")) else "volume"
        out.append(VolumeSpec(kind, source, target, read_only="ro" in mode.split(",")))
    return out


def _secrets(entries: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for entry in entries or []:
        if isinstance(entry, dict):
            source = str(entry.get("source", ""))
            target = str(entry.get("target", "") or source)
        else:
            source = target = str(entry)
        if not target.startswith("/"):
            target = f"/run/secrets/{target}"
        out.append((source, target))
    return out


def _depends_on(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {
            str(k): str((v or {}).get("condition", "service_started"))
            if isinstance(v, dict)
            else "service_started"
            for k, v in value.items()
        }
    if isinstance(value, list):
        return {str(v): "service_started" for v in value}
    return {}


def _labels(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): _scalar(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(v).partition("=")[0]: str(v).partition("=")[2] for v in value}
    return {}


def _env_files(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [str(i.get("path", "")) if isinstance(i, dict) else str(i) for i in items]


def service(name: str, raw: dict[str, Any]) -> Service:
    """Return one service in the normalised shape."""
    check = raw.get("healthcheck") if isinstance(raw.get("healthcheck"), dict) else {}
    svc = Service(
        name=name,
        image=str(raw.get("image", "") or ""),
        build=bool(raw.get("build")),
        command=split_command(raw.get("command")),
        entrypoint=split_command(raw.get("entrypoint")),
        environment=_environment(raw.get("environment")),
        env_files=_env_files(raw.get("env_file")),
        volumes=_volumes(raw.get("volumes")),
        secrets=_secrets(raw.get("secrets")),
        depends_on=_depends_on(raw.get("depends_on")),
        healthcheck=split_command(check.get("test")) if check else [],
        health_disabled=bool(check.get("disable")) if check else False,
        labels=_labels(raw.get("labels")),
        deploy=raw["deploy"] if isinstance(raw.get("deploy"), dict) else {},
        raw=raw,
    )
    svc.ports = _ports(raw.get("ports"), svc)
    svc.expose = _ports(raw.get("expose"), svc)
    return svc


def services(doc: dict[str, Any]) -> list[Service]:
    """Return the document's services, in file order."""
    return [
        service(str(name), raw)
        for name, raw in (doc.get("services") or {}).items()
        if isinstance(raw, dict)
    ]
