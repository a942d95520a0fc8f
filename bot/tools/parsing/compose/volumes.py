"""A compose service's volumes as Kubernetes volumes.

Named volumes become persistent volumes (sized by the request), tmpfs and anonymous volumes
emptyDirs, bind mounts of files or read-only directories ConfigMaps, node paths read-only host
mounts of a node agent (or a power the security review judges), the runtime's socket nothing.
"""

from __future__ import annotations

import re
from typing import Any

from bot.tools.models import ConfigMount, HostMount, Volume
from bot.tools.parsing.compose.spec import Service, VolumeSpec
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.text import dns_name

_NODE_PATHS = re.compile(
    r"^/(?:var/log|var/lib/docker|proc|sys|dev|run/containerd|var/run/containerd|etc/machine-id|"
    r"var/lib/kubelet|run/udev|lib/modules)(?:/|$)"
)
_SOCKETS = re.compile(r"docker\.sock$|containerd\.sock$|crio\.sock$")
_TIME_FILES = ("/etc/localtime", "/etc/timezone")


def volumes(svc: Service, c: ComponentDraft, draft: Draft) -> None:
    for spec in svc.volumes:
        _volume(svc, spec, c, draft)
    tmpfs = svc.raw.get("tmpfs")
    for target in [tmpfs] if isinstance(tmpfs, str) else tmpfs or []:
        c.add_volume(_emptydir(str(target).split(":")[0]))
    if svc.raw.get("shm_size"):
        c.add_volume(_emptydir("/dev/shm"))


def _emptydir(target: str) -> Volume:
    name = dns_name(target.rsplit("/", 1)[-1], 40) or "scratch"
    return Volume(name=name, mount_path=target, persistent=False)


def _volume(svc: Service, spec: VolumeSpec, c: ComponentDraft, draft: Draft) -> None:
    source, target = spec.source, spec.target
    if spec.kind == "tmpfs" or (spec.kind == "volume" and not source):
        c.add_volume(_emptydir(target))
        return
    if spec.kind != "bind":
        name = dns_name(source, 40) or "data"
        c.add_volume(Volume(name=name, mount_path=target, size="", persistent=True))
        return
    if source in _TIME_FILES or target in _TIME_FILES:
        draft.note(f"'{svc.name}' mounts the host's {target}: set TZ instead")
        return
    if _SOCKETS.search(source):
        draft.note(
            f"compose mounts the container runtime's socket into '{svc.name}': not carried "
            "over (nodes may not run Docker, and the socket is root on the node)"
        )
        return
    if _NODE_PATHS.match(source):
        if spec.read_only or source.startswith("/var/log"):
            c.host_mounts.append(HostMount(host_path=source, mount_path=target, read_only=True))
            c.workload = c.workload or "DaemonSet"
        else:
            draft.elevated.host_path.append(source)
        return
    file_like = re.search(r"\.[A-Za-z0-9]{1,6}$", source.rsplit("/", 1)[-1])
    if file_like or spec.read_only:
        stem = re.sub(r"\.[A-Za-z0-9]{1,6}$", "", source.rsplit("/", 1)[-1])
        name = dns_name(f"{draft.component or svc.name}-{stem}", 53) or f"{svc.name}-config"
        c.config_mounts.append(
            ConfigMount(
                config_map=name,
                mount_path=target,
                sub_path=source.rsplit("/", 1)[-1] if file_like else "",
            )
        )
        draft.note(
            f"bind mount {source} -> {target} of '{svc.name}': mounted from ConfigMap {name} "
            "(create it from that file)"
        )
        return
    name = dns_name(source.rsplit("/", 1)[-1], 40) or "data"
    c.add_volume(Volume(name=name, mount_path=target, size="", persistent=True))
    draft.note(
        f"host directory {source} of '{svc.name}' becomes a persistent volume at {target}: copy "
        "its data over before switching"
    )


def external_claims(doc: dict[str, Any], svc: Service, c: ComponentDraft) -> None:
    """A named volume the compose file declares ``external`` exists outside the project: in
    the cluster it is a claim that already exists, mounted as it is, never created."""
    declared = doc.get("volumes") or {}
    for spec in svc.volumes:
        top = declared.get(spec.source) if spec.kind == "volume" and spec.source else None
        if not isinstance(top, dict) or not top.get("external"):
            continue
        legacy = top["external"] if isinstance(top["external"], dict) else {}
        claim = str(top.get("name") or legacy.get("name") or spec.source)
        target = spec.target.rstrip("/") or "/"
        for volume in c.volumes:
            if volume.mount_path == target and volume.persistent:
                volume.existing_claim = dns_name(claim, 63) or claim
