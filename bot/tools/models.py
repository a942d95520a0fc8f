"""Typed inputs and outputs that the agents' tools pass to one another.

Every tool takes and returns these pydantic models, so that the same tool can be called by the
deterministic policy, by an LLM through a JSON schema, and by a test. The graph keeps them in its
state as plain JSON (``model_dump(mode="json")``): checkpoints and interrupt payloads stay portable.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

WorkloadKind = Literal["Deployment", "StatefulSet", "CronJob", "DaemonSet", "Job"]
Severity = Literal["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
SEVERITY_ORDER: tuple[Severity, ...] = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
Environment = Literal["dev", "staging", "prod"]
DEFAULT_ENVIRONMENTS: tuple[Environment, ...] = ("dev", "staging", "prod")
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "staging", "prod")


class Model(BaseModel):
    """Strict base: unknown keys are an error, so a typo in a tool call never passes silently."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- requirements


class Image(Model):
    """A container image reference, split the way Bitnami-style values.yaml files hold it."""

    registry: str = Field("", description="Registry host, e.g. ghcr.io; empty for Docker Hub")
    repository: str = Field(..., description="Repository path, e.g. acme/payments")
    tag: str = Field("", description="Tag; never 'latest'. Empty only when digest is set")
    digest: str = Field("", description="sha256:... digest, pins the image when present")

    @property
    def reference(self) -> str:
        """Return the full image reference as a container runtime would pull it."""
        name = f"{self.registry}/{self.repository}" if self.registry else self.repository
        if self.digest:
            return f"{name}@{self.digest}"
        return f"{name}:{self.tag}"


class Port(Model):
    name: str = Field(..., description="IANA-style port name, <=15 chars, e.g. http, grpc, metrics")
    port: int = Field(..., ge=1, le=65535, description="Port the container listens on")
    protocol: Literal["TCP", "UDP", "SCTP"] = "TCP"
    expose: bool = Field(True, description="Expose through the Service")
    service_port: int | None = Field(
        None, ge=1, le=65535, description="Service port when it differs from the container's"
    )


class EnvVar(Model):
    """A plain (non-secret) environment variable. Secret values never land here."""

    name: str
    value: str


class SecretRef(Model):
    """An environment variable read from an existing Kubernetes Secret: the value is never known."""

    env: str = Field(..., description="Environment variable name, e.g. DATABASE_PASSWORD")
    secret_name: str = Field("", description="Existing Secret's name; empty = chart default")
    key: str = Field(..., description="Key inside the Secret")


class Volume(Model):
    name: str
    mount_path: str
    size: str = Field("", description="Kubernetes quantity, e.g. 20Gi; empty for emptyDir")
    storage_class: str = ""
    access_mode: Literal["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"] = (
        "ReadWriteOnce"
    )
    persistent: bool = True
    # An existing PersistentVolumeClaim to mount; the chart creates none for this path.
    existing_claim: str = ""

    @property
    def claimed(self) -> bool:
        """Mounted from a claim: one the chart creates for its size, or one that exists."""
        return self.persistent and bool(self.size or self.existing_claim)


class Route(Model):
    """An ingress path (of one host, or of every host) routed to a component."""

    path: str
    component: str
    host: str = Field("", description="'' = this path on every host")
    port: int = Field(0, description="The Service port it goes to; 0 = the component's first")


class Ingress(Model):
    hosts: list[str] = Field(default_factory=list)
    path: str = "/"
    routes: list[Route] = Field(default_factory=list, description="Paths to other components")
    tls: bool = False
    class_name: str = Field("", description="ingressClassName, e.g. nginx, traefik")
    cluster_issuer: str = Field("", description="cert-manager ClusterIssuer, e.g. letsencrypt-prod")
    tls_secret: str = ""


class Dependency(Model):
    """A backing service the application needs (database, cache, broker), bundled as a subchart.

    ``database``, ``user`` and ``existing_secret`` are what the request states about the
    connection; the app and the datastore read the password from the same existing Secret.
    """

    kind: Literal[
        "postgresql",
        "mysql",
        "mariadb",
        "mongodb",
        "redis",
        "memcached",
        "rabbitmq",
        "kafka",
        "elasticsearch",
        "nats",
    ]
    version: str = ""
    purpose: str = ""
    database: str = Field("", description="Database name the app uses, e.g. bookshelf")
    user: str = Field("", description="User the app connects as, e.g. bookshelf")
    existing_secret: str = Field("", description="Existing Secret holding the password")
    password_key: str = Field("", description="Key of the password in that Secret")
    external: bool = Field(
        False,
        description="Managed outside this chart (a cloud database, a shared instance): not "
        "bundled; the app reaches it with the settings the request gives",
    )


ConnectionPart = Literal["host", "port", "user", "password", "database", "url"]


class Connection(Model):
    """An environment variable through which the app reaches a bundled datastore."""

    dependency: str = Field(..., description="Datastore kind, e.g. postgresql, redis")
    env: str = Field(..., description="Environment variable name, e.g. DATABASE_URL")
    part: ConnectionPart = Field(..., description="What the variable holds")
    url_scheme: str = Field("", description="Scheme of a URL, e.g. postgres, postgresql, redis")
    url_path: str = Field("", description="What follows host:port in a URL, e.g. /0 or /app")
    with_port: bool = Field(
        False, description="A host variable written host:port (MEMCACHE_SERVERS=memcached:11211)"
    )


class PeerLink(Model):
    """An environment variable through which a workload reaches another workload of the chart
    (ETCD_ENDPOINTS=<the chart's etcd>:2379)."""

    env: str
    component: str = Field(..., description="The workload it points at; '' = the main one")
    form: Literal["host", "address", "url", "port"] = Field(
        "address", description="host, host:port, scheme://host:port/path, or the port alone"
    )
    port: int = Field(0, description="The Service port; 0 = that workload's first")
    scheme: str = ""
    path: str = ""


class ExtraContainer(Model):
    """A sidecar or init container named in the request."""

    name: str
    image: Image | None = None
    purpose: str = ""
    command: list[str] = Field(default_factory=list)


class Probe(Model):
    kind: Literal["http", "tcp", "grpc", "exec", "none"] = "http"
    path: str = "/"
    port: str = Field("", description="Port name or number; empty = the first port")
    command: list[str] = Field(default_factory=list)


class ResourceHint(Model):
    cpu: str = ""
    memory: str = ""


class ReplicaRange(Model):
    min: int = Field(1, ge=0)
    max: int = Field(1, ge=0)


class Disruption(Model):
    """A PodDisruptionBudget as stated: one of the two bounds (an int or a percentage)."""

    min_available: str = ""
    max_unavailable: str = ""


class Toleration(Model):
    key: str = ""
    operator: Literal["Equal", "Exists"] = "Equal"
    value: str = ""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute", ""] = ""


class CronOptions(Model):
    """CronJob settings beyond the schedule, as stated (None/'' = the chart's default)."""

    time_zone: str = ""
    concurrency_policy: Literal["Allow", "Forbid", "Replace", ""] = ""
    successful_jobs_history_limit: int | None = Field(None, ge=0)
    failed_jobs_history_limit: int | None = Field(None, ge=0)
    starting_deadline_seconds: int | None = Field(None, ge=0)
    suspend: bool = False


class ConfigMount(Model):
    """An existing ConfigMap mounted as files."""

    config_map: str = Field(..., description="Existing ConfigMap's name")
    mount_path: str
    sub_path: str = Field("", description="Mount one key as a single file at mount_path")


class SecretMount(Model):
    """An existing Secret mounted as files (compose secrets under /run/secrets)."""

    secret_name: str = Field("", description="Existing Secret's name; empty = chart default")
    mount_path: str


class HostMount(Model):
    """A directory of the node mounted into the pod (node agents such as log shippers)."""

    host_path: str
    mount_path: str = Field("", description="Where it appears in the container; '' = same path")
    read_only: bool = True


class RbacRule(Model):
    api_groups: list[str] = Field(default_factory=lambda: [""])
    resources: list[str] = Field(default_factory=list)
    verbs: list[str] = Field(default_factory=list)
    resource_names: list[str] = Field(default_factory=list)


class Rbac(Model):
    """API permissions the app needs: a Role (namespaced) or a ClusterRole, with its rules."""

    cluster: bool = False
    rules: list[RbacRule] = Field(default_factory=list)


class ElevatedAccess(Model):
    """Host- or cluster-level powers a request asked for; the security gate refuses them."""

    privileged: bool = False
    host_network: bool = False
    host_pid: bool = False
    host_ipc: bool = False
    host_path: list[str] = Field(default_factory=list)
    cluster_admin: bool = False
    run_as_root: bool = False
    capabilities: list[str] = Field(default_factory=list)

    def requested(self) -> list[str]:
        """Return a human-readable name for each elevated power that was asked for."""
        asked = [
            name
            for name, on in (
                ("privileged", self.privileged),
                ("hostNetwork", self.host_network),
                ("hostPID", self.host_pid),
                ("hostIPC", self.host_ipc),
                ("cluster-admin", self.cluster_admin),
                ("run as root", self.run_as_root),
            )
            if on
        ]
        asked += [f"hostPath {p}" for p in self.host_path]
        asked += [f"capability {c}" for c in self.capabilities]
        return asked


AppType = Literal[
    "web", "api", "worker", "scheduler", "job", "daemon", "database", "frontend", "migration", ""
]


class Workload(Model):
    """What the request states about one workload of the app: its process, pods and exposure.

    The chart's main workload is the ``Requirements`` itself; further ones (a queue worker, a
    scheduler, a migration hook, a second image) are ``Component`` entries. Every field keeps
    its neutral default unless the request states it.
    """

    app_type: AppType = ""
    language: str = ""
    framework: str = ""
    image: Image | None = Field(None, description="None = the chart's main image")
    workload: WorkloadKind | None = Field(None, description="None = let the planner decide")
    hook: str = Field("", description="Helm hook of a Job, e.g. pre-install,pre-upgrade")
    ports: list[Port] = Field(default_factory=list)
    replicas: ReplicaRange | None = None
    target_cpu: int | None = Field(None, ge=1, le=100, description="HPA CPU target, percent")
    target_memory: int | None = Field(None, ge=1, le=100, description="HPA memory target")
    disruption: Disruption | None = None
    schedule: str = Field("", description="Cron schedule for CronJobs, e.g. '0 3 * * *'")
    cron: CronOptions | None = None
    command: list[str] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)
    env: list[EnvVar] = Field(default_factory=list)
    secrets: list[SecretRef] = Field(default_factory=list)
    connections: list[Connection] = Field(default_factory=list)
    peers: list[PeerLink] = Field(default_factory=list)
    config_mounts: list[ConfigMount] = Field(default_factory=list)
    secret_mounts: list[SecretMount] = Field(default_factory=list)
    volumes: list[Volume] = Field(default_factory=list)
    host_mounts: list[HostMount] = Field(default_factory=list)
    sidecars: list[ExtraContainer] = Field(default_factory=list)
    init_containers: list[ExtraContainer] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    health: Probe | None = Field(None, description="The health check readiness and liveness use")
    readiness: Probe | None = None
    liveness: Probe | None = None
    startup: Probe | None = None
    resources: ResourceHint | None = Field(None, description="Requests as stated")
    limits: ResourceHint | None = Field(None, description="Limits as stated")
    gpu: int = Field(0, ge=0, description="nvidia.com/gpu per pod")
    termination_grace_seconds: int | None = Field(None, ge=0)
    node_selector: dict[str, str] = Field(default_factory=dict)
    tolerations: list[Toleration] = Field(default_factory=list)
    service_type: Literal["ClusterIP", "NodePort", "LoadBalancer", ""] = ""
    needs_service_account_token: bool = Field(
        False, description="The app talks to the Kubernetes API and needs its token mounted"
    )
    rbac: Rbac | None = None


class Component(Workload):
    """A further workload of the same app (worker, scheduler, frontend, migration hook)."""

    name: str = Field(..., description="DNS label, e.g. worker; names its objects and values")


class Requirements(Workload):
    """What the request states, normalised: the main workload, the chart around it, the rest.

    Everything not stated keeps its neutral default.
    """

    name: str = Field("", description="DNS-1123 chart/app name, e.g. payments-api")
    component: str = Field("", description="The main workload's component name, e.g. web")
    description: str = ""
    components: list[Component] = Field(default_factory=list)
    dependencies: list[Dependency] = Field(default_factory=list)
    ingress: Ingress | None = None
    elevated: ElevatedAccess = Field(default_factory=ElevatedAccess)
    environments: list[Environment] = Field(default_factory=lambda: list(DEFAULT_ENVIRONMENTS))
    catalogue: str = Field("", description="Catalogue entry that filled what the request left")
    notes: list[str] = Field(
        default_factory=list, description="Things the parser saw but could not place"
    )
    unapplied: list[str] = Field(
        default_factory=list, description="Stated facts the chart does not carry, and why"
    )
    redactions: int = Field(0, description="How many secret values were removed from the request")

    def workloads(self) -> list[Workload]:
        """Return the main workload and then every further component."""
        return [self, *self.components]


class Complexity(Model):
    level: Literal["simple", "medium", "complex"]
    reasoning: str
    components_count: int
    special_considerations: list[str] = Field(default_factory=list)
    requires_human_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    exposures: list[str] = Field(
        default_factory=list,
        description="Services reachable from outside the cluster that the request asked for",
    )


class RequirementsCheck(Model):
    valid: bool
    missing_fields: list[str] = Field(default_factory=list)
    clarifications_needed: list[str] = Field(default_factory=list)
    validation_errors: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(
        default_factory=list, description="Defaults chosen for facts the request left out"
    )


# --------------------------------------------------------------------------- plan


class AppAnalysis(Model):
    startup_seconds: int
    typical_memory_mi: int
    typical_cpu_m: int
    graceful_shutdown_seconds: int
    stateless: bool
    horizontally_scalable: bool
    session_affinity: bool = False
    writable_paths: list[str] = Field(
        default_factory=lambda: ["/tmp"], description="emptyDir mounts under a read-only root"
    )
    probe: Probe
    probes: dict[str, Probe] = Field(
        default_factory=dict, description="liveness/readiness/startup probes stated on their own"
    )
    privileged_port: bool = Field(
        False, description="Listens below 1024: the pod lowers ip_unprivileged_port_start"
    )
    notes: list[str] = Field(default_factory=list)


class ResourceDecision(Model):
    kind: str = Field(..., description="Kubernetes kind, e.g. Deployment, Ingress")
    reason: str


class Architecture(Model):
    workload: WorkloadKind
    resources: list[ResourceDecision]
    design_decisions: list[str]


class ResourceSpec(Model):
    requests: ResourceHint
    limits: ResourceHint


class ResourceEstimate(Model):
    environments: dict[str, ResourceSpec]
    reasoning: str


class ScalingSpec(Model):
    replicas: int = Field(..., ge=0)
    autoscaling: bool
    min_replicas: int = Field(..., ge=1)
    max_replicas: int = Field(..., ge=1)
    target_cpu: int = Field(..., ge=1, le=100)
    target_memory: int | None = Field(None, ge=1, le=100)
    pdb_min_available: int | None = Field(None, description="None = no PodDisruptionBudget")
    pdb: Disruption | None = Field(None, description="The PodDisruptionBudget as stated")


class ScalingStrategy(Model):
    environments: dict[str, ScalingSpec]
    reasoning: str


class HelmDependency(Model):
    name: str
    kind: str
    version: str = Field(..., description="Chart version of the bundled subchart")
    app_version: str = Field(..., description="Version of the software it runs")
    condition: str
    port: int
    image: Image
    reason: str


class ExternalStore(Model):
    """A datastore the request places outside the chart: not bundled, but reachable."""

    kind: str
    port: int


class DependencyPlan(Model):
    helm_dependencies: list[HelmDependency] = Field(default_factory=list)
    external: list[ExternalStore] = Field(default_factory=list)
    init_containers: list[ExtraContainer] = Field(default_factory=list)
    sidecars: list[ExtraContainer] = Field(default_factory=list)
    egress_ports: list[int] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ComponentPlan(Model):
    """The planner's decisions for one further component, as the main workload has them."""

    name: str
    requirements: Component
    analysis: AppAnalysis
    workload: WorkloadKind
    resources: ResourceEstimate
    scaling: ScalingStrategy
    init_containers: list[ExtraContainer] = Field(default_factory=list)


class Plan(Model):
    """Everything the template agent needs: requirements plus the planner's decisions.

    ``analysis``, ``architecture``, ``resources`` and ``scaling`` are the main workload's;
    ``components`` holds the same decisions for each further component.
    """

    chart_name: str
    chart_version: str = "0.1.0"
    app_version: str
    description: str
    component: str = Field("app", description="The main workload's component name")
    requirements: Requirements
    analysis: AppAnalysis
    architecture: Architecture
    resources: ResourceEstimate
    scaling: ScalingStrategy
    dependencies: DependencyPlan
    components: list[ComponentPlan] = Field(default_factory=list)


# --------------------------------------------------------------------------- chart


class ChartDraft(Model):
    """A chart in memory: its files by chart-relative path, and the values they were made from.

    ``values`` is the structured source of ``values.yaml``; ``environment_values`` the overrides
    written to ``values-<env>.yaml``. Files are the truth for validation; the dicts let the
    optimizer and fixers change values without parsing YAML back.
    """

    name: str
    files: dict[str, str]
    values: dict[str, object]
    environment_values: dict[str, dict[str, object]] = Field(default_factory=dict)


class ValueChange(Model):
    """One edit of a chart's values: how fixers and the optimizer change a chart."""

    path: str = Field(..., description="Dotted values key, e.g. resources.limits.memory")
    value: object = Field(None, description="New value; None removes the key")
    environment: str = Field("", description="'' = values.yaml, else values-<env>.yaml")
    reason: str = ""


class EditRecord(Model):
    """One human ``/edit`` and the facts it changed, for the report."""

    instruction: str = Field(..., description="The edit as written, secret values redacted")
    changed: list[str] = Field(default_factory=list, description="One line per changed fact")
    value_changes: list[ValueChange] = Field(default_factory=list)


# --------------------------------------------------------------------------- findings


class Finding(Model):
    """One problem a gate found; the unit of validation, security and optimizer reports."""

    source: str = Field(..., description="Which check: helm-lint, render, schema, trivy, pss, ...")
    rule: str = Field(..., description="Stable rule id, e.g. KSV014, HB-PSS-001, lint")
    severity: Severity
    message: str
    file: str = Field("", description="Chart-relative path, e.g. templates/deployment.yaml")
    line: int | None = None
    resource: str = Field("", description="Kind/name of the object, when known")
    values_file: str = Field("", description="Values file the chart was rendered with")
    auto_fixable: bool = False
    fix: str = Field("", description="Id of the automatic fix that mends it, if any")
    accepted: bool = Field(
        False, description="Known and explained: the request itself forces it (e.g. port 80)"
    )
    explanation: str = ""


class ValidationReport(Model):
    passed: bool
    findings: list[Finding] = Field(default_factory=list)
    checks: dict[str, str] = Field(
        default_factory=dict, description="Each check run and its outcome: passed/failed/skipped"
    )
    kubernetes_versions: list[str] = Field(default_factory=list)
    values_files: list[str] = Field(default_factory=list)
    rendered_objects: int = 0


class SecurityReport(Model):
    passed: bool
    findings: list[Finding] = Field(default_factory=list)
    checks: dict[str, str] = Field(default_factory=dict)
    refused: list[str] = Field(
        default_factory=list, description="Elevated powers the gate refuses, with the reason"
    )

    def by_severity(self) -> dict[str, int]:
        """Count the findings that are not accepted, by severity."""
        counts = {s: 0 for s in SEVERITY_ORDER}
        for f in self.findings:
            if not f.accepted:
                counts[f.severity] += 1
        return counts


class FixPlan(Model):
    """What the automatic fixers can mend (as value edits) and what they cannot."""

    changes: list[ValueChange] = Field(default_factory=list)
    unfixable: list[Finding] = Field(default_factory=list)


class Optimization(Model):
    id: str
    category: Literal["resources", "availability", "scaling", "best-practice", "cost"]
    description: str
    impact: Literal["minor", "major"]
    changes: list[ValueChange] = Field(default_factory=list, description="Empty = advice only")
    applied: bool = False


class OptimizationReport(Model):
    optimizations: list[Optimization] = Field(default_factory=list)
    major_changes: int = 0
    notes: list[str] = Field(default_factory=list)


class EnvironmentCost(Model):
    replicas_min: int
    replicas_max: int
    cpu_cores: float
    memory_gib: float
    storage_gib: float
    monthly_usd_min: float
    monthly_usd_max: float


class CostEstimate(Model):
    currency: Literal["USD"] = "USD"
    environments: dict[str, EnvironmentCost]
    assumptions: list[str]
