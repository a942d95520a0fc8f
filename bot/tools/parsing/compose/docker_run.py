"""A pasted ``docker run`` line, read as the compose service it is.

"This is what runs on the VM today" is often a ``docker run`` with ``-p``, ``-e`` and ``-v``
flags. Each flag says what a compose service key says (``-v nifi_state:/opt/nifi/state`` is a
named volume, ``-v /srv/app/config:/config`` a bind mount, ``-e A=b`` an environment entry), so
the line becomes a one-service compose document and goes through the same reading and the same
mapping to Kubernetes as a pasted compose file.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

# A shell line that starts a container: "$ docker run", "sudo docker run", "podman run".
_RUN = re.compile(r"^[ \t>]*(?:\$[ \t]+)?(?:sudo[ \t]+)?(?:docker|podman|nerdctl)[ \t]+run\b")
# Flags that take a value, by the compose key it fills ("" where compose has none we read).
_VALUED = {
    "-p": "ports",
    "--publish": "ports",
    "-e": "environment",
    "--env": "environment",
    "-v": "volumes",
    "--volume": "volumes",
    "--mount": "mount",
    "--env-file": "env_file",
    "--name": "container_name",
    "-w": "working_dir",
    "--workdir": "working_dir",
    "--entrypoint": "entrypoint",
    "-u": "user",
    "--user": "user",
    "--shm-size": "shm_size",
    "--tmpfs": "tmpfs",
    "--cap-add": "cap_add",
    "--expose": "expose",
    "-h": "hostname",
    "--hostname": "hostname",
}
_IGNORED = frozenset(
    """--network --net --restart -m --memory --cpus --ulimit --add-host -l --label --log-driver
    --log-opt --device --cap-drop --health-cmd --health-interval --health-timeout
    --health-retries --platform --pull --stop-timeout --dns --security-opt --memory-swap
    --cpu-shares --gpus --ipc --pid --runtime --sysctl --link --volumes-from""".split()
)
_SWITCHES = {"--privileged": "privileged", "--read-only": "read_only", "--init": "init"}
_LISTS = ("ports", "volumes", "env_file", "tmpfs", "cap_add", "expose")


def commands(text: str) -> list[tuple[int, int, str]]:
    """The ``docker run`` commands of ``text``: start, end and the command with its line
    continuations joined."""
    found = []
    lines = text.splitlines(keepends=True)
    offset = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        start, end = offset, offset + len(line)
        if _RUN.match(line):
            joined = [line.rstrip("\n")]
            while joined[-1].rstrip().endswith("\\") and i + 1 < len(lines):
                joined[-1] = joined[-1].rstrip()[:-1]
                i += 1
                end += len(lines[i])
                joined.append(re.sub(r"^[ \t]*>?", "", lines[i].rstrip("\n")))
            found.append((start, end, " ".join(joined)))
        offset = end
        i += 1
    return found


def _tokens(command: str) -> list[str]:
    body = _RUN.sub("", command, count=1)
    try:
        return shlex.split(body, comments=True)
    except ValueError:
        return body.split()


def service(command: str) -> tuple[str, dict[str, Any]] | None:
    """The compose service ``command`` equals, with its name; None without an image."""
    svc: dict[str, Any] = {}
    words = _tokens(command)
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("-") or word == "-":
            break
        flag, _, inline = word.partition("=")
        if flag in _VALUED or flag in _IGNORED:
            value = inline if inline else (words[i + 1] if i + 1 < len(words) else "")
            i += 1 if inline else 2
            if flag in _VALUED:
                _put(svc, _VALUED[flag], value)
            continue
        if flag in _SWITCHES:
            svc[_SWITCHES[flag]] = True
        i += 1  # "-d", "-it", "--rm", "--detach=true": how to start it, nothing for a chart
    if i >= len(words):
        return None
    svc["image"] = words[i]
    if words[i + 1 :]:
        svc["command"] = words[i + 1 :]
    # The app's name, not the container's ("--name some-clickhouse-server" is an ops label):
    # "clickhouse/clickhouse-server:23.3" is clickhouse.
    svc.pop("container_name", None)
    base = re.sub(r":.*$", "", words[i].split("@")[0].rsplit("/", 1)[-1])
    return re.sub(r"(?<=\w{3})-server$", "", base) or "app", svc


def _put(svc: dict[str, Any], key: str, value: str) -> None:
    if key == "environment":
        name, sep, val = value.partition("=")
        # "-e TZ" passes the caller's value through: named, no value here
        svc.setdefault("environment", {})[name] = val if sep else None
    elif key == "mount":
        _mount(svc, value)
    elif key in _LISTS:
        svc.setdefault(key, []).append(value)
    else:
        svc[key] = value


def _mount(svc: dict[str, Any], value: str) -> None:
    """``--mount type=volume,source=data,target=/data,readonly``: compose's long syntax."""
    fields = dict(
        part.partition("=")[::2]
        for part in value.split(",")
        if part  # type: ignore[misc]
    )
    long: dict[str, Any] = {
        "type": fields.get("type", "volume"),
        "target": fields.get("target") or fields.get("destination") or fields.get("dst", ""),
    }
    source = fields.get("source") or fields.get("src")
    if source:
        long["source"] = source
    if "readonly" in fields or "ro" in fields:
        long["read_only"] = True
    if long["target"]:
        svc.setdefault("volumes", []).append(long)


def compose_document(text: str) -> tuple[dict[str, Any] | None, list[tuple[int, int]]]:
    """One compose document for the ``docker run`` commands of ``text`` (one service each), and
    where they stand."""
    services: dict[str, Any] = {}
    spans = []
    for start, end, command in commands(text):
        read = service(command)
        if read is None:
            continue
        name, svc = read
        services.setdefault(name, svc)
        spans.append((start, end))
    if not services:
        return None, []
    named = {
        v.split(":", 1)[0]
        for svc in services.values()
        for v in svc.get("volumes", [])
        if isinstance(v, str) and ":" in v and not v.startswith(("/", ".", "~", "$", "`"))
    }
    doc: dict[str, Any] = {"services": services}
    if named:
        doc["volumes"] = {n: None for n in sorted(named)}
    return doc, spans
