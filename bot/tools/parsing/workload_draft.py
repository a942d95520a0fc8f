"""The facts of one workload gathered while a request is read, before they become a model.

Readers add to a ``ComponentDraft`` without overwriting a more reliable reader: the first value
of a single fact wins, lists are merged without duplicates, and a fact that cannot be valid (a
port above 65535) becomes a note starting with ``INVALID`` for validation to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.tools.models import (
    ConfigMount,
    Connection,
    CronOptions,
    Disruption,
    ExtraContainer,
    HostMount,
    Image,
    PeerLink,
    Port,
    Probe,
    RbacRule,
    ReplicaRange,
    SecretMount,
    SecretRef,
    Toleration,
    Volume,
    WorkloadKind,
)
from bot.tools.parsing.lexicon import PORT_NAMES_BY_NUMBER, PROTOCOL_PORTS
from bot.tools.parsing.secret_values import dotted_name, names_a_method, plain_address
from bot.tools.parsing.secrets import REDACTED, is_secret_name
from bot.tools.parsing.text import kebab

INVALID = "invalid: "


# Variables that say where the app listens, when no port is stated otherwise.
_LISTEN_PORT_VARIABLES = ("PORT", "HTTP_PORT", "SERVER_PORT", "APP_PORT", "LISTEN_PORT", "WEB_PORT")


# A setting whose value is a configuration holding a password ("KESTRA_CONFIGURATION: |" with
# "password: k3str4" inside): the whole value belongs in a Secret.
_HOLDS_CREDENTIAL = re.compile(
    r"^[ \t]*(?:password|passwd|secret|token|api[_-]?key)[ \t]*:[ \t]*\S", re.I | re.M
)


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
    schedule_literal: bool = False  # written as cron ("`30 2 * * *`"), not said in words
    schedule_timed: bool = False  # said with its time of day ("daily at 03:30")
    cron: dict[str, Any] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, SecretRef] = field(default_factory=dict)
    connections: list[Connection] = field(default_factory=list)
    peers: list[PeerLink] = field(default_factory=list)
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
    pasted_env: set[str] = field(default_factory=set)
    # The replica count came from a pasted file (compose `deploy.replicas`): what the request
    # says it wants on Kubernetes ("autoscaled between 2 and 8") replaces it.
    pasted_replicas: bool = False
    # The image came from a pasted manifest: a version the request states for it replaces it.
    pasted_image: bool = False

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

    def add_env(self, name: str, value: str, pasted: bool = False) -> None:
        """Add an env var; secret names and redacted values become Secret references.

        ``pasted`` marks a value copied from a pasted file (a compose service's environment):
        what the request's own words say of the same variable replaces it.
        """
        if (
            REDACTED in value
            or REDACTED.strip("[]") == value.strip("[]' \"")
            # "SENTRY_DSN=https://sentry.example.com/12": an address, unless it holds a key
            or (
                is_secret_name(name)
                and not value.startswith("/")
                # "`OVERLEAF_SECURE_COOKIE` = `true`": a switch, whatever the name sounds like
                and value.strip("\"'").lower() not in ("true", "false", "yes", "no", "on", "off")
                and not plain_address(value)
                and not dotted_name(value)  # CONNECT_KEY_CONVERTER=org.apache....StringConverter
                and not names_a_method(value)  # "REGISTRY_AUTH=htpasswd"
            )
            or _HOLDS_CREDENTIAL.search(value)
        ):
            self.add_secret(name)
        elif (
            name in self.secrets
            and not pasted
            and not self.secrets[name].secret_name
            and not is_secret_name(name)
        ):
            # "PWP__ALLOW_ANONYMOUS=false" after a docs row that says "Secret URLs can still be
            # accessed": a value the request gives beats a guess from the words around a name
            del self.secrets[name]
            self.env[name] = value
        elif name in self.pasted_env and not pasted and name in self.env:
            self.env[name] = value  # "NEXTAUTH_URL=https://..." over the compose file's localhost
            self.pasted_env.discard(name)
        elif name not in self.secrets and name not in self.env:
            self.env[name] = value
            if pasted:
                self.pasted_env.add(name)

    def add_rbac_rule(self, rule: RbacRule) -> None:
        """Add a rule once, whatever order its verbs and resources were written in."""

        def said(r: RbacRule) -> tuple[frozenset[str], ...]:
            return (frozenset(r.api_groups), frozenset(r.resources), frozenset(r.verbs))

        if all(said(rule) != said(known) for known in self.rbac_rules):
            self.rbac_rules.append(rule)

    def set_schedule(self, cron: str, literal: bool, timed: bool = False) -> None:
        """Keep the first schedule stated, unless a cron expression follows one said in words
        ("pruned once a week" in the intro, "`0 4 * * 0`" in the job's own row), or a time of
        day follows a bare "daily" ("scans the library daily", then "daily at 03:30")."""
        vague = not self.schedule_literal and not self.schedule_timed
        if not self.schedule or (literal and not self.schedule_literal) or (timed and vague):
            self.schedule, self.schedule_literal = cron, literal
            self.schedule_timed = self.schedule_timed or timed

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

    def place_secret(self, name: str, secret_name: str, key: str) -> None:
        """Set where ``name`` is read from, as a phrase that pairs all three states it ("`s` /
        key `k` → `NAME`"): over a guess an earlier sentence made."""
        self.add_secret(name, secret_name, key)
        ref = self.secrets[name]
        ref.secret_name, ref.key = secret_name or ref.secret_name, key or ref.key

    def add_volume(self, volume: Volume) -> None:
        """Add a volume; one already mounted at the same path (from a compose file) takes the
        size, class and sharing the request states for it."""
        volume.mount_path = volume.mount_path.rstrip("/") or "/"
        known = next((v for v in self.volumes if v.mount_path == volume.mount_path), None)
        if known is not None:
            if volume.persistent and (volume.size or volume.storage_class):
                known.persistent = True
                if volume.size:
                    known.existing_claim = ""  # a size said for it: a claim the chart makes
                known.size = known.size or volume.size
                known.storage_class = known.storage_class or volume.storage_class
                if volume.access_mode != "ReadWriteOnce":
                    known.access_mode = volume.access_mode
            return
        names = {v.name for v in self.volumes}
        if volume.name in names:
            volume.name = f"{volume.name}-{len(self.volumes) + 1}"
        self.volumes.append(volume)

    def set_replicas(self, low: int | None, high: int | None, pasted: bool = False) -> None:
        """Keep the first replica facts stated, the request's own over a pasted file's."""
        if low is None and high is None:
            return
        if (self.low is None and self.high is None) or (self.pasted_replicas and not pasted):
            self.low, self.high = low, high
            self.pasted_replicas = pasted

    def _named_ports(self) -> list[Port]:
        used: set[str] = {p.name for p in self.ports if p.name}
        out: list[Port] = []
        for i, port in enumerate(self.ports):
            name = port.name
            if not name:
                grpc = "grpc" in self.framework or port.port == 50051
                name = PROTOCOL_PORTS.get(port.port) or (
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

    def _mounted_files(self) -> set[str]:
        """Paths a ConfigMap or Secret is mounted at: no volume of their own."""
        return {m.mount_path for m in [*self.config_mounts, *self.secret_mounts]}

    def fields(self) -> dict[str, Any]:
        """Return the gathered facts as ``Workload`` fields."""
        stated = [self.env.get(name, "") for name in _LISTEN_PORT_VARIABLES]
        if not self.ports and (port := next((p for p in stated if p.isdigit()), "")):
            self.add_port(int(port))  # "PORT=8000", "HTTP_PORT=8000": where the app listens
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
            cron=CronOptions.model_validate(self.cron)
            if self.cron and (self.schedule or self.workload == "CronJob")
            else None,
            command=self.command,
            args=self.args,
            env=[{"name": k, "value": v} for k, v in self.env.items()],
            secrets=list(self.secrets.values()),
            connections=self.connections,
            peers=self.peers,
            config_mounts=self.config_mounts,
            secret_mounts=self.secret_mounts,
            # "the ConfigMap `conf`; mount it at `/etc/app`": that path holds the ConfigMap.
            volumes=[v for v in self.volumes if v.mount_path not in self._mounted_files()],
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
