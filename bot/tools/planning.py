"""The planner agent's tools: from normalised requirements to a chart plan.

Every decision is read from a small table or rule in this module and comes with a sentence that
says why, because the plan is shown to a human in the pull request and must be arguable. The
tools are deterministic: the same requirements always give the same plan, so an LLM policy can
call them and the report stays reproducible.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from bot.tools.models import (
    AppAnalysis,
    Architecture,
    Dependency,
    DependencyPlan,
    ExtraContainer,
    HelmDependency,
    Image,
    Plan,
    Probe,
    Requirements,
    ResourceDecision,
    ResourceEstimate,
    ResourceHint,
    ResourceSpec,
    ScalingSpec,
    ScalingStrategy,
    WorkloadKind,
)

# --------------------------------------------------------------------------- quantities

_MEMORY_UNITS_MI: dict[str, float] = {
    "": 1 / 1024**2,
    "k": 1e3 / 1024**2,
    "K": 1e3 / 1024**2,
    "M": 1e6 / 1024**2,
    "G": 1e9 / 1024**2,
    "T": 1e12 / 1024**2,
    "Ki": 1 / 1024,
    "Mi": 1.0,
    "Gi": 1024.0,
    "Ti": 1024.0**2,
}
_QUANTITY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][0-9]+)?)\s*([A-Za-z]*)\s*$")


def parse_cpu_m(value: object) -> float | None:
    """Return a Kubernetes CPU quantity in millicores, or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) * 1000
    match = _QUANTITY.match(str(value))
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit == "m":
        return number
    return number * 1000 if unit == "" else None


def parse_memory_mi(value: object) -> float | None:
    """Return a Kubernetes memory quantity in MiB, or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) / 1024**2
    match = _QUANTITY.match(str(value))
    if not match or match.group(2) not in _MEMORY_UNITS_MI:
        return None
    return float(match.group(1)) * _MEMORY_UNITS_MI[match.group(2)]


def format_cpu(millicores: float) -> str:
    """Format millicores the way values files write them, e.g. 250m."""
    return f"{math.ceil(millicores)}m"


def format_memory(mebibytes: float) -> str:
    """Format MiB as a Kubernetes quantity, in Gi when it divides evenly."""
    mi = math.ceil(mebibytes)
    return f"{mi // 1024}Gi" if mi and mi % 1024 == 0 else f"{mi}Mi"


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


# --------------------------------------------------------------------------- runtime table


@dataclass(frozen=True)
class Runtime:
    """What a language or framework typically needs in a container."""

    label: str
    startup_seconds: int
    memory_mi: int
    cpu_m: int
    shutdown_seconds: int
    health_path: str = "/healthz"
    writable_paths: tuple[str, ...] = ()
    serves_http: bool = True
    jvm: bool = False
    # Memory that rises with load and is given back when load drops makes a memory HPA
    # target meaningful; heaps that are kept after a spike would pin replicas up.
    memory_follows_load: bool = False
    migrate_command: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


_JVM_NOTE = (
    "JVM: size the heap from the container limit (-XX:MaxRAMPercentage=75) rather than a "
    "fixed -Xmx, so changing the memory limit keeps heap and non-heap inside it"
)
_PYTHON_NOTE = (
    "Python skips __pycache__ writes on a read-only root; PYTHONDONTWRITEBYTECODE=1 avoids the "
    "attempts, no writable path needed"
)

LANGUAGES: dict[str, Runtime] = {
    "go": Runtime("Go", 2, 64, 50, 15),
    "rust": Runtime("Rust", 1, 32, 50, 15),
    "node": Runtime("Node.js", 5, 192, 100, 30, memory_follows_load=True),
    "python": Runtime("Python", 8, 192, 100, 30, notes=(_PYTHON_NOTE,)),
    "ruby": Runtime("Ruby", 10, 320, 150, 30),
    "php": Runtime("PHP", 3, 128, 100, 30, memory_follows_load=True),
    "java": Runtime("JVM", 40, 768, 500, 45, jvm=True, notes=(_JVM_NOTE,)),
    "dotnet": Runtime(".NET", 10, 256, 200, 30),
    "elixir": Runtime("Elixir", 8, 256, 150, 30),
}
_LANGUAGE_ALIASES = {
    "golang": "go",
    "nodejs": "node",
    "javascript": "node",
    "typescript": "node",
    "js": "node",
    "ts": "node",
    "deno": "node",
    "bun": "node",
    "python3": "python",
    "py": "python",
    "kotlin": "java",
    "scala": "java",
    "clojure": "java",
    "groovy": "java",
    "jvm": "java",
    "csharp": "dotnet",
    "c#": "dotnet",
    "fsharp": "dotnet",
    "net": "dotnet",
    "erlang": "elixir",
}

_NGINX = Runtime(
    "nginx",
    2,
    32,
    25,
    15,
    health_path="/",
    writable_paths=("/var/cache/nginx", "/var/run"),
    notes=(
        "the official nginx image binds port 80 as root; nginxinc/nginx-unprivileged listens "
        "on 8080 and runs as a non-root user",
    ),
)
FRAMEWORKS: dict[str, Runtime] = {
    "springboot": replace(
        LANGUAGES["java"], label="Spring Boot", startup_seconds=45, health_path="/actuator/health"
    ),
    "spring": replace(
        LANGUAGES["java"], label="Spring", startup_seconds=45, health_path="/actuator/health"
    ),
    "quarkus": replace(
        LANGUAGES["java"],
        label="Quarkus",
        startup_seconds=5,
        memory_mi=256,
        cpu_m=250,
        health_path="/q/health",
    ),
    "micronaut": replace(
        LANGUAGES["java"],
        label="Micronaut",
        startup_seconds=10,
        memory_mi=384,
        cpu_m=250,
        health_path="/health",
    ),
    "nestjs": replace(LANGUAGES["node"], label="NestJS", startup_seconds=8, memory_mi=256),
    "nextjs": replace(
        LANGUAGES["node"],
        label="Next.js",
        startup_seconds=8,
        memory_mi=256,
        health_path="/",
        writable_paths=("/app/.next/cache",),
    ),
    "express": replace(LANGUAGES["node"], label="Express"),
    "fastify": replace(LANGUAGES["node"], label="Fastify"),
    "django": replace(
        LANGUAGES["python"],
        label="Django",
        startup_seconds=10,
        memory_mi=256,
        cpu_m=150,
        migrate_command=("python", "manage.py", "migrate", "--noinput"),
    ),
    "flask": replace(LANGUAGES["python"], label="Flask", startup_seconds=5, memory_mi=160),
    "fastapi": replace(LANGUAGES["python"], label="FastAPI", startup_seconds=5, memory_mi=160),
    "celery": replace(
        LANGUAGES["python"],
        label="Celery",
        startup_seconds=10,
        memory_mi=256,
        cpu_m=200,
        serves_http=False,
    ),
    "rails": replace(
        LANGUAGES["ruby"],
        label="Rails",
        startup_seconds=20,
        memory_mi=512,
        cpu_m=250,
        health_path="/up",
        writable_paths=("/rails/tmp", "/rails/log"),
        migrate_command=("bin/rails", "db:migrate"),
        notes=("Rails paths assume the Rails 7.1+ Dockerfile layout (WORKDIR /rails)",),
    ),
    "sinatra": replace(LANGUAGES["ruby"], label="Sinatra", startup_seconds=5, memory_mi=192),
    "sidekiq": replace(
        LANGUAGES["ruby"], label="Sidekiq", startup_seconds=15, memory_mi=384, serves_http=False
    ),
    "laravel": replace(
        LANGUAGES["php"],
        label="Laravel",
        writable_paths=("/var/www/html/storage", "/var/www/html/bootstrap/cache"),
        migrate_command=("php", "artisan", "migrate", "--force"),
    ),
    "aspnetcore": replace(LANGUAGES["dotnet"], label="ASP.NET Core"),
    "aspnet": replace(LANGUAGES["dotnet"], label="ASP.NET Core"),
    "gin": replace(LANGUAGES["go"], label="Gin"),
    "echo": replace(LANGUAGES["go"], label="Echo"),
    "fiber": replace(LANGUAGES["go"], label="Fiber"),
    "actix": replace(LANGUAGES["rust"], label="Actix"),
    "axum": replace(LANGUAGES["rust"], label="Axum"),
    "phoenix": replace(LANGUAGES["elixir"], label="Phoenix"),
    "nginx": _NGINX,
    "httpd": replace(
        _NGINX,
        label="Apache httpd",
        memory_mi=64,
        cpu_m=50,
        writable_paths=("/usr/local/apache2/logs",),
        notes=(),
    ),
    "apache": replace(
        _NGINX,
        label="Apache httpd",
        memory_mi=64,
        cpu_m=50,
        writable_paths=("/usr/local/apache2/logs",),
        notes=(),
    ),
    "caddy": replace(
        _NGINX, label="Caddy", memory_mi=48, writable_paths=("/data", "/config"), notes=()
    ),
}
_FRAMEWORK_ALIASES = {"rubyonrails": "rails", "nuxt": "nextjs", "next": "nextjs"}

_GENERIC = Runtime("unknown runtime", 10, 256, 100, 30)
_DATABASE = Runtime("database server", 30, 1024, 500, 60, serves_http=False)


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9#]", "", text.lower())


def _lookup(text: str, table: dict[str, Runtime], aliases: dict[str, str]) -> Runtime | None:
    key = _compact(text)
    if not key:
        return None
    key = aliases.get(key, key)
    if key in table:
        return table[key]
    # "spring boot 3" or "java21": the longest known prefix wins ("javascript" before "java").
    for known in sorted([*table, *aliases], key=len, reverse=True):
        if len(known) > 1 and key.startswith(known):
            return table[aliases.get(known, known)]
    return None


def runtime_for(requirements: Requirements) -> Runtime:
    """Return the runtime profile the request's framework, language or app type points to."""
    found = _lookup(requirements.framework, FRAMEWORKS, _FRAMEWORK_ALIASES)
    found = found or _lookup(requirements.language, LANGUAGES, _LANGUAGE_ALIASES)
    if found:
        return found
    if _is_datastore_image(requirements) or requirements.app_type == "database":
        return _DATABASE
    if requirements.app_type == "frontend":
        return _NGINX
    return _GENERIC


def cpu_limit_floor_m(analysis: AppAnalysis) -> int:
    """Return the smallest CPU limit that still lets the app start in reasonable time."""
    # Slow starters (JVM) burn several cores while loading classes; a low limit multiplies
    # their startup time and trips startup probes.
    return 1000 if analysis.startup_seconds >= 30 else 250


def pdb_min_available(replicas: int) -> int:
    """Return a PodDisruptionBudget minAvailable that keeps half the pods yet lets drains run."""
    return max(1, math.ceil(replicas / 2)) if replicas >= 2 else 1


# --------------------------------------------------------------------------- analysis

_BATCH_KINDS = ("CronJob", "Job")
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


def _is_datastore_image(requirements: Requirements) -> bool:
    if not requirements.image:
        return False
    base = requirements.image.repository.rsplit("/", 1)[-1]
    return any(base == d.image.repository.rsplit("/", 1)[-1] for d in DATASTORES.values())


def _is_batch(requirements: Requirements) -> bool:
    return (
        requirements.workload in _BATCH_KINDS
        or bool(requirements.schedule)
        or (requirements.workload is None and requirements.app_type == "job")
    )


def _serving_port(requirements: Requirements) -> int:
    """Return the index of the port probes should target: HTTP-named first, then the first."""
    ports = requirements.ports
    for i, port in enumerate(ports):
        if port.name.lower().startswith(_HTTP_PORT_NAMES):
            return i
    for i, port in enumerate(ports):
        if "grpc" in port.name.lower():
            return i
    return 0


def _speaks_http(requirements: Requirements, runtime: Runtime, index: int) -> bool:
    port = requirements.ports[index]
    name = port.name.lower()
    if name.startswith(_HTTP_PORT_NAMES):
        return True
    if name.startswith(_NON_HTTP_PORT_NAMES) or port.port in _NON_HTTP_PORTS:
        return False
    return runtime.serves_http or requirements.app_type in ("web", "api", "frontend")


_NO_PROBE = Probe(kind="none", path="/", port="", command=[])


def _choose_probe(requirements: Requirements, runtime: Runtime) -> tuple[Probe, str]:
    """Return the probe for the main container and the reason for it."""
    if _is_batch(requirements):
        return _NO_PROBE.model_copy(), "run-to-completion workload: no liveness/readiness probes"
    ports = requirements.ports
    asked = requirements.health
    if asked and asked.kind != "none":
        probe = asked.model_copy()
        if probe.kind in ("http", "tcp", "grpc") and ports:
            named = {p.name: p for p in ports}
            target = named.get(probe.port) or ports[_serving_port(requirements)]
            if probe.kind == "grpc" and not probe.port.isdigit():
                # gRPC probes only accept a port number, never a name.
                probe.port = str(target.port)
            elif not probe.port:
                probe.port = target.name
        return probe, f"{probe.kind} probe as stated in the request"
    if asked and asked.kind == "none":
        return _NO_PROBE.model_copy(), "the request asks for no probes"
    if not ports:
        return _NO_PROBE.model_copy(), (
            "no port to probe: add an exec probe (health.command) if the process can hang"
        )
    index = _serving_port(requirements)
    port = ports[index]
    if port.protocol != "TCP":
        return _NO_PROBE.model_copy(), f"{port.protocol} port {port.port} cannot be probed over TCP"
    if "grpc" in port.name.lower() or "grpc" in _compact(requirements.framework):
        return Probe(kind="grpc", path="/", port=str(port.port), command=[]), (
            f"gRPC port {port.port}: native grpc probe (the server must implement "
            "grpc.health.v1.Health)"
        )
    if _speaks_http(requirements, runtime, index):
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


def _is_stateless(requirements: Requirements) -> bool:
    persistent = [v for v in requirements.volumes if v.persistent]
    return (
        not persistent
        and requirements.app_type != "database"
        and not _is_datastore_image(requirements)
        and requirements.workload != "StatefulSet"
    )


def analyze_application_requirements(requirements: Requirements) -> AppAnalysis:
    """Derive the runtime characteristics the chart must accommodate."""
    runtime = runtime_for(requirements)
    notes = [f"runtime profile: {runtime.label}"]
    notes += list(runtime.notes)
    stateless = _is_stateless(requirements)
    persistent = [v for v in requirements.volumes if v.persistent]
    shared = all(v.access_mode in ("ReadWriteMany", "ReadOnlyMany") for v in persistent)
    kind_scales = requirements.workload not in ("DaemonSet", *_BATCH_KINDS)
    scalable = (
        kind_scales
        and not _is_batch(requirements)
        and requirements.app_type not in ("daemon", "database")
        and not _is_datastore_image(requirements)
        and (stateless or (bool(persistent) and shared and requirements.workload != "StatefulSet"))
    )
    if not stateless:
        notes.append("keeps state on disk: replicas are not interchangeable")
    text = f"{requirements.description} {' '.join(requirements.notes)}".lower()
    affinity = "sticky" in text or "session affinity" in text
    if affinity:
        notes.append("the request mentions sticky sessions: Service sessionAffinity ClientIP")
    writable = ["/tmp", *runtime.writable_paths]
    writable += [v.mount_path for v in requirements.volumes if not v.persistent]
    probe, probe_reason = _choose_probe(requirements, runtime)
    notes.append(f"probe: {probe_reason}")
    low_ports = [p.port for p in requirements.ports if p.port < 1024]
    if low_ports:
        notes.append(
            f"listens on port(s) {low_ports} below 1024: needs NET_BIND_SERVICE, or move the "
            "container port above 1024 and keep the Service port"
        )
    return AppAnalysis(
        startup_seconds=runtime.startup_seconds,
        typical_memory_mi=runtime.memory_mi,
        typical_cpu_m=runtime.cpu_m,
        graceful_shutdown_seconds=runtime.shutdown_seconds,
        stateless=stateless,
        horizontally_scalable=scalable,
        session_affinity=affinity,
        writable_paths=list(dict.fromkeys(writable)),
        probe=probe,
        privileged_port=bool(low_ports),
        notes=notes,
    )


# --------------------------------------------------------------------------- architecture


def choose_workload(requirements: Requirements, analysis: AppAnalysis) -> tuple[WorkloadKind, str]:
    """Return the workload kind and why it was chosen."""
    if requirements.workload:
        return requirements.workload, f"{requirements.workload} requested explicitly"
    if requirements.schedule:
        return "CronJob", f"runs on the schedule '{requirements.schedule}'"
    if requirements.app_type == "job":
        return "Job", "a one-off task that runs to completion"
    if requirements.app_type == "daemon":
        return "DaemonSet", "a node agent: one pod on every node"
    per_replica_disk = [
        v
        for v in requirements.volumes
        if v.persistent and v.access_mode in ("ReadWriteOnce", "ReadWriteOncePod")
    ]
    wants_many = requirements.replicas is not None and requirements.replicas.max > 1
    if requirements.app_type == "database" or _is_datastore_image(requirements):
        return "StatefulSet", "a database: stable identity and one volume per replica"
    if per_replica_disk and wants_many:
        return "StatefulSet", (
            "several replicas each need their own ReadWriteOnce volume: volumeClaimTemplates"
        )
    if analysis.stateless:
        return "Deployment", "stateless service: interchangeable replicas"
    return "Deployment", "a single replica with its own persistent volume"


def prod_replica_range(
    requirements: Requirements, analysis: AppAnalysis, workload: WorkloadKind
) -> tuple[int, int, str]:
    """Return the production replica floor and ceiling and where they come from."""
    if workload in ("DaemonSet", *_BATCH_KINDS):
        return 1, 1, f"{workload}: replica count does not apply"
    stated = requirements.replicas
    if stated is not None:
        low = max(1, stated.min)
        high = max(low, stated.max)
        reason = f"replicas {stated.min}-{stated.max} as stated"
        if stated.min < 1:
            reason += " (scale to zero is not supported by the HPA: floor raised to 1)"
        if not analysis.horizontally_scalable and high > low:
            reason += f"; not horizontally scalable, so fixed at {low}"
            high = low
        return low, high, reason
    if analysis.horizontally_scalable:
        return 2, 2, "no replica count stated: 2 in production so one pod can be lost"
    return 1, 1, "no replica count stated and replicas are not interchangeable: 1"


def design_kubernetes_architecture(
    requirements: Requirements, analysis: AppAnalysis
) -> Architecture:
    """Choose the workload kind and the Kubernetes objects around it, each with a reason."""
    workload, why = choose_workload(requirements, analysis)
    decisions = [f"{workload}: {why}"]
    resources = [ResourceDecision(kind=workload, reason=why)]
    exposed = [p for p in requirements.ports if p.expose]
    batch = workload in _BATCH_KINDS
    has_service = bool(exposed) and not batch
    if workload == "StatefulSet":
        resources.append(
            ResourceDecision(
                kind="Service",
                reason="headless Service (clusterIP: None) governing the "
                "StatefulSet: stable per-pod DNS names",
            )
        )
    if has_service:
        kind = requirements.service_type or "ClusterIP"
        names = ", ".join(f"{p.name}:{p.port}" for p in exposed)
        resources.append(ResourceDecision(kind="Service", reason=f"{kind} Service for {names}"))
    elif exposed and batch:
        decisions.append("no Service: a run-to-completion workload is not a network endpoint")
    if requirements.ingress and requirements.ingress.hosts:
        hosts = ", ".join(requirements.ingress.hosts)
        if has_service:
            tls = " with TLS" if requirements.ingress.tls else ""
            resources.append(
                ResourceDecision(kind="Ingress", reason=f"HTTP routing for {hosts}{tls}")
            )
        else:
            decisions.append(f"Ingress for {hosts} skipped: nothing exposes a Service port")
    if requirements.env:
        resources.append(
            ResourceDecision(
                kind="ConfigMap",
                reason=f"{len(requirements.env)} plain setting(s) kept out of the "
                "pod spec and changeable without a rebuild",
            )
        )
    token = (
        "mounted: the app calls the Kubernetes API"
        if requirements.needs_service_account_token
        else "not mounted"
    )
    resources.append(
        ResourceDecision(
            kind="ServiceAccount",
            reason=f"a dedicated identity instead of 'default'; token {token}",
        )
    )
    low, high, _ = prod_replica_range(requirements, analysis, workload)
    if high > low and analysis.horizontally_scalable and workload in ("Deployment", "StatefulSet"):
        resources.append(
            ResourceDecision(
                kind="HorizontalPodAutoscaler",
                reason=f"scales {low}-{high} replicas on CPU",
            )
        )
    if low > 1 and workload in ("Deployment", "StatefulSet"):
        resources.append(
            ResourceDecision(
                kind="PodDisruptionBudget",
                reason=f"keeps {pdb_min_available(low)} of {low} pods up during node drains",
            )
        )
    resources.append(
        ResourceDecision(
            kind="NetworkPolicy",
            reason="default-deny with explicit ingress and egress allowances",
        )
    )
    for volume in requirements.volumes:
        if not volume.persistent:
            continue
        where = (
            "volumeClaimTemplates, one claim per replica"
            if workload == "StatefulSet"
            else "one claim"
        )
        size = volume.size or "10Gi"
        resources.append(
            ResourceDecision(
                kind="PersistentVolumeClaim",
                reason=(
                    f"{volume.name} ({size}, {volume.access_mode}) at {volume.mount_path}: {where}"
                ),
            )
        )
    decisions += _baseline_decisions(requirements, analysis)
    return Architecture(workload=workload, resources=resources, design_decisions=decisions)


def _baseline_decisions(requirements: Requirements, analysis: AppAnalysis) -> list[str]:
    decisions = [
        "Pod Security 'restricted': non-root, no privilege escalation, all capabilities "
        "dropped, RuntimeDefault seccomp",
        "read-only root filesystem with emptyDir mounts for " + ", ".join(analysis.writable_paths),
        f"probes: {analysis.probe.kind}"
        + (f" {analysis.probe.path}" if analysis.probe.kind == "http" else ""),
        f"terminationGracePeriodSeconds {analysis.graceful_shutdown_seconds} for graceful shutdown",
    ]
    if analysis.privileged_port:
        decisions.append("port below 1024: NET_BIND_SERVICE is the only capability added back")
    if requirements.secrets:
        decisions.append(
            f"{len(requirements.secrets)} secret value(s) read from existing Secrets; the chart "
            "never contains secret values"
        )
    if analysis.session_affinity:
        decisions.append("Service sessionAffinity ClientIP for sticky sessions")
    return decisions


# --------------------------------------------------------------------------- resources

# Share of the production request reserved in each environment: CPU is compressible and
# cheap to under-reserve; memory is not, so it shrinks less.
_CPU_SHARE = {"dev": 0.25, "staging": 0.5, "prod": 1.0}
_MEMORY_SHARE = {"dev": 0.5, "staging": 0.75, "prod": 1.0}
_CPU_REQUEST_FLOOR_M = 50
_MEMORY_REQUEST_FLOOR_MI = 64
CPU_LIMIT_FACTOR = 4
MEMORY_LIMIT_FACTOR = 1.5


def memory_limit_mi(request_mi: float) -> int:
    """Return the memory limit the planner pairs with a memory request."""
    return _round_up(request_mi * MEMORY_LIMIT_FACTOR, 32)


def cpu_limit_m(request_m: float, analysis: AppAnalysis) -> int:
    """Return the CPU limit the planner pairs with a CPU request."""
    return max(_round_up(request_m * CPU_LIMIT_FACTOR, 50), cpu_limit_floor_m(analysis))


def _requested_base(
    requirements: Requirements, analysis: AppAnalysis
) -> tuple[float, float, list[str]]:
    cpu, memory = float(analysis.typical_cpu_m), float(analysis.typical_memory_mi)
    why = [f"typical footprint {analysis.typical_cpu_m}m CPU / {analysis.typical_memory_mi}Mi"]
    hint = requirements.resources or ResourceHint()
    if hint.cpu:
        parsed = parse_cpu_m(hint.cpu)
        if parsed:
            cpu = parsed
            why.append(f"production CPU request {hint.cpu} as stated")
        else:
            why.append(f"ignored CPU hint '{hint.cpu}': not a Kubernetes quantity")
    if hint.memory:
        parsed = parse_memory_mi(hint.memory)
        if parsed:
            memory = parsed
            why.append(f"production memory request {hint.memory} as stated")
            if parsed < analysis.typical_memory_mi / 2:
                why.append("stated memory is well below the runtime's typical footprint")
        else:
            why.append(f"ignored memory hint '{hint.memory}': not a Kubernetes quantity")
    return cpu, memory, why


def _environments(requirements: Requirements) -> list[str]:
    return list(requirements.environments) or ["dev", "staging", "prod"]


def estimate_resources(requirements: Requirements, analysis: AppAnalysis) -> ResourceEstimate:
    """Size requests and limits per environment from the runtime profile and stated hints."""
    cpu, memory, why = _requested_base(requirements, analysis)
    prod_memory = max(_round_up(memory, 16), _MEMORY_REQUEST_FLOOR_MI)
    envs: dict[str, ResourceSpec] = {}
    for env in _environments(requirements):
        cpu_req = max(_round_up(cpu * _CPU_SHARE[env], 5), _CPU_REQUEST_FLOOR_M)
        mem_req = max(_round_up(memory * _MEMORY_SHARE[env], 16), _MEMORY_REQUEST_FLOOR_MI)
        # Dev reserves half the memory but may still reach the full typical footprint.
        mem_lim = prod_memory if env == "dev" else memory_limit_mi(prod_memory)
        envs[env] = ResourceSpec(
            requests=ResourceHint(cpu=format_cpu(cpu_req), memory=format_memory(mem_req)),
            limits=ResourceHint(
                cpu=format_cpu(cpu_limit_m(cpu_req, analysis)),
                memory=format_memory(mem_lim),
            ),
        )
    why += [
        "dev/staging reserve 25%/50% of the production CPU and 50%/75% of its memory",
        f"CPU limit {CPU_LIMIT_FACTOR}x the request, at least {cpu_limit_floor_m(analysis)}m so "
        f"a {analysis.startup_seconds}s startup is not throttled",
        f"memory limit {MEMORY_LIMIT_FACTOR}x the production request (dev: the request itself), "
        "so a spike is OOM-killed in the pod rather than starving the node",
    ]
    return ResourceEstimate(environments=envs, reasoning="; ".join(why))


# --------------------------------------------------------------------------- scaling


def define_scaling_strategy(requirements: Requirements, analysis: AppAnalysis) -> ScalingStrategy:
    """Decide replicas, HPA and PDB per environment; production honours the stated range."""
    workload, _ = choose_workload(requirements, analysis)
    low, high, why = prod_replica_range(requirements, analysis, workload)
    runtime = runtime_for(requirements)
    elastic = workload in ("Deployment", "StatefulSet") and analysis.horizontally_scalable
    staging_low = min(low, 2)
    staging_high = min(high, max(staging_low + 1, high // 2)) if high > low else staging_low
    ranges = {"prod": (low, high), "staging": (staging_low, staging_high), "dev": (1, 1)}
    envs: dict[str, ScalingSpec] = {}
    for env in _environments(requirements):
        lo, hi = ranges[env]
        hpa = elastic and hi > lo
        envs[env] = ScalingSpec(
            replicas=lo,
            autoscaling=hpa,
            min_replicas=lo,
            max_replicas=max(lo, hi),
            target_cpu=80 if env == "dev" else 70,
            target_memory=80 if hpa and runtime.memory_follows_load else None,
            pdb_min_available=(
                pdb_min_available(lo)
                if lo >= 2 and workload in ("Deployment", "StatefulSet")
                else None
            ),
        )
    reasons = [f"production: {why}"]
    if workload in ("DaemonSet", *_BATCH_KINDS):
        reasons.append(f"{workload}: no HPA and no PodDisruptionBudget")
    else:
        reasons += [
            "staging mirrors production at a smaller scale; dev runs one replica without HPA "
            "or PDB",
            "HPA targets 70% CPU: headroom for the minute a new pod needs to become ready",
            "PDB minAvailable is half the baseline (at least 1) so drains proceed",
        ]
        if any(spec.autoscaling for spec in envs.values()):
            reasons.append(
                f"{runtime.label} gives memory back after load: memory target 80% as well"
                if runtime.memory_follows_load
                else f"{runtime.label} keeps its heap after load: CPU target only"
            )
    return ScalingStrategy(environments=envs, reasoning="; ".join(reasons))


# --------------------------------------------------------------------------- dependencies


@dataclass(frozen=True)
class Datastore:
    """A bundled backing service: pinned image, port and the defaults its subchart starts from."""

    image: Image
    port: int
    tags: dict[str, str]
    cpu_m: int
    memory_mi: int
    storage_gi: int
    wait_command: str = ""
    is_database: bool = False


def _hub(name: str, tag: str) -> Image:
    return Image(registry="docker.io", repository=f"library/{name}", tag=tag, digest="")


# Tags checked against public use (mid-2025 patch releases); a major version not listed falls
# back to the default and says so.
DATASTORES: dict[str, Datastore] = {
    "postgresql": Datastore(
        _hub("postgres", "17.6-alpine"),
        5432,
        {"17": "17.6-alpine", "16": "16.10-alpine", "15": "15.14-alpine", "14": "14.19-alpine"},
        250,
        256,
        8,
        "pg_isready -h {host} -p {port}",
        True,
    ),
    "mysql": Datastore(
        _hub("mysql", "8.4.6"),
        3306,
        {"8.4": "8.4.6", "8": "8.4.6", "8.0": "8.0.43"},
        250,
        512,
        8,
        "mysqladmin ping -h {host} -P {port} --silent",
        True,
    ),
    "mariadb": Datastore(
        _hub("mariadb", "11.4.7"),
        3306,
        {"11.4": "11.4.7", "11": "11.4.7", "10.11": "10.11.13"},
        250,
        256,
        8,
        "mariadb-admin ping -h {host} -P {port} --silent",
        True,
    ),
    "mongodb": Datastore(
        _hub("mongo", "8.0.14"),
        27017,
        {"8": "8.0.14", "8.0": "8.0.14"},
        250,
        512,
        8,
        "mongosh --quiet --host {host} --port {port} --eval 'db.runCommand({{ping: 1}})'",
        True,
    ),
    "redis": Datastore(
        _hub("redis", "7.4.5-alpine"),
        6379,
        {"7": "7.4.5-alpine", "8": "8.0.3-alpine"},
        100,
        128,
        1,
    ),
    "memcached": Datastore(
        _hub("memcached", "1.6.39-alpine"),
        11211,
        {"1": "1.6.39-alpine"},
        100,
        128,
        0,
    ),
    "rabbitmq": Datastore(
        _hub("rabbitmq", "4.1.2-management-alpine"),
        5672,
        {"4": "4.1.2-management-alpine"},
        250,
        512,
        8,
    ),
    "kafka": Datastore(
        Image(registry="docker.io", repository="apache/kafka", tag="4.0.0", digest=""),
        9092,
        {"4": "4.0.0", "3": "3.9.0"},
        500,
        1024,
        10,
    ),
    "elasticsearch": Datastore(
        Image(
            registry="docker.elastic.co",
            repository="elasticsearch/elasticsearch",
            tag="8.18.4",
            digest="",
        ),
        9200,
        {"8": "8.18.4"},
        500,
        2048,
        10,
    ),
    "nats": Datastore(_hub("nats", "2.11.4-alpine"), 4222, {"2": "2.11.4-alpine"}, 100, 128, 1),
}


def _pick_tag(dependency: Dependency, store: Datastore) -> tuple[str, str]:
    """Return the image tag for the requested version and a note when it had to fall back."""
    wanted = dependency.version.strip().lstrip("vV")
    if not wanted:
        return store.image.tag, ""
    if wanted in store.tags:
        return store.tags[wanted], ""
    if re.fullmatch(r"\d+\.\d+\.\d+", wanted) or (
        re.fullmatch(r"\d+\.\d+", wanted) and dependency.kind == "postgresql"
    ):
        # A full version is specific already; keep the image flavour (e.g. -alpine).
        suffix = store.image.tag.split("-", 1)[1] if "-" in store.image.tag else ""
        return f"{wanted}-{suffix}" if suffix else wanted, ""
    return store.image.tag, (
        f"{dependency.kind} {dependency.version} is not in the pinned-tag table: using "
        f"{store.image.tag}; set {dependency.kind}.image.tag to pin another release"
    )


def _wait_container(name: str, store: Datastore, image: Image) -> ExtraContainer:
    host = "{{ .Release.Name }}-" + name
    check = store.wait_command.format(host=host, port=store.port)
    return ExtraContainer(
        name=f"wait-for-{name}",
        image=image,
        purpose=f"block start-up until {name} accepts connections",
        command=["sh", "-c", f"until {check}; do echo waiting for {name}; sleep 2; done"],
    )


def _wants_migrations(requirements: Requirements) -> bool:
    text = " ".join([requirements.description, *requirements.notes]).lower()
    return "migrat" in text


def check_dependencies(requirements: Requirements) -> DependencyPlan:
    """Turn requested backing services into pinned subcharts, init containers and egress ports."""
    plan = DependencyPlan()
    names: dict[str, int] = {}
    for dependency in requirements.dependencies:
        store = DATASTORES[dependency.kind]
        count = names.get(dependency.kind, 0) + 1
        names[dependency.kind] = count
        name = dependency.kind if count == 1 else f"{dependency.kind}-{count}"
        tag, fallback = _pick_tag(dependency, store)
        if fallback:
            plan.notes.append(fallback)
        image = store.image.model_copy(update={"tag": tag})
        purpose = dependency.purpose or ("data store" if store.is_database else "backing service")
        plan.helm_dependencies.append(
            HelmDependency(
                name=name,
                kind=dependency.kind,
                version="0.1.0",
                app_version=tag.split("-", 1)[0],
                condition=f"{name}.enabled",
                port=store.port,
                image=image,
                reason=f"{purpose}: bundled {dependency.kind} {tag} on port {store.port}, "
                f"disable with {name}.enabled=false to use a managed service",
            )
        )
        plan.egress_ports.append(store.port)
        if store.wait_command:
            plan.init_containers.append(_wait_container(name, store, image))
    if plan.helm_dependencies:
        plan.notes.append(
            "init containers and sidecars are rendered through tpl: {{ .Release.Name }} resolves "
            "to the subchart's Service host"
        )
    _add_migrations(requirements, plan)
    plan.init_containers += requirements.init_containers
    plan.sidecars = list(requirements.sidecars)
    for extra in [*requirements.init_containers, *requirements.sidecars]:
        if extra.image is None:
            plan.notes.append(f"container '{extra.name}' has no image: set it before install")
    if requirements.needs_service_account_token:
        plan.egress_ports.append(443)
        plan.notes.append("egress 443 for the Kubernetes API (the app uses its token)")
    plan.egress_ports = sorted(set(plan.egress_ports))
    plan.notes.append("DNS egress (53 TCP/UDP) is part of the NetworkPolicy baseline")
    return plan


def _add_migrations(requirements: Requirements, plan: DependencyPlan) -> None:
    if not _wants_migrations(requirements):
        return
    if any("migrat" in c.name.lower() for c in requirements.init_containers):
        return
    runtime = runtime_for(requirements)
    if not runtime.migrate_command or requirements.image is None:
        plan.notes.append(
            "migrations were mentioned but no command is known for this stack: add an init "
            "container with the migration command"
        )
        return
    plan.init_containers.append(
        ExtraContainer(
            name="migrate",
            image=requirements.image,
            purpose=f"apply {runtime.label} database migrations before the app starts",
            command=list(runtime.migrate_command),
        )
    )
    plan.notes.append(
        "migrations run in an init container of every pod; the framework's migration lock keeps "
        "concurrent runs safe, a pre-upgrade hook Job is the alternative for long migrations"
    )


# --------------------------------------------------------------------------- plan


def chart_name(requirements: Requirements) -> str:
    """Return a DNS-1123 chart name from the request's name or image."""
    raw = requirements.name
    if not raw and requirements.image:
        raw = requirements.image.repository.rsplit("/", 1)[-1]
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)[:53].strip("-")
    return name or "app"


def _description(requirements: Requirements, name: str) -> str:
    first = requirements.description.strip().splitlines()[0] if requirements.description else ""
    if first:
        return first[:200]
    kind = requirements.app_type or "application"
    runtime = runtime_for(requirements).label
    stack = f" ({runtime})" if runtime not in (_GENERIC.label, _DATABASE.label) else ""
    return f"A Helm chart for {name}, a {kind}{stack}"


def bundle_plan(
    requirements: Requirements,
    analysis: AppAnalysis,
    architecture: Architecture,
    resources: ResourceEstimate,
    scaling: ScalingStrategy,
    dependencies: DependencyPlan,
) -> Plan:
    """Put the five planner results together with the chart's name and versions."""
    name = chart_name(requirements)
    image = requirements.image
    return Plan(
        chart_name=name,
        app_version=image.tag if image and image.tag else "0.1.0",
        description=_description(requirements, name),
        requirements=requirements,
        analysis=analysis,
        architecture=architecture,
        resources=resources,
        scaling=scaling,
        dependencies=dependencies,
    )


def build_plan(requirements: Requirements) -> Plan:
    """Run the five planner tools in order and assemble the plan."""
    analysis = analyze_application_requirements(requirements)
    return bundle_plan(
        requirements,
        analysis,
        design_kubernetes_architecture(requirements, analysis),
        estimate_resources(requirements, analysis),
        define_scaling_strategy(requirements, analysis),
        check_dependencies(requirements),
    )
