"""The facts gathered from a request while it is read, before they become ``Requirements``.

Several readers (issue form, labelled lines, compose YAML, prose) see the same request. The
draft lets each add what it found without overwriting a more reliable reader: the first value
of a single fact wins, lists are merged without duplicates, and a name carries a rank so that
"name: payments-api" beats a name guessed from the image.

Facts about one workload (its image, ports, command, probes...) go to a ``ComponentDraft``: the
main one, or a further component ("a worker running `rq worker`") while a reader has it in
``focus``. Facts about the chart (its name, datastores, ingress, environments) stay on the
``Draft``. Facts that are stated but invalid (a port above 65535) cannot live in the typed model;
they are kept as notes starting with ``INVALID`` so that validation can report them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.tools.models import (
    Component,
    ConfigMount,
    Connection,
    CronOptions,
    Dependency,
    Disruption,
    ElevatedAccess,
    Environment,
    ExtraContainer,
    HostMount,
    Image,
    Ingress,
    Port,
    Probe,
    RbacRule,
    ReplicaRange,
    Requirements,
    Route,
    SecretMount,
    SecretRef,
    Toleration,
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
class ComponentDraft:
    """Mutable facts of one workload; ``fields`` turns them into ``Workload`` fields."""

    name: str = ""
    app_type: str = ""
    language: str = ""
    framework: str = ""
    image: Image | None = None
    workload: WorkloadKind | None = None
    hook: str = ""
    ports: list[Port] = field(default_factory=list)
    low: int | None = None
    high: int | None = None
    target_cpu: int | None = None
    target_memory: int | None = None
    disruption: Disruption | None = None
    schedule: str = ""
    cron: dict[str, Any] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, SecretRef] = field(default_factory=dict)
    connections: list[Connection] = field(default_factory=list)
    config_mounts: list[ConfigMount] = field(default_factory=list)
    secret_mounts: list[SecretMount] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    host_mounts: list[HostMount] = field(default_factory=list)
    sidecars: list[ExtraContainer] = field(default_factory=list)
    init_containers: list[ExtraContainer] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    health: Probe | None = None
    readiness: Probe | None = None
    liveness: Probe | None = None
    startup: Probe | None = None
    cpu: str = ""
    memory: str = ""
    limit_cpu: str = ""
    limit_memory: str = ""
    gpu: int = 0
    grace: int | None = None
    node_selector: dict[str, str] = field(default_factory=dict)
    tolerations: list[Toleration] = field(default_factory=list)
    service_type: str = ""
    sa_token: bool = False
    rbac_rules: list[RbacRule] = field(default_factory=list)
    rbac_cluster: bool = False
    invalid_notes: list[str] = field(default_factory=list)

    def invalid(self, text: str) -> None:
        """Record a stated fact that cannot be valid, for validation to report."""
        text = INVALID + " ".join(text.split())
        if text not in self.invalid_notes:
            self.invalid_notes.append(text)

    def add_port(
        self,
        number: int,
        name: str = "",
        protocol: str = "TCP",
        expose: bool = True,
        service_port: int | None = None,
    ) -> None:
        """Add a container port once; out-of-range numbers become an invalid note."""
        if not 1 <= number <= 65535:
            self.invalid(f"port {number} is outside 1-65535")
            return
        proto = protocol.upper() if protocol.upper() in ("TCP", "UDP", "SCTP") else "TCP"
        for known in self.ports:
            if known.port == number and known.protocol == proto:
                known.name = known.name or name[:15]
                return
        self.ports.append(
            Port.model_validate(
                {
                    "name": name[:15],
                    "port": number,
                    "protocol": proto,
                    "expose": expose,
                    "service_port": service_port
                    if service_port and 1 <= service_port <= 65535
                    else None,
                }
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

    def add_secret(self, name: str, secret_name: str = "", key: str = "") -> None:
        """Add a reference to an existing Secret for env var ``name`` (never its value)."""
        self.env.pop(name, None)
        if name in self.secrets:
            known = self.secrets[name]
            if secret_name and not known.secret_name:
                known.secret_name = secret_name
            if key and known.key == kebab(name):
                known.key = key
            return
        self.secrets[name] = SecretRef(env=name, secret_name=secret_name, key=key or kebab(name))

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
                    name = (
                        f"port-{port.port}"
                        if port.protocol == "TCP"
                        else f"{port.protocol.lower()}-{port.port}"
                    )
            used.add(name)
            out.append(port.model_copy(update={"name": name}))
        return out

    def _replicas(self) -> ReplicaRange | None:
        if self.low is None and self.high is None:
            return None
        low = self.low if self.low is not None else min(1, self.high or 1)
        high = self.high if self.high is not None else low
        return ReplicaRange(min=max(0, low), max=max(0, high))

    def fields(self) -> dict[str, Any]:
        """Return the gathered facts as ``Workload`` fields."""
        if not self.ports and self.env.get("PORT", "").isdigit():
            self.add_port(int(self.env["PORT"]))
        rbac = {"cluster": self.rbac_cluster, "rules": self.rbac_rules} if self.rbac_rules else None
        return dict(
            app_type=self.app_type,
            language=self.language,
            framework=self.framework,
            image=self.image,
            workload=self.workload,
            hook=self.hook,
            ports=self._named_ports(),
            replicas=self._replicas(),
            target_cpu=self.target_cpu,
            target_memory=self.target_memory,
            disruption=self.disruption,
            schedule=self.schedule,
            cron=CronOptions.model_validate(self.cron) if self.cron else None,
            command=self.command,
            args=self.args,
            env=[{"name": k, "value": v} for k, v in self.env.items()],
            secrets=list(self.secrets.values()),
            connections=self.connections,
            config_mounts=self.config_mounts,
            secret_mounts=self.secret_mounts,
            volumes=self.volumes,
            host_mounts=self.host_mounts,
            sidecars=self.sidecars,
            init_containers=self.init_containers,
            depends_on=self.depends_on,
            health=self.health,
            readiness=self.readiness,
            liveness=self.liveness,
            startup=self.startup,
            resources={"cpu": self.cpu, "memory": self.memory} if self.cpu or self.memory else None,
            limits={"cpu": self.limit_cpu, "memory": self.limit_memory}
            if self.limit_cpu or self.limit_memory
            else None,
            gpu=self.gpu,
            termination_grace_seconds=self.grace,
            node_selector=self.node_selector,
            tolerations=self.tolerations,
            service_type=self.service_type,
            needs_service_account_token=self.sa_token or bool(self.rbac_rules),
            rbac=rbac,
        )


@dataclass
class Draft:
    """Mutable facts of the whole request; ``build`` turns them into ``Requirements``."""

    name: str = ""
    name_rank: int = 0
    component: str = ""
    description: str = ""
    main: ComponentDraft = field(default_factory=ComponentDraft)
    components: dict[str, ComponentDraft] = field(default_factory=dict)
    dependencies: dict[str, Dependency] = field(default_factory=dict)
    not_dependencies: set[str] = field(default_factory=set)
    hosts: list[str] = field(default_factory=list)
    ingress: bool = False
    tls: bool | None = None
    path: str = ""
    routes: dict[str, str] = field(default_factory=dict)
    host_routes: dict[str, str] = field(default_factory=dict)
    class_name: str = ""
    issuer: str = ""
    tls_secret: str = ""
    elevated: ElevatedAccess = field(default_factory=ElevatedAccess)
    environments: list[Environment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unapplied: list[str] = field(default_factory=list)
    focused: str = ""

    @property
    def target(self) -> ComponentDraft:
        """The workload the reader at work is filling: the main one unless one is in focus."""
        return self.components[self.focused] if self.focused else self.main

    @contextlib.contextmanager
    def focus(self, name: str) -> Iterator[ComponentDraft]:
        """Direct workload facts to the component ``name`` (created on first use)."""
        component = self.component_named(name)
        before, self.focused = self.focused, ("" if component is self.main else component.name)
        try:
            yield component
        finally:
            self.focused = before

    def component_named(self, name: str) -> ComponentDraft:
        """Return the further component called ``name``, creating it the first time."""
        key = dns_name(name, 30) or f"component-{len(self.components) + 1}"
        if key == self.component:
            return self.main
        if key not in self.components:
            self.components[key] = ComponentDraft(name=key)
        return self.components[key]

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

    def not_applied(self, text: str) -> None:
        """Record a stated fact the chart will not carry, with the reason (once)."""
        text = " ".join(text.split())
        if text and text not in self.unapplied:
            self.unapplied.append(text)

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

    # ------------------------------------------------------------------ build

    def _ingress(self) -> Ingress | None:
        if not (self.ingress or self.hosts):
            return None
        routes = [
            Route(path=path, component=component)
            for path, component in self.routes.items()
            if component in self.components
        ]
        routes += [
            Route(path="/", component=component, host=host)
            for host, component in self.host_routes.items()
            if component in self.components and host in self.hosts
        ]
        main_path = next(
            (path for path, component in self.routes.items() if component not in self.components),
            "",
        )
        return Ingress(
            hosts=self.hosts,
            path=self.path or main_path or "/",
            routes=routes,
            tls=bool(self.tls),
            class_name=self.class_name,
            cluster_issuer=self.issuer,
            tls_secret=self.tls_secret,
        )

    def build(self, redactions: int) -> Requirements:
        """Return the gathered facts as ``Requirements``."""
        invalid = [*self.main.invalid_notes]
        components = []
        for name, part in self.components.items():
            invalid += part.invalid_notes
            components.append(Component.model_validate({"name": name, **part.fields()}))
        notes = [*self.notes, *(n for n in invalid if n not in self.notes)]
        main = self.main.fields()
        main["needs_service_account_token"] = (
            main["needs_service_account_token"] or self.elevated.cluster_admin
        )
        # model_validate checks the free-text app_type / service_type against their literals.
        return Requirements.model_validate(
            dict(
                **main,
                name=self.name,
                component=self.component,
                description=self.description,
                components=components,
                dependencies=list(self.dependencies.values()),
                ingress=self._ingress(),
                elevated=self.elevated,
                environments=self.environments or ["dev", "staging", "prod"],
                notes=notes,
                unapplied=self.unapplied,
                redactions=redactions,
            )
        )
