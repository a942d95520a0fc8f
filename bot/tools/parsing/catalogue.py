"""Well-known apps: what "paperless-ngx, the usual setup" leaves open, from a curated catalogue.

The catalogue (``bot/data/catalogue.yaml``, sourced in ``bot/data/SOURCES.md``) holds, for a few
dozen popular self-hosted apps, their official image, ports, data paths, health path and the
environment they read to reach their datastores. It is used only for what the request leaves
open: a stated image, port, volume or datastore always wins, and every value taken from it is
stated in the report as an assumption.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import yaml

from bot.tools.models import Connection, ConnectionPart, Dependency, Probe, Volume
from bot.tools.parsing.draft import RANK_PATTERN, ComponentDraft, Draft
from bot.tools.parsing.images import parse_image, with_stated_version
from bot.tools.parsing.text import dns_name, negated

Entry = dict[str, Any]
_PARTS: tuple[ConnectionPart, ...] = ("host", "port", "user", "password", "database", "url")


@functools.cache
def entries() -> dict[str, Entry]:
    """Return the catalogue, keyed by each entry's canonical name."""
    text = resources.files("bot.data").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text) or {})


def _repository(reference: str) -> str:
    image = parse_image(reference)
    return image.repository.removeprefix("library/") if image else ""


def find(text: str, image_repository: str = "") -> tuple[str, Entry] | None:
    """Return the catalogue entry a request names (by name, alias or image), if any."""
    for name, entry in entries().items():
        if image_repository and _repository(str(entry["image"])) == image_repository:
            return name, entry
    for name, entry in entries().items():
        names = [name, *entry.get("aliases", [])]
        pattern = "|".join(re.escape(n).replace(r"\ ", r"[\s_-]?") for n in names)
        for match in re.finditer(rf"(?<![\w/.-])(?:{pattern})(?![\w/]|\.\w)", text, re.I):
            if not negated(text, match.start()):  # "blobs go to S3, so no MinIO"
                return name, entry
    return None


def fill(text: str, draft: Draft) -> None:
    """Fill what the request leaves open from the catalogue entry it names."""
    main = draft.main
    found = find(text, main.image.repository.removeprefix("library/") if main.image else "")
    if found is None:
        return
    name, entry = found
    if main.image is not None and _repository(str(entry["image"])) != main.image.repository:
        # "our Keycloak-backed portal, image ghcr.io/acme/portal" is the team's own app; a
        # mirrored image keeps the app's name as its last part.
        last = main.image.repository.rsplit("/", 1)[-1].lower()
        if not any(dns_name(n, 63) in last for n in [name, *entry.get("aliases", [])]):
            return
    said: list[str] = []
    draft.set_name(name, RANK_PATTERN)
    if main.image is None:
        image = parse_image(str(entry["image"]))
        stated = (
            with_stated_version(
                text, image.model_copy(update={"tag": ""}), [name, *entry.get("aliases", [])]
            )
            if image
            else None
        )
        main.image = stated if stated is not None and stated.tag else image
        said.append(f"image {main.image.reference if main.image else entry['image']}")
    _workload(entry, main, said)
    if not draft.dependencies:
        for kind in entry.get("datastores") or {}:
            draft.add_dependency(kind)
            said.append(f"bundled {kind}")
    for kind, env in (entry.get("datastores") or {}).items():
        dep = draft.dependencies.get(kind)
        if dep is not None and not dep.external:
            _connect(main, dep, env)  # an external one is reached with the values given
    for component, spec in (entry.get("components") or {}).items():
        key = dns_name(component, 30)
        known = next((n for n in draft.components if n == key or n.endswith(f"-{key}")), None)
        if known is not None:
            # The compose file runs it already ("immich-machine-learning"): fill what it
            # leaves open, do not add it twice.
            _workload(spec, draft.components[known], said)
            continue
        c = draft.component_named(key)
        c.image = parse_image(str(spec["image"])) if spec.get("image") else None
        if spec.get("entrypoint"):
            c.command = [str(spec["entrypoint"])]
        if spec.get("command"):
            c.args = (
                [str(a) for a in spec["command"]]
                if isinstance(spec["command"], list)
                else str(spec["command"]).split()
            )
        _workload(spec, c, said)
        said.append(f"component {key}")
    draft.component = draft.component or "app"
    draft.note(
        f"{name} is a well-known app: "
        + ", ".join(said)
        + " assumed from helm-bot's catalogue (sources in bot/data/catalogue.yaml)"
    )
    for note in entry.get("notes") or []:
        draft.note(f"{name}: {note}")


def _workload(entry: Entry, c: ComponentDraft, said: list[str]) -> None:
    """Fill one workload's ports, health, data and env from a catalogue entry."""
    if not c.ports:
        for port in entry.get("ports") or []:
            c.add_port(int(port["port"]), name=str(port.get("name", "")))
        if c.ports:
            said.append("port " + ", ".join(str(p.port) for p in c.ports))
    if c.health is None and entry.get("health"):
        port = str(entry.get("health_port", ""))
        c.health = Probe(kind="http", path=str(entry["health"]), port=port, command=[])
        said.append(f"health check {entry['health']}")
    if not c.volumes:
        for data in entry.get("data") or []:
            path = str(data["path"])
            volume_name = dns_name(path.rsplit("/", 1)[-1], 40) or "data"
            c.add_volume(Volume(name=volume_name, mount_path=path, size=str(data.get("size", ""))))
            said.append(f"volume {path} ({data.get('size', '')})")
        for path in entry.get("writable") or []:
            if path != "/tmp":
                c.add_volume(
                    Volume(
                        name=dns_name(path, 40) or "scratch", mount_path=str(path), persistent=False
                    )
                )
    for key, value in (entry.get("env") or {}).items():
        if value == "":
            continue
        if key not in c.env and key not in c.secrets:
            c.env[key] = str(value)
    for key in entry.get("secret_env") or []:
        c.add_secret(str(key))
    if entry.get("command") and not (c.command or c.args):
        command = entry["command"]
        c.args = [str(a) for a in command] if isinstance(command, list) else str(command).split()


def _connect(c: ComponentDraft, dep: Dependency, env: dict[str, str]) -> None:
    """Wire the app's datastore variables (PAPERLESS_DBHOST...) to the bundled datastore; a
    user or database name the request gives the app is the datastore's too."""
    kind = dep.kind
    for part in _PARTS:
        name = env.get(part)
        if not name or any(x.env == name for x in c.connections):
            continue
        stated = c.env.pop(name, None)
        if stated and part in ("user", "database") and not getattr(dep, part):
            setattr(dep, part, stated)
        if part != "password":  # a password's stated Secret is the datastore's (finish links it)
            c.secrets.pop(name, None)
        scheme = ""
        if part == "url":
            scheme = str(env.get("url_format", "")).split("://", 1)[0]
        c.connections.append(Connection(dependency=kind, env=name, part=part, url_scheme=scheme))
