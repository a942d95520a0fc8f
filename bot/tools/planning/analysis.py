"""What one workload needs from its pod: probes, writable paths, state, shutdown, low ports.

The analysis is per workload (the main one and each further component), and starts from what
the request states: a stated probe, readiness or liveness path wins over the runtime's default,
a stated grace period over the runtime's shutdown time.
"""

from __future__ import annotations

import math

from bot.tools.datastores import is_datastore_image
from bot.tools.models import AppAnalysis, Probe, Workload
from bot.tools.planning.runtimes import Runtime, compact, runtime_for

BATCH_KINDS = ("CronJob", "Job")
_HTTP_PORT_NAMES = ("http", "https", "web", "www", "api", "ui", "admin")
_NON_HTTP_PORT_NAMES = (
    "tcp",
    "udp",
    "amqp",
    "mqtt",
    "redis",
    "postgres",
    "mysql",
    "mongo",
    "fastcgi",
    "fpm",
    "smtp",
    "dns",
    "ldap",
    "kafka",
    "nats",
    "memcache",
    "sql",
    "db",
    "ssh",
    "ftp",
)
_NON_HTTP_PORTS = {
    5432,
    3306,
    6379,
    27017,
    5672,
    9092,
    4222,
    11211,
    25,
    53,
    22,
    21,
    389,
    1883,
    9042,
    9300,
}
_NO_PROBE = Probe(kind="none", path="/", port="", command=[])


def cpu_limit_floor_m(analysis: AppAnalysis) -> int:
    """Return the smallest CPU limit that still lets the app start in reasonable time."""
    # Slow starters (JVM) burn several cores while loading classes; a low limit multiplies
    # their startup time and trips startup probes.
    return 1000 if analysis.startup_seconds >= 30 else 250


def pdb_min_available(replicas: int) -> int:
    """Return a PodDisruptionBudget minAvailable that keeps half the pods yet lets drains run."""
    return max(1, math.ceil(replicas / 2)) if replicas >= 2 else 1


def is_batch(workload: Workload) -> bool:
    """Say whether the workload runs to completion (a Job, a CronJob, a hook)."""
    return (
        workload.workload in BATCH_KINDS
        or bool(workload.schedule)
        or bool(workload.hook)
        or (workload.workload is None and workload.app_type in ("job", "migration"))
    )


def serving_port(workload: Workload) -> int:
    """Return the index of the port probes should target: HTTP-named first, then the first."""
    ports = workload.ports
    for i, port in enumerate(ports):
        if port.name.lower().startswith(_HTTP_PORT_NAMES):
            return i
    for i, port in enumerate(ports):
        if "grpc" in port.name.lower():
            return i
    return 0


def _speaks_http(workload: Workload, runtime: Runtime, index: int) -> bool:
    port = workload.ports[index]
    name = port.name.lower()
    if name.startswith(_HTTP_PORT_NAMES):
        return True
    if name.startswith(_NON_HTTP_PORT_NAMES) or port.port in _NON_HTTP_PORTS:
        return False
    return runtime.serves_http or workload.app_type in ("web", "api", "frontend")


def _targeted(workload: Workload, asked: Probe) -> Probe:
    """Point a stated probe at a real port: a named one, else the serving port."""
    probe = asked.model_copy()
    ports = workload.ports
    if probe.kind in ("http", "tcp", "grpc") and ports:
        named = {p.name: p for p in ports}
        by_number = {str(p.port): p for p in ports}
        target = named.get(probe.port) or by_number.get(probe.port)
        target = target or ports[serving_port(workload)]
        if probe.kind == "grpc":
            # gRPC probes only accept a port number, never a name.
            probe.port = str(target.port)
        else:
            probe.port = target.name
    return probe


def _choose_probe(workload: Workload, runtime: Runtime) -> tuple[Probe, str]:
    """Return the probe for the main container and the reason for it."""
    if is_batch(workload):
        return _NO_PROBE.model_copy(), "run-to-completion workload: no liveness/readiness probes"
    ports = workload.ports
    asked = workload.health or workload.readiness or workload.liveness
    if asked and asked.kind != "none":
        return _targeted(workload, asked), f"{asked.kind} probe as stated in the request"
    if asked and asked.kind == "none":
        return _NO_PROBE.model_copy(), "the request asks for no probes"
    if not ports:
        return _NO_PROBE.model_copy(), (
            "no port to probe: add an exec probe (health.command) if the process can hang"
        )
    index = serving_port(workload)
    port = ports[index]
    if port.protocol != "TCP":
        return _NO_PROBE.model_copy(), f"{port.protocol} port {port.port} cannot be probed over TCP"
    if "grpc" in port.name.lower() or "grpc" in compact(workload.framework):
        return Probe(kind="grpc", path="/", port=str(port.port), command=[]), (
            f"gRPC port {port.port}: native grpc probe (the server must implement "
            "grpc.health.v1.Health)"
        )
    if _speaks_http(workload, runtime, index):
        source = (
            f"{runtime.label} default"
            if runtime.health_path != "/healthz"
            else "conventional path, assumed"
        )
        return Probe(kind="http", path=runtime.health_path, port=port.name, command=[]), (
            f"HTTP GET {runtime.health_path} on port {port.name} ({source})"
        )
    return Probe(kind="tcp", path="/", port=port.name, command=[]), (
        f"port {port.name} ({port.port}) does not speak HTTP: TCP connect probe"
    )


def _stated_probes(workload: Workload) -> dict[str, Probe]:
    """Return the probes the request states one by one (readiness /ready, liveness /live)."""
    if is_batch(workload):
        return {}
    stated = {
        "readiness": workload.readiness,
        "liveness": workload.liveness,
        "startup": workload.startup,
    }
    return {kind: _targeted(workload, p) for kind, p in stated.items() if p is not None}


def is_stateless(workload: Workload) -> bool:
    """Say whether replicas of the workload are interchangeable (no state on their disks)."""
    persistent = [v for v in workload.volumes if v.persistent]
    return (
        not persistent
        and workload.app_type != "database"
        and not is_datastore_image(workload.image)
        and workload.workload != "StatefulSet"
    )


def analyze_application_requirements(requirements: Workload) -> AppAnalysis:
    """Derive the runtime characteristics one workload's pods must accommodate."""
    workload = requirements
    runtime = runtime_for(workload)
    notes = [f"runtime profile: {runtime.label}"]
    notes += list(runtime.notes)
    stateless = is_stateless(workload)
    persistent = [v for v in workload.volumes if v.persistent]
    shared = all(v.access_mode in ("ReadWriteMany", "ReadOnlyMany") for v in persistent)
    kind_scales = workload.workload not in ("DaemonSet", *BATCH_KINDS)
    scalable = (
        kind_scales
        and not is_batch(workload)
        and workload.app_type not in ("daemon", "database", "scheduler")
        and not is_datastore_image(workload.image)
        and (stateless or (bool(persistent) and shared and workload.workload != "StatefulSet"))
    )
    if not stateless:
        notes.append("keeps state on disk: replicas are not interchangeable")
    text = " ".join(getattr(workload, "notes", []) + [getattr(workload, "description", "")])
    affinity = "sticky" in text.lower() or "session affinity" in text.lower()
    if affinity:
        notes.append("the request mentions sticky sessions: Service sessionAffinity ClientIP")
    writable = ["/tmp", *runtime.writable_paths]
    writable += [v.mount_path for v in workload.volumes if not v.persistent]
    probe, probe_reason = _choose_probe(workload, runtime)
    notes.append(f"probe: {probe_reason}")
    probes = _stated_probes(workload)
    if probes:
        notes.append(
            "probes stated one by one: " + ", ".join(f"{k} {p.path}" for k, p in probes.items())
        )
    low_ports = [p.port for p in workload.ports if p.port < 1024]
    if low_ports:
        notes.append(
            f"listens on port(s) {low_ports} below 1024: the pod sets the safe sysctl "
            f"net.ipv4.ip_unprivileged_port_start={min(low_ports)}, no capability is added"
        )
    grace = workload.termination_grace_seconds
    if grace is not None:
        notes.append(f"terminationGracePeriodSeconds {grace} as stated")
    return AppAnalysis(
        startup_seconds=runtime.startup_seconds,
        typical_memory_mi=runtime.memory_mi,
        typical_cpu_m=runtime.cpu_m,
        graceful_shutdown_seconds=grace if grace is not None else runtime.shutdown_seconds,
        stateless=stateless,
        horizontally_scalable=scalable,
        session_affinity=affinity,
        writable_paths=list(dict.fromkeys(writable)),
        probe=probe,
        probes=probes,
        privileged_port=bool(low_ports),
        notes=notes,
    )
