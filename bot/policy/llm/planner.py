"""The planner's model: choices the tables make poorly, as calls inside the planner's bounds.

The model never writes a plan. Its tools change the requirements the deterministic planning tools
read — only facts the request left open — and the plan is then recomputed by those tools, so
sizes, scaling, probes and dependency pins keep coming from the tables.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.llm.react import ModelTool, ToolRejected, as_json
from bot.policy.deterministic import DeterministicPolicy
from bot.policy.llm import prompts
from bot.policy.llm.turn import Turn
from bot.tools.models import (
    Dependency,
    ExtraContainer,
    Plan,
    Probe,
    Requirements,
    ResourceHint,
    WorkloadKind,
)
from bot.tools.parsing.images import parse_image
from bot.tools.planning import parse_cpu_m, parse_memory_mi

MAX_SIDECARS = 3
MAX_DEPENDENCIES = 5
_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


class ChooseWorkload(BaseModel):
    kind: WorkloadKind
    reason: str = Field(..., max_length=300)


class SetHealthCheck(BaseModel):
    kind: Literal["http", "tcp", "grpc", "exec"]
    path: str = Field("/", description="HTTP path, for kind=http")
    port: str = Field("", description="Port name or number; empty = the first port")
    command: list[str] = Field(default_factory=list, description="For kind=exec")


class AddSidecar(BaseModel):
    name: str = Field(..., pattern=_DNS_LABEL, max_length=63)
    image: str = Field(..., description="Pinned image reference, e.g. fluent/fluent-bit:3.1.9")
    purpose: str = Field("", max_length=200)


class AddDependency(BaseModel):
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
    purpose: str = Field("", max_length=200)


class SetResources(BaseModel):
    cpu: str = Field(..., description="CPU request, e.g. 250m or 1")
    memory: str = Field(..., description="Memory request, e.g. 512Mi or 2Gi")


class Choices:
    """A working copy of the requirements that only the planner's bounded tools change."""

    def __init__(self, stated: Requirements) -> None:
        self.stated = stated
        self.work = stated.model_copy(deep=True)

    def choose_workload(self, args: ChooseWorkload) -> str:
        if self.stated.workload:
            raise ToolRejected(f"the request states a {self.stated.workload}")
        if args.kind == "CronJob" and not self.work.schedule:
            raise ToolRejected("a CronJob needs a schedule and the request gives none")
        self.work.workload = args.kind
        return f"workload set to {args.kind}"

    def set_health_check(self, args: SetHealthCheck) -> str:
        if self.stated.health:
            raise ToolRejected("the request states its health check")
        ports = {p.name for p in self.work.ports} | {str(p.port) for p in self.work.ports}
        if args.port and args.port not in ports:
            raise ToolRejected(f"port {args.port!r} is not one of the app's ports {sorted(ports)}")
        if args.kind == "http" and not args.path.startswith("/"):
            raise ToolRejected("an HTTP path starts with /")
        if args.kind == "exec" and not args.command:
            raise ToolRejected("an exec probe needs a command")
        self.work.health = Probe(
            kind=args.kind, path=args.path, port=args.port, command=args.command
        )
        return f"{args.kind} health check set"

    def add_sidecar(self, args: AddSidecar) -> str:
        image = parse_image(args.image)
        if image is None or not (image.digest or image.tag) or image.tag == "latest":
            raise ToolRejected("the image must be a valid reference pinned to a tag or digest")
        names = {c.name for c in [*self.work.sidecars, *self.work.init_containers]}
        if args.name in names:
            raise ToolRejected(f"there is already a container named {args.name}")
        if len(self.work.sidecars) >= MAX_SIDECARS:
            raise ToolRejected(f"at most {MAX_SIDECARS} sidecars")
        self.work.sidecars.append(ExtraContainer(name=args.name, image=image, purpose=args.purpose))
        return f"sidecar {args.name} added"

    def add_dependency(self, args: AddDependency) -> str:
        if any(d.kind == args.kind for d in self.work.dependencies):
            raise ToolRejected(f"{args.kind} is already a dependency")
        if len(self.work.dependencies) >= MAX_DEPENDENCIES:
            raise ToolRejected(f"at most {MAX_DEPENDENCIES} dependencies")
        self.work.dependencies.append(Dependency(kind=args.kind, purpose=args.purpose))
        return f"{args.kind} added as a bundled, optional subchart"

    def set_resources(self, args: SetResources) -> str:
        if self.stated.resources:
            raise ToolRejected("the request states its resources")
        cpu, memory = parse_cpu_m(args.cpu), parse_memory_mi(args.memory)
        if cpu is None or not 10 <= cpu <= 16_000:
            raise ToolRejected("cpu must be a quantity between 10m and 16")
        if memory is None or not 16 <= memory <= 65_536:
            raise ToolRejected("memory must be a quantity between 16Mi and 64Gi")
        self.work.resources = ResourceHint(cpu=args.cpu, memory=args.memory)
        return "resource requests set"

    def tools(self) -> list[ModelTool]:
        return [
            ModelTool(
                "choose_workload",
                "Pick the workload kind the request implies.",
                ChooseWorkload,
                self.choose_workload,
            ),
            ModelTool(
                "set_health_check",
                "Set how Kubernetes checks the app is healthy.",
                SetHealthCheck,
                self.set_health_check,
            ),
            ModelTool(
                "add_sidecar",
                "Add a sidecar container the request implies.",
                AddSidecar,
                self.add_sidecar,
            ),
            ModelTool(
                "add_dependency",
                "Add a backing service the request implies.",
                AddDependency,
                self.add_dependency,
            ),
            ModelTool(
                "set_resources",
                "Set the app's typical CPU and memory requests.",
                SetResources,
                self.set_resources,
            ),
        ]


def _summary(plan: Plan) -> str:
    prod = plan.resources.environments.get("prod") or next(
        iter(plan.resources.environments.values())
    )
    return "The deterministic plan (JSON):\n" + as_json(
        {
            "stated_requirements": plan.requirements.model_dump(mode="json", exclude_defaults=True),
            "workload": plan.architecture.workload,
            "health_check": plan.analysis.probe.model_dump(mode="json"),
            "resources_prod": prod.model_dump(mode="json"),
            "dependencies": [d.kind for d in plan.dependencies.helm_dependencies],
            "sidecars": [c.name for c in plan.dependencies.sidecars],
            "decisions": plan.architecture.design_decisions,
        }
    )


def refine(
    turn: Turn,
    deterministic: DeterministicPolicy,
    requirements: Requirements,
    request: str,
    baseline: Plan,
) -> Plan:
    """Let the model adjust the choices the request left open; re-plan if it did."""
    choices = Choices(requirements)
    turn.loop(prompts.messages("planner", _summary(baseline), request), choices.tools())
    if choices.work == requirements:
        return baseline
    return deterministic.plan(turn.box, choices.work)
