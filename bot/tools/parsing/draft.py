"""The facts gathered from a request while it is read, before they become ``Requirements``.

Several readers (issue form, labelled lines, compose YAML, prose) see the same request. The
draft lets each add what it found without overwriting a more reliable reader: the first value
of a single fact wins, lists are merged without duplicates, and a name carries a rank so that
"name: payments-api" beats a name guessed from the image.

Facts that are stated but invalid (a port above 65535) cannot live in the typed model; they are
kept as notes starting with ``INVALID`` so that validation can report them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.tools.models import (
    Dependency,
    ElevatedAccess,
    Environment,
    EnvVar,
    ExtraContainer,
    Image,
    Ingress,
    Port,
    Probe,
    ReplicaRange,
    Requirements,
    ResourceHint,
    SecretRef,
    Volume,
    WorkloadKind,
)
from bot.tools.parsing.lexicon import PORT_NAMES_BY_NUMBER
from bot.tools.parsing.secrets import REDACTED, is_secret_name
from bot.tools.parsing.text import dns_name, kebab

INVALID = "invalid: "

# How much a name source is trusted; a higher rank replaces a lower one.
RANK_LABEL = 6  # "name: payments-api", "### Service name"
RANK_EXPLICIT = 5  # "called payments-api", "`payments-api`"
RANK_PATTERN = 4  # "API payments-api", "the orders-api service"
RANK_COMPOSE = 3  # a docker-compose service key
RANK_IMAGE = 2  # the image repository's last segment
RANK_WEAK = 1  # "our billing service", a generic compose key such as "web"


@dataclass
class Draft:
    """Mutable facts; ``build`` turns them into a validated ``Requirements``."""

    name: str = ""
    name_rank: int = 0
    description: str = ""
    app_type: str = ""
    language: str = ""
    framework: str = ""
    image: Image | None = None
    workload: WorkloadKind | None = None
    ports: list[Port] = field(default_factory=list)
    low: int | None = None
    high: int | None = None
    schedule: str = ""
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, SecretRef] = field(default_factory=dict)
    volumes: list[Volume] = field(default_factory=list)
    dependencies: dict[str, Dependency] = field(default_factory=dict)
    not_dependencies: set[str] = field(default_factory=set)
    hosts: list[str] = field(default_factory=list)
    ingress: bool = False
    tls: bool | None = None
    path: str = ""
    class_name: str = ""
    issuer: str = ""
    tls_secret: str = ""
    sidecars: list[ExtraContainer] = field(default_factory=list)
    init_containers: list[ExtraContainer] = field(default_factory=list)
    health: Probe | None = None
    cpu: str = ""
    memory: str = ""
    service_type: str = ""
    elevated: ElevatedAccess = field(default_factory=ElevatedAccess)
    sa_token: bool = False
    environments: list[Environment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ adders

    def set_name(self, value: str, rank: int) -> None:
        """Keep ``value`` as the name unless a more reliable source already named the app."""
        name = dns_name(value)
        if name and rank > self.name_rank:
            self.name, self.name_rank = name, rank

    def note(self, text: str) -> None:
        """Record something seen but not placed (once)."""
        text = " ".join(text.split())
        if text and text not in self.notes:
            self.notes.append(text)

    def invalid(self, text: str) -> None:
        """Record a stated fact that cannot be valid, for validation to report."""
        self.note(INVALID + text)

    def add_port(
        self, number: int, name: str = "", protocol: str = "TCP", expose: bool = True
    ) -> None:
        """Add a container port once; out-of-range numbers become an invalid note."""
        if not 1 <= number <= 65535:
            self.invalid(f"port {number} is outside 1-65535")
            return
        for known in self.ports:
            if known.port == number:
                known.name = known.name or name[:15]
                return
        proto = protocol.upper() if protocol.upper() in ("TCP", "UDP", "SCTP") else "TCP"
        self.ports.append(
            Port.model_validate(
                {"name": name[:15], "port": number, "protocol": proto, "expose": expose}
            )
        )

    def add_env(self, name: str, value: str) -> None:
        """Add an env var; secret names and redacted values become Secret references."""
        if (
            REDACTED in value
            or REDACTED.strip("[]") == value.strip("[]' \"")
            or (is_secret_name(name) and not value.startswith("/"))
        ):
            self.add_secret(name)
        elif name not in self.secrets and name not in self.env:
            self.env[name] = value

    def add_secret(self, name: str, secret_name: str = "") -> None:
        """Add a reference to an existing Secret for env var ``name`` (never its value)."""
        self.env.pop(name, None)
        if name in self.secrets:
            if secret_name and not self.secrets[name].secret_name:
                self.secrets[name].secret_name = secret_name
            return
        self.secrets[name] = SecretRef(env=name, secret_name=secret_name, key=kebab(name))

    def add_dependency(self, kind: str, version: str = "", purpose: str = "") -> None:
        """Add a backing service once, keeping the first version and purpose stated."""
        if kind in self.not_dependencies:
            return
        known = self.dependencies.get(kind)
        if known is None:
            self.dependencies[kind] = Dependency.model_validate(
                {"kind": kind, "version": version, "purpose": purpose}
            )
            return
        known.version = known.version or version
        known.purpose = known.purpose or purpose

    def add_host(self, host: str) -> None:
        """Add an ingress host name once (kept as written: validation checks it)."""
        host = host.strip().strip("`\"'<>").rstrip(".,;:)").lower()
        if host and host not in self.hosts:
            self.hosts.append(host)
        self.ingress = True

    def add_volume(self, volume: Volume) -> None:
        """Add a volume unless one is already mounted at the same path."""
        if any(v.mount_path == volume.mount_path for v in self.volumes):
            return
        names = {v.name for v in self.volumes}
        if volume.name in names:
            volume.name = f"{volume.name}-{len(self.volumes) + 1}"
        self.volumes.append(volume)

    def set_replicas(self, low: int | None, high: int | None) -> None:
        """Keep the first replica facts stated."""
        if self.low is None and self.high is None:
            self.low, self.high = low, high

    # ------------------------------------------------------------------ build

    def _named_ports(self) -> list[Port]:
        used: set[str] = {p.name for p in self.ports if p.name}
        out: list[Port] = []
        for i, port in enumerate(self.ports):
            name = port.name
            if not name:
                grpc = "grpc" in self.framework or port.port == 50051
                name = (
                    "grpc"
                    if grpc and i == 0
                    else ("http" if i == 0 else PORT_NAMES_BY_NUMBER.get(port.port, ""))
                )
                if not name or name in used:
                    name = f"port-{port.port}"
            used.add(name)
            out.append(port.model_copy(update={"name": name}))
        return out

    def _replicas(self) -> ReplicaRange | None:
        if self.low is None and self.high is None:
            return None
        low = self.low if self.low is not None else min(1, self.high or 1)
        high = self.high if self.high is not None else low
        return ReplicaRange(min=max(0, low), max=max(0, high))

    def _ingress(self) -> Ingress | None:
        if not (self.ingress or self.hosts):
            return None
        return Ingress(
            hosts=self.hosts,
            path=self.path or "/",
            tls=bool(self.tls),
            class_name=self.class_name,
            cluster_issuer=self.issuer,
            tls_secret=self.tls_secret,
        )

    def build(self, redactions: int) -> Requirements:
        """Return the gathered facts as ``Requirements``."""
        if not self.ports and self.env.get("PORT", "").isdigit():
            self.add_port(int(self.env["PORT"]))
        resources = (
            ResourceHint(cpu=self.cpu, memory=self.memory) if self.cpu or self.memory else None
        )
        # model_validate checks the free-text app_type / service_type against their literals.
        return Requirements.model_validate(
            dict(
                name=self.name,
                description=self.description,
                app_type=self.app_type,
                language=self.language,
                framework=self.framework,
                image=self.image,
                workload=self.workload,
                ports=self._named_ports(),
                replicas=self._replicas(),
                schedule=self.schedule,
                command=self.command,
                args=self.args,
                env=[EnvVar(name=k, value=v) for k, v in self.env.items()],
                secrets=list(self.secrets.values()),
                volumes=self.volumes,
                dependencies=list(self.dependencies.values()),
                ingress=self._ingress(),
                sidecars=self.sidecars,
                init_containers=self.init_containers,
                health=self.health,
                resources=resources,
                service_type=self.service_type,
                elevated=self.elevated,
                needs_service_account_token=self.sa_token or self.elevated.cluster_admin,
                environments=self.environments or ["dev", "staging", "prod"],
                notes=self.notes,
                redactions=redactions,
            )
        )
