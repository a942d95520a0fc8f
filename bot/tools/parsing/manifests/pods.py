"""A pasted workload's pod spec as a workload draft: its container, volumes and scheduling."""

from __future__ import annotations

from typing import Any, Literal, get_args

from bot.tools.models import (
    ConfigMount,
    ExtraContainer,
    HostMount,
    Probe,
    SecretMount,
    Toleration,
    Volume,
)
from bot.tools.parsing.draft import ComponentDraft, Draft
from bot.tools.parsing.images import parse_image
from bot.tools.parsing.text import dns_name

Manifest = dict[str, Any]
AccessMode = Literal["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"]
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def template(doc: Manifest) -> Manifest:
    """The pod template of a workload manifest (a CronJob's is inside its job template)."""
    spec = doc.get("spec") or {}
    if doc.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    if spec.get("template"):
        found: Manifest = spec["template"]
        return found
    # "spec:" / "  ..." / "    spec:": a README left the template's own line out
    inner = spec.get("spec") or {}
    if isinstance(inner, dict) and inner.get("containers"):
        return {"spec": inner}
    return {"spec": spec} if spec.get("containers") else {}


def workload(doc: Manifest, c: ComponentDraft, draft: Draft) -> None:
    """The workload's kind, replicas and (for a CronJob) its schedule and settings."""
    kind, spec = doc["kind"], doc.get("spec") or {}
    c.workload = c.workload or kind
    if isinstance(spec.get("replicas"), int):
        c.set_replicas(spec["replicas"], spec["replicas"], pasted=True)
    hook = ((doc.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook")
    if kind == "Job" and hook:
        c.hook = c.hook or str(hook)
    if kind == "CronJob":
        if spec.get("schedule"):
            c.set_schedule(str(spec["schedule"]), literal=True)
        for key, field in (
            ("timeZone", "time_zone"),
            ("concurrencyPolicy", "concurrency_policy"),
            ("successfulJobsHistoryLimit", "successful_jobs_history_limit"),
            ("failedJobsHistoryLimit", "failed_jobs_history_limit"),
        ):
            if spec.get(key) is not None:
                c.cron.setdefault(field, spec[key])


def pod_spec(doc: Manifest, c: ComponentDraft, draft: Draft, claims: dict[str, Manifest]) -> None:
    pod = template(doc).get("spec") or {}
    containers = [x for x in pod.get("containers") or [] if isinstance(x, dict)]
    if not containers:
        return
    main = containers[0]
    _container(main, c, draft)
    for extra in containers[1:]:
        c.sidecars.append(_extra(extra))
    for extra in pod.get("initContainers") or []:
        if isinstance(extra, dict):
            c.init_containers.append(_extra(extra))
    _volumes(doc, pod, main, c, draft, claims)
    for key, value in (pod.get("nodeSelector") or {}).items():
        c.node_selector.setdefault(str(key), str(value))
    for tol in pod.get("tolerations") or []:
        if isinstance(tol, dict):
            effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute", ""] = (
                tol["effect"] if tol.get("effect") in _EFFECTS else ""
            )
            operator: Literal["Equal", "Exists"] = (
                "Exists" if tol.get("operator") == "Exists" else "Equal"
            )
            c.tolerations.append(
                Toleration(
                    key=str(tol.get("key") or ""),
                    operator=operator,
                    value=str(tol.get("value") or ""),
                    effect=effect,
                )
            )
    if isinstance(pod.get("terminationGracePeriodSeconds"), int):
        c.grace = c.grace or pod["terminationGracePeriodSeconds"]
    for power in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(power):
            setattr(
                draft.elevated,
                {"hostNetwork": "host_network", "hostPID": "host_pid", "hostIPC": "host_ipc"}[
                    power
                ],
                True,
            )
    if ((main.get("securityContext") or {}).get("privileged")) is True:
        draft.elevated.privileged = True


def _container(spec: Manifest, c: ComponentDraft, draft: Draft) -> None:
    image = parse_image(str(spec.get("image") or ""))
    if c.image is None and image is not None:
        c.image, c.pasted_image = image, True
    c.command = c.command or [str(x) for x in spec.get("command") or []]
    c.args = c.args or [str(x) for x in spec.get("args") or []]
    for port in spec.get("ports") or []:
        if isinstance(port, dict) and isinstance(port.get("containerPort"), int):
            c.add_port(
                port["containerPort"],
                name=str(port.get("name") or ""),
                protocol=str(port.get("protocol") or "TCP").upper(),
            )
    for entry in spec.get("env") or []:
        _env(entry, c, draft)
    _resources(spec.get("resources") or {}, c)
    for key, attr in (
        ("readinessProbe", "readiness"),
        ("livenessProbe", "liveness"),
        ("startupProbe", "startup"),
    ):
        probe = _probe(spec.get(key))
        if probe is not None and getattr(c, attr) is None:
            setattr(c, attr, probe)


def _env(entry: Any, c: ComponentDraft, draft: Draft) -> None:
    if not isinstance(entry, dict) or not entry.get("name"):
        return
    name = str(entry["name"])
    source = entry.get("valueFrom") or {}
    if "value" in entry:
        c.add_env(name, "" if entry["value"] is None else str(entry["value"]), pasted=True)
    elif ref := source.get("secretKeyRef"):
        c.place_secret(name, str(ref.get("name") or ""), str(ref.get("key") or ""))
    elif ref := source.get("configMapKeyRef"):
        draft.note(
            f"{name} is read from key {ref.get('key')} of ConfigMap {ref.get('name')} in the "
            "pasted manifest: set its value in the chart's env"
        )
    elif source.get("fieldRef"):
        draft.note(f"{name} comes from the downward API ({source['fieldRef'].get('fieldPath')})")


def _resources(spec: Manifest, c: ComponentDraft) -> None:
    requests, limits = spec.get("requests") or {}, spec.get("limits") or {}
    c.cpu = c.cpu or str(requests.get("cpu") or "")
    c.memory = c.memory or str(requests.get("memory") or "")
    c.limit_cpu = c.limit_cpu or str(limits.get("cpu") or "")
    c.limit_memory = c.limit_memory or str(limits.get("memory") or "")
    gpu = limits.get("nvidia.com/gpu") or requests.get("nvidia.com/gpu")
    if str(gpu or "").isdigit():
        c.gpu = c.gpu or int(str(gpu))


def _probe(spec: Any) -> Probe | None:
    if not isinstance(spec, dict):
        return None
    if http := spec.get("httpGet"):
        return Probe(kind="http", path=str(http.get("path") or "/"), port=str(http.get("port", "")))
    if tcp := spec.get("tcpSocket"):
        return Probe(kind="tcp", port=str(tcp.get("port", "")))
    if grpc := spec.get("grpc"):
        return Probe(kind="grpc", port=str(grpc.get("port", "")))
    if command := (spec.get("exec") or {}).get("command"):
        return Probe(kind="exec", command=[str(x) for x in command])
    return None


def _extra(spec: Manifest) -> ExtraContainer:
    return ExtraContainer(
        name=dns_name(str(spec.get("name") or "extra"), 40) or "extra",
        image=parse_image(str(spec.get("image") or "")),
        command=[str(x) for x in [*(spec.get("command") or []), *(spec.get("args") or [])]],
    )


def _volumes(
    doc: Manifest,
    pod: Manifest,
    container: Manifest,
    c: ComponentDraft,
    draft: Draft,
    claims: dict[str, Manifest],
) -> None:
    declared = {str(v.get("name")): v for v in pod.get("volumes") or [] if isinstance(v, dict)}
    templates = {
        str((t.get("metadata") or {}).get("name")): t
        for t in (doc.get("spec") or {}).get("volumeClaimTemplates") or []
        if isinstance(t, dict)
    }
    for mount in container.get("volumeMounts") or []:
        if not isinstance(mount, dict) or not mount.get("mountPath"):
            continue
        name, path = str(mount.get("name")), str(mount["mountPath"])
        read_only = bool(mount.get("readOnly"))
        if name in templates:
            c.add_volume(_claimed(name, path, templates[name]))
            continue
        volume = declared.get(name) or {}
        if claim := volume.get("persistentVolumeClaim"):
            claim_name = str(claim.get("claimName") or name)
            if claim_name in claims:
                c.add_volume(_claimed(dns_name(name, 40) or "data", path, claims[claim_name]))
            else:
                c.add_volume(
                    Volume(
                        name=dns_name(name, 40) or "data",
                        mount_path=path,
                        existing_claim=claim_name,
                    )
                )
        elif host := volume.get("hostPath"):
            source = str(host.get("path") or path)
            c.host_mounts.append(HostMount(host_path=source, mount_path=path, read_only=read_only))
            if not read_only:
                draft.elevated.host_path.append(source)
        elif config := volume.get("configMap"):
            c.config_mounts.append(
                ConfigMount(
                    config_map=str(config.get("name") or name),
                    mount_path=path,
                    sub_path=str(mount.get("subPath") or ""),
                )
            )
        elif secret := volume.get("secret"):
            c.secret_mounts.append(
                SecretMount(secret_name=str(secret.get("secretName") or ""), mount_path=path)
            )
        elif "emptyDir" in volume:
            c.add_volume(
                Volume(name=dns_name(name, 40) or "scratch", mount_path=path, persistent=False)
            )


def _claimed(name: str, path: str, claim: Manifest) -> Volume:
    """A volume whose claim the chart makes, sized and classed as the pasted claim is."""
    spec = claim.get("spec") or {}
    size = str(((spec.get("resources") or {}).get("requests") or {}).get("storage") or "")
    modes = spec.get("accessModes") or ["ReadWriteOnce"]
    mode: AccessMode = modes[0] if modes[0] in get_args(AccessMode) else "ReadWriteOnce"
    return Volume(
        name=dns_name(name, 40) or "data",
        mount_path=path,
        size=size or "1Gi",
        storage_class=str(spec.get("storageClassName") or ""),
        access_mode=mode,
    )
