"""The optimizer's tools on hand-built chart drafts that follow the values layout contract."""

from __future__ import annotations

import copy
from pathlib import Path

import helm_python
import pytest
import yaml

from bot.tools.cost import (
    HOURS_PER_MONTH,
    USD_PER_GIB_HOUR,
    USD_PER_GIB_MONTH_STORAGE,
    USD_PER_VCPU_HOUR,
    draft_workload,
    effective_values,
    get_path,
)
from bot.tools.models import (
    ChartDraft,
    Optimization,
    Plan,
    ReplicaRange,
    Requirements,
    ResourceHint,
    ValueChange,
)
from bot.tools.optimize import (
    apply_optimizations,
    calculate_cost_estimate,
    change_impact,
    check_ha_readiness,
    suggest_best_practices,
    suggest_resource_optimization,
    suggest_scaling_improvements,
)
from bot.tools.planning import build_plan
from bot.tools.template import assemble_chart
from bot.tools.values import build_values, write_chart

Values = dict[str, object]


def req(**fields: object) -> Requirements:
    return Requirements.model_validate(fields)


HTTP = {"name": "http", "port": 8080}
NODE_API = req(
    name="payments-api",
    app_type="api",
    language="node",
    ports=[{"name": "http", "port": 3000}],
    image={"registry": "ghcr.io", "repository": "acme/payments", "tag": "1.4.2"},
    replicas={"min": 2, "max": 10},
    dependencies=[{"kind": "postgresql"}],
)
SPRING = req(
    name="orders",
    app_type="api",
    language="java",
    framework="spring boot",
    image={"repository": "acme/orders", "tag": "3.2.0"},
    ports=[HTTP],
    replicas={"min": 2, "max": 6},
)
GO_API = req(
    name="edge-api",
    app_type="api",
    language="go",
    ports=[HTTP],
    image={"repository": "acme/edge", "tag": "1.0.0"},
)
GO_SINGLE = req(
    name="edge",
    app_type="api",
    language="go",
    ports=[HTTP],
    image={"repository": "acme/edge", "tag": "1.0.0"},
    replicas={"min": 1, "max": 1},
)
STATEFUL = req(
    name="ledger",
    app_type="api",
    language="go",
    ports=[HTTP],
    image={"repository": "acme/ledger", "tag": "1.0.0"},
    volumes=[{"name": "data", "mount_path": "/data", "size": "10Gi"}],
)
DATABASE = req(
    name="pg",
    app_type="database",
    image={"repository": "library/postgres", "tag": "17.6-alpine"},
    ports=[{"name": "postgres", "port": 5432}],
    volumes=[{"name": "data", "mount_path": "/var/lib/postgresql/data", "size": "20Gi"}],
    replicas={"min": 3, "max": 3},
)
DAEMON = req(
    name="agent",
    app_type="daemon",
    language="go",
    image={"repository": "acme/agent", "tag": "0.3.0"},
)


# --------------------------------------------------------------------------- draft builder


def _probe(plan: Plan) -> Values:
    probe = plan.analysis.probe
    if probe.kind == "http":
        handler: Values = {"httpGet": {"path": probe.path, "port": probe.port}}
    elif probe.kind == "grpc":
        handler = {"grpc": {"port": int(probe.port)}}
    else:
        handler = {"tcpSocket": {"port": probe.port or "http"}}
    return {
        "enabled": probe.kind != "none",
        **handler,
        "initialDelaySeconds": 5,
        "periodSeconds": 10,
        "timeoutSeconds": 3,
        "failureThreshold": 3,
    }


def _scaling_values(plan: Plan, env: str) -> Values:
    spec = plan.scaling.environments[env]
    res = plan.resources.environments[env]
    return {
        "replicaCount": spec.replicas,
        "resources": res.model_dump(),
        "autoscaling": {
            "enabled": spec.autoscaling,
            "minReplicas": spec.min_replicas,
            "maxReplicas": spec.max_replicas,
            "targetCPUUtilizationPercentage": spec.target_cpu,
            "targetMemoryUtilizationPercentage": spec.target_memory,
        },
        "podDisruptionBudget": {
            "enabled": spec.pdb_min_available is not None,
            "minAvailable": spec.pdb_min_available or 1,
        },
    }


def draft_for(plan: Plan, environments: bool = True) -> ChartDraft:
    """Build the draft a faithful template would make from the plan."""
    requirements = plan.requirements
    image = requirements.image
    values: Values = {
        "image": {
            "registry": image.registry if image else "",
            "repository": image.repository if image else "app",
            "tag": plan.app_version,
            "digest": "",
            "pullPolicy": "IfNotPresent",
        },
        "containerPorts": [
            {"name": p.name, "containerPort": p.port, "protocol": p.protocol}
            for p in requirements.ports
        ],
        "env": [{"name": e.name, "value": e.value} for e in requirements.env],
        "config": {},
        "livenessProbe": _probe(plan),
        "readinessProbe": _probe(plan),
        "startupProbe": {**_probe(plan), "enabled": plan.analysis.startup_seconds >= 30},
        "terminationGracePeriodSeconds": plan.analysis.graceful_shutdown_seconds,
        "topologySpreadConstraints": [],
        "affinity": {},
        "priorityClassName": "",
        "service": {"enabled": bool(requirements.ports), "type": "ClusterIP"},
        "ingress": {"enabled": False},
        "persistence": {"enabled": False, "size": "10Gi"},
        "tests": {"enabled": True},
        **_scaling_values(plan, "prod"),
    }
    for dependency in plan.dependencies.helm_dependencies:
        values[dependency.name] = {"enabled": True}
    env_values = (
        {env: _scaling_values(plan, env) for env in plan.scaling.environments}
        if environments
        else {}
    )
    files = {
        "Chart.yaml": f"name: {plan.chart_name}\n",
        f"templates/{plan.architecture.workload.lower()}.yaml": "kind: placeholder\n",
    }
    return ChartDraft(
        name=plan.chart_name, files=files, values=values, environment_values=env_values
    )


def with_values(draft: ChartDraft, in_file: str = "", **changes: object) -> ChartDraft:
    """Return a copy of the draft with keys (a__b for a.b) set in values or values-<in_file>.

    None deletes a key from values.yaml; in an environment file it is Helm's null, which
    deletes the key from the merged values.
    """
    values = copy.deepcopy(draft.values)
    env_values = copy.deepcopy(draft.environment_values)
    target = values if not in_file else env_values.setdefault(in_file, {})
    for dotted, value in changes.items():
        parts = dotted.split("__")
        node = target
        for part in parts[:-1]:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        if value is None and not in_file:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return draft.model_copy(update={"values": values, "environment_values": env_values})


def changed(optimizations: list[Optimization]) -> dict[str, Optimization]:
    return {o.id: o for o in optimizations if o.changes}


def vc(path: str, value: object, environment: str = "") -> ValueChange:
    return ValueChange(path=path, value=value, environment=environment, reason="")


def all_suggestions(draft: ChartDraft, plan: Plan) -> list[Optimization]:
    return [
        *suggest_resource_optimization(draft, plan).optimizations,
        *check_ha_readiness(draft, plan).optimizations,
        *suggest_scaling_improvements(plan, draft).optimizations,
        *suggest_best_practices(draft).optimizations,
    ]


# --------------------------------------------------------------------------- impact rule


@pytest.fixture
def node() -> tuple[Plan, ChartDraft]:
    plan = build_plan(NODE_API)
    return plan, draft_for(plan)


def test_impact_rule(node: tuple[Plan, ChartDraft]) -> None:
    _, draft = node

    def impact(*changes: ValueChange) -> str:
        return change_impact(draft, list(changes))

    assert impact(vc("resources.limits.memory", "512Mi")) == "minor"
    assert (
        impact(
            vc("resources.requests.cpu", "200m", "dev"),
            vc("autoscaling.targetCPUUtilizationPercentage", 75),
        )
        == "minor"
    )
    assert impact(vc("terminationGracePeriodSeconds", 60)) == "minor"
    # Adding, removing or switching something, or touching replicas, is major.
    assert impact(vc("resources.limits.ephemeral-storage", "1Gi")) == "major"
    assert impact(vc("resources.limits.memory", None)) == "major"
    assert impact(vc("resources", {"requests": {}})) == "major"
    assert impact(vc("resources.limits.memory", 512)) == "major"
    assert impact(vc("replicaCount", 3)) == "major"
    assert impact(vc("autoscaling.maxReplicas", 12)) == "major"
    assert impact(vc("podDisruptionBudget.enabled", True)) == "major"
    assert impact(vc("topologySpreadConstraints", [])) == "major"
    assert impact(vc("readinessProbe.periodSeconds", 5)) == "major"
    assert impact(vc("resources.limits.memory", "1Gi"), vc("replicaCount", 3)) == "major"
    no_grace = with_values(draft, terminationGracePeriodSeconds=None)
    assert change_impact(no_grace, [vc("terminationGracePeriodSeconds", 30)]) == "major"


# --------------------------------------------------------------------------- agreement


@pytest.mark.parametrize(
    "requirements",
    [
        NODE_API,
        SPRING,
        GO_SINGLE,
        STATEFUL,
        DAEMON,
        req(
            name="nightly",
            language="python",
            schedule="0 2 * * *",
            image={"repository": "acme/nightly", "tag": "1.0.0"},
        ),
    ],
    ids=lambda r: r.name,
)
def test_faithful_draft_only_needs_what_the_plan_leaves_to_the_optimizer(
    requirements: Requirements,
) -> None:
    plan = build_plan(requirements)
    draft = draft_for(plan)
    ids = set(changed(all_suggestions(draft, plan)))
    expected = set()
    prod = plan.scaling.environments["prod"]
    # The planner sizes replicas, PDB and probes; spreading pods is left to the optimizer.
    if plan.architecture.workload in ("Deployment", "StatefulSet") and prod.replicas >= 2:
        expected.add("availability.topology-spread:prod")
    if requirements.language == "java":
        expected.add("resources.jvm-heap-flag:default")
    assert ids == expected


# --------------------------------------------------------------------------- resources


def test_missing_requests_come_from_the_plan(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, in_file="staging", resources__requests=None)
    found = changed(suggest_resource_optimization(draft, plan).optimizations)
    fix = found["resources.missing-requests:staging"]
    assert [(c.path, c.value, c.environment) for c in fix.changes] == [
        ("resources.requests.cpu", "50m", "staging"),
        ("resources.requests.memory", "144Mi", "staging"),
    ]
    assert fix.impact == "major"


def test_missing_memory_limit(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, in_file="prod", resources__limits__memory=None)
    fix = changed(suggest_resource_optimization(draft, plan).optimizations)[
        "resources.memory-limit-missing:prod"
    ]
    assert fix.changes[0].value == "288Mi"  # the plan's limit, 1.5x the 192Mi request


def test_limit_below_request_is_raised(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(
        draft, in_file="prod", resources__limits__memory="128Mi", resources__limits__cpu="50m"
    )
    found = changed(suggest_resource_optimization(draft, plan).optimizations)
    assert found["resources.memory-limit-below-request:prod"].changes[0].value == "288Mi"
    assert found["resources.cpu-limit-below-request:prod"].changes[0].value == "400m"
    assert found["resources.memory-limit-below-request:prod"].impact == "minor"


def test_memory_overcommit_raises_the_request(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, in_file="dev", resources__limits__memory="2Gi")
    fix = changed(suggest_resource_optimization(draft, plan).optimizations)[
        "resources.memory-overcommit:dev"
    ]
    assert [(c.path, c.value) for c in fix.changes] == [("resources.requests.memory", "1Gi")]
    assert fix.impact == "minor" and "evicted first" in fix.description


def test_a_stated_request_and_limit_are_kept_whatever_their_ratio() -> None:
    stated = NODE_API.model_dump() | {
        "resources": {"cpu": "100m", "memory": "256Mi"},
        "limits": {"cpu": "1", "memory": "2Gi"},
    }
    plan = build_plan(Requirements.model_validate(stated))
    draft = draft_for(plan)
    ids = set(changed(suggest_resource_optimization(draft, plan).optimizations))
    assert not {i for i in ids if "overcommit" in i}


def test_cpu_overcommit_lowers_the_limit_but_not_below_the_startup_floor() -> None:
    plan = build_plan(NODE_API)
    draft = with_values(draft_for(plan), in_file="prod", resources__limits__cpu="4")
    fix = changed(suggest_resource_optimization(draft, plan).optimizations)[
        "resources.cpu-overcommit:prod"
    ]
    assert fix.changes[0].value == "800m"
    spring = build_plan(SPRING.model_copy(update={"resources": ResourceHint(cpu="50m", memory="")}))
    draft = draft_for(spring)
    # 1000m is 20x a 50m request, but a JVM needs it to start: no suggestion.
    assert draft.environment_values["prod"]["resources"]["limits"]["cpu"] == "1000m"  # type: ignore[index]
    assert not [
        o for o in suggest_resource_optimization(draft, spring).optimizations if "cpu" in o.id
    ]


def test_throttling_trade_off_only_for_serving_apps() -> None:
    plan = build_plan(NODE_API)
    draft = with_values(draft_for(plan), in_file="prod", resources__limits__cpu="100m")
    fix = changed(suggest_resource_optimization(draft, plan).optimizations)[
        "resources.cpu-throttling:prod"
    ]
    assert fix.changes[0].value == "400m" and "Trade-off" in fix.description
    worker = build_plan(
        req(name="w", app_type="worker", language="go", image={"repository": "acme/w", "tag": "1"})
    )
    draft = with_values(draft_for(worker), in_file="prod", resources__limits__cpu="50m")
    assert not changed(suggest_resource_optimization(draft, worker).optimizations)


def test_jvm_heap_flag_and_heap_versus_limit() -> None:
    plan = build_plan(SPRING)
    draft = draft_for(plan)
    flag = changed(suggest_resource_optimization(draft, plan).optimizations)[
        "resources.jvm-heap-flag:default"
    ]
    assert flag.changes[0].path == "env" and flag.changes[0].environment == ""
    assert flag.changes[0].value == [
        {"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75.0"}
    ]
    fixed_heap = with_values(draft, env=[{"name": "JAVA_OPTS", "value": "-Xmx1g -Dx=y"}])
    found = changed(suggest_resource_optimization(fixed_heap, plan).optimizations)
    assert "resources.jvm-heap-flag:default" not in found
    # -Xmx1g inside the 1152Mi prod limit leaves < 25% for non-heap memory.
    fix = found["resources.jvm-heap-vs-limit:prod"]
    assert fix.changes[0].value == "1376Mi" and fix.impact == "minor"
    assert "resources.memory-overcommit:prod" not in found
    in_config = with_values(draft, config={"JAVA_TOOL_OPTIONS": "-Dfile.encoding=UTF-8"})
    flag = changed(suggest_resource_optimization(in_config, plan).optimizations)[
        "resources.jvm-heap-flag:default"
    ]
    assert (flag.changes[0].path, flag.changes[0].value) == (
        "config.JAVA_TOOL_OPTIONS",
        "-Dfile.encoding=UTF-8 -XX:MaxRAMPercentage=75.0",
    )


# --------------------------------------------------------------------------- availability


def test_single_replica_prod_gets_replicas_pdb_and_spread() -> None:
    plan = build_plan(GO_API)
    # An edit left production with one replica and no PDB, although the request set no count.
    draft = with_values(
        draft_for(plan), in_file="prod", replicaCount=1, podDisruptionBudget__enabled=False
    )
    report = check_ha_readiness(draft, plan)
    found = changed(report.optimizations)
    assert [
        (c.path, c.value, c.environment) for c in found["availability.replicas:prod"].changes
    ] == [("replicaCount", 2, "prod")]
    assert [(c.path, c.value) for c in found["availability.pdb:prod"].changes] == [
        ("podDisruptionBudget.enabled", True),
        ("podDisruptionBudget.minAvailable", 1),
    ]
    spread = found["availability.topology-spread:prod"].changes[0].value
    assert spread == [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",
        },
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
        },
    ]
    assert all(o.impact == "major" for o in found.values())
    assert any("without labelSelector" in n for n in report.notes)


def test_a_requested_single_replica_is_kept() -> None:
    plan = build_plan(GO_SINGLE)
    found = {o.id: o for o in check_ha_readiness(draft_for(plan), plan).optimizations}
    assert not found["availability.single-replica:prod"].changes
    assert "as requested" in found["availability.single-replica:prod"].description
    assert not {"availability.pdb:prod", "availability.topology-spread:prod"} & set(found)


def test_hpa_floor_is_raised_instead_of_replica_count() -> None:
    plan = build_plan(NODE_API)
    draft = with_values(
        draft_for(plan), in_file="prod", autoscaling__minReplicas=1, autoscaling__maxReplicas=1
    )
    fix = changed(check_ha_readiness(draft, plan).optimizations)["availability.replicas:prod"]
    assert [(c.path, c.value) for c in fix.changes] == [
        ("autoscaling.minReplicas", 2),
        ("autoscaling.maxReplicas", 2),
    ]


def test_a_stated_hpa_floor_of_one_is_kept() -> None:
    plan = build_plan(NODE_API.model_copy(update={"replicas": ReplicaRange(min=1, max=4)}))
    draft = with_values(
        draft_for(plan), in_file="prod", autoscaling__minReplicas=1, autoscaling__maxReplicas=4
    )
    found = {o.id: o for o in check_ha_readiness(draft, plan).optimizations}
    assert "availability.replicas:prod" not in found
    advice = found["availability.single-replica:prod"]
    assert not advice.changes and "as requested" in advice.description


def test_anti_affinity_counts_as_spread(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, affinity={"podAntiAffinity": {"x": 1}})
    assert "availability.topology-spread:prod" not in changed(
        check_ha_readiness(draft, plan).optimizations
    )


def test_stateful_single_replica_gets_advice_not_changes() -> None:
    plan = build_plan(STATEFUL)
    found = {o.id: o for o in check_ha_readiness(draft_for(plan), plan).optimizations}
    assert not found["availability.single-replica:prod"].changes
    assert "availability.pdb:prod" not in found


def test_readiness_probe_restored(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    disabled = with_values(draft, readinessProbe__enabled=False)
    fix = changed(check_ha_readiness(disabled, plan).optimizations)["availability.readiness:prod"]
    assert [(c.path, c.value, c.environment) for c in fix.changes] == [
        ("readinessProbe.enabled", True, "")
    ]
    missing = with_values(draft, readinessProbe=None)
    fix = changed(check_ha_readiness(missing, plan).optimizations)["availability.readiness:prod"]
    assert fix.changes[0].path == "readinessProbe"
    assert fix.changes[0].value["httpGet"] == {"path": "/healthz", "port": "http"}  # type: ignore[index]


def test_short_grace_period(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, terminationGracePeriodSeconds=5)
    fix = changed(check_ha_readiness(draft, plan).optimizations)[
        "availability.graceful-shutdown:prod"
    ]
    assert fix.changes[0].value == 30 and fix.impact == "minor"


def test_daemonset_is_exempt() -> None:
    plan = build_plan(DAEMON)
    report = check_ha_readiness(draft_for(plan), plan)
    assert not report.optimizations and report.notes


# --------------------------------------------------------------------------- scaling


def test_hpa_targets_bounds_and_memory(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    hot = with_values(
        draft,
        in_file="prod",
        autoscaling__targetCPUUtilizationPercentage=95,
        autoscaling__maxReplicas=1,
    )
    found = changed(suggest_scaling_improvements(plan, hot).optimizations)
    target = found["scaling.hpa-target:prod"]
    assert target.changes[0].value == 70 and target.impact == "minor"
    assert "headroom" in target.description
    assert found["scaling.hpa-bounds:prod"].changes[0].value == 2
    inert = with_values(draft, in_file="staging", autoscaling__maxReplicas=2)
    advice = {o.id: o for o in suggest_scaling_improvements(plan, inert).optimizations}
    assert not advice["scaling.hpa-inert:staging"].changes
    # Node.js gives memory back: its memory target stays.
    assert not any("memory-target" in o.id for o in advice.values())


def test_memory_target_removed_for_jvm() -> None:
    plan = build_plan(SPRING)
    draft = with_values(
        draft_for(plan), in_file="prod", autoscaling__targetMemoryUtilizationPercentage=80
    )
    draft = with_values(draft, autoscaling__targetMemoryUtilizationPercentage=75)
    fix = changed(suggest_scaling_improvements(plan, draft).optimizations)[
        "scaling.hpa-memory-target:all"
    ]
    # Removed from every file that sets it: dropping it from one would uncover the other.
    assert [(c.environment, c.value) for c in fix.changes] == [("", None), ("prod", None)]
    assert fix.impact == "major"
    # With the memory target gone, the CPU target must remain for the HPA to have a metric.
    no_cpu = with_values(draft, in_file="prod", autoscaling__targetCPUUtilizationPercentage=None)
    ids = changed(suggest_scaling_improvements(plan, no_cpu).optimizations)
    assert ids["scaling.hpa-target:prod"].changes[0].value == 70


def test_slow_starter_behaviour_depends_on_template_support() -> None:
    plan = build_plan(SPRING)
    draft = draft_for(plan)
    advice = {o.id: o for o in suggest_scaling_improvements(plan, draft).optimizations}
    assert not advice["scaling.hpa-behavior:prod"].changes
    supported = draft.model_copy(
        update={
            "files": {
                **draft.files,
                "templates/hpa.yaml": "{{- with .Values.autoscaling.behavior }}",
            }
        }
    )
    fix = changed(suggest_scaling_improvements(plan, supported).optimizations)[
        "scaling.hpa-behavior:prod"
    ]
    assert (fix.changes[0].path, fix.changes[0].value) == (
        "autoscaling.behavior.scaleDown",
        {
            "stabilizationWindowSeconds": 600,
            "policies": [{"type": "Percent", "value": 25, "periodSeconds": 60}],
        },
    )
    # A window alone (the Kubernetes default) is extended; a chosen rate is left alone.
    windowed = with_values(
        supported, autoscaling__behavior={"scaleDown": {"stabilizationWindowSeconds": 900}}
    )
    fix = changed(suggest_scaling_improvements(plan, windowed).optimizations)[
        "scaling.hpa-behavior:prod"
    ]
    assert fix.changes[0].value["stabilizationWindowSeconds"] == 900  # type: ignore[index]
    chosen = with_values(
        supported,
        autoscaling__behavior={"scaleDown": {"policies": [{"type": "Pods", "value": 1}]}},
    )
    assert "scaling.hpa-behavior:prod" not in {
        o.id for o in suggest_scaling_improvements(plan, chosen).optimizations
    }


def test_hpa_on_non_scalable_workload_is_disabled() -> None:
    plan = build_plan(STATEFUL)
    draft = with_values(
        draft_for(plan), in_file="prod", autoscaling__enabled=True, autoscaling__maxReplicas=4
    )
    fix = changed(suggest_scaling_improvements(plan, draft).optimizations)[
        "scaling.hpa-not-applicable:prod"
    ]
    assert fix.changes[0].value is False


def test_pdb_that_blocks_drains(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, in_file="prod", podDisruptionBudget__minAvailable=2)
    fix = changed(suggest_scaling_improvements(plan, draft).optimizations)[
        "scaling.pdb-blocks-drains:prod"
    ]
    assert fix.changes[0].value == 1
    # values.yaml enables the PDB; values-dev.yaml forgot to turn it off for one replica.
    plan = build_plan(NODE_API.model_copy(update={"replicas": None}))
    inherited = draft_for(plan)
    dev = copy.deepcopy(inherited.environment_values)
    dev["dev"].pop("podDisruptionBudget")
    inherited = inherited.model_copy(update={"environment_values": dev})
    fix = changed(suggest_scaling_improvements(plan, inherited).optimizations)[
        "scaling.pdb-single-replica:dev"
    ]
    assert (fix.changes[0].path, fix.changes[0].value, fix.changes[0].environment) == (
        "podDisruptionBudget.enabled",
        False,
        "dev",
    )


def test_connection_budget_advice(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    ids = [o.id for o in suggest_scaling_improvements(plan, draft).optimizations]
    # The stated 2-10 range holds in every environment, and so does the advice.
    assert {"scaling.connection-budget:prod", "scaling.connection-budget:dev"} <= set(ids)
    unstated = build_plan(NODE_API.model_copy(update={"replicas": ReplicaRange(min=2, max=4)}))
    ids = [o.id for o in suggest_scaling_improvements(unstated, draft_for(unstated)).optimizations]
    assert not any(i.startswith("scaling.connection-budget") for i in ids)


def test_availability_and_scaling_never_conflict() -> None:
    plan = build_plan(NODE_API)
    draft = with_values(
        draft_for(plan),
        in_file="prod",
        autoscaling__minReplicas=1,
        autoscaling__maxReplicas=1,
        podDisruptionBudget__enabled=True,
        podDisruptionBudget__minAvailable=1,
    )
    edits: dict[tuple[str, str], object] = {}
    for opt in all_suggestions(draft, plan):
        for c in opt.changes:
            key = (c.environment, c.path)
            assert edits.get(key, c.value) == c.value, key
            edits[key] = c.value
    # The PDB of 1 is consistent once availability raises the floor to 2: no scaling edit.
    assert ("prod", "podDisruptionBudget.enabled") not in edits


# --------------------------------------------------------------------------- cost


def _monthly(cores: float, gib: float) -> float:
    return (cores * USD_PER_VCPU_HOUR + gib * USD_PER_GIB_HOUR) * HOURS_PER_MONTH


def test_cost_from_requests_and_replicas() -> None:
    plan = build_plan(NODE_API.model_copy(update={"dependencies": []}))
    draft = with_values(
        draft_for(plan),
        in_file="prod",
        resources__requests__cpu="500m",
        resources__requests__memory="1Gi",
    )
    estimate = calculate_cost_estimate(draft)
    prod = estimate.environments["prod"]
    assert (prod.replicas_min, prod.replicas_max) == (2, 10)
    assert (prod.cpu_cores, prod.memory_gib, prod.storage_gib) == (1.0, 2.0, 0.0)
    assert prod.monthly_usd_min == round(_monthly(1.0, 2.0), 2)
    assert prod.monthly_usd_max == round(_monthly(5.0, 10.0), 2)
    dev = estimate.environments["dev"]
    assert (dev.replicas_min, dev.replicas_max) == (2, 10)  # the stated range, everywhere
    assert dev.monthly_usd_min < prod.monthly_usd_min  # smaller requests than prod's
    text = " ".join(estimate.assumptions)
    assert str(USD_PER_VCPU_HOUR) in text and "730 hours" in text and "OpenCost" in text


def test_cost_counts_subcharts_and_statefulset_volumes() -> None:
    plan = build_plan(STATEFUL.model_copy(update={"replicas": ReplicaRange(min=3, max=3)}))
    assert plan.architecture.workload == "StatefulSet"
    draft = draft_for(plan, environments=False)
    draft = with_values(
        draft,
        persistence={"enabled": True, "size": "10Gi"},
        resources={"requests": {"cpu": "1", "memory": "1Gi"}},
        redis={"enabled": True},
        postgresql={
            "enabled": True,
            "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}},
            "persistence": {"size": "20Gi"},
        },
    )
    estimate = calculate_cost_estimate(draft)
    default = estimate.environments["default"]
    assert default.replicas_min == 3
    # 3 app pods + postgres (values) + redis (planner defaults: 100m, 128Mi, 1Gi volume).
    assert default.cpu_cores == 3 + 0.5 + 0.1
    assert default.memory_gib == 3 + 0.5 + 0.125
    assert default.storage_gib == 3 * 10 + 20 + 1
    assert default.monthly_usd_min == round(
        _monthly(3.6, 3.625) + 51 * USD_PER_GIB_MONTH_STORAGE, 2
    )


def test_cost_counts_every_component_but_not_hook_jobs() -> None:
    plan = build_plan(NODE_API.model_copy(update={"dependencies": [], "replicas": None}))
    draft = with_values(
        draft_for(plan, environments=False),
        replicaCount=1,
        autoscaling={"enabled": False},
        resources={"requests": {"cpu": "1", "memory": "1Gi"}},
        components={
            "worker": {
                "enabled": True,
                "kind": "Deployment",
                "replicaCount": 2,
                "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}},
            },
            "reports": {
                "enabled": True,
                "kind": "StatefulSet",
                "replicaCount": 1,
                "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
                "persistence": {"enabled": True, "size": "5Gi"},
                "extraVolumes": [{"name": "archive", "size": "3Gi"}],
            },
            "migrate": {
                "enabled": True,
                "kind": "Job",
                "hook": "pre-install,pre-upgrade",
                "resources": {"requests": {"cpu": "4", "memory": "8Gi"}},
            },
            "off": {
                "enabled": False,
                "kind": "Deployment",
                "resources": {"requests": {"cpu": "9"}},
            },
        },
    )
    default = calculate_cost_estimate(draft).environments["default"]
    assert default.replicas_min == 1  # the main workload's
    assert default.cpu_cores == 1 + 2 * 0.5 + 0.25
    assert default.memory_gib == 1 + 2 * 0.5 + 0.25
    assert default.storage_gib == 5 + 3


def test_cost_of_cronjob_and_daemonset() -> None:
    cron = build_plan(
        req(
            name="nightly",
            language="python",
            schedule="0 2 * * *",
            image={"repository": "acme/n", "tag": "1"},
        )
    )
    draft = draft_for(cron).model_copy(update={"files": {"templates/cronjob.yaml": ""}})
    estimate = calculate_cost_estimate(draft)
    assert estimate.environments["prod"].monthly_usd_min == 0
    assert estimate.environments["prod"].replicas_max == 1
    assert any("CronJob" in a for a in estimate.assumptions)
    daemon = calculate_cost_estimate(draft_for(build_plan(DAEMON)))
    assert daemon.environments["prod"].replicas_min == 3
    assert any("3 nodes" in a for a in daemon.assumptions)


def test_workload_detection() -> None:
    base = ChartDraft(name="x", files={}, values={})
    assert draft_workload(base) == "Deployment"
    assert draft_workload(base.model_copy(update={"values": {"workload": "StatefulSet"}})) == (
        "StatefulSet"
    )
    cron = {"cronjob": {"schedule": "0 3 * * *"}}
    assert draft_workload(base.model_copy(update={"values": cron})) == "CronJob"
    job = {"cronjob": {"backoffLimit": 2}}
    assert draft_workload(base.model_copy(update={"values": job})) == "Job"
    rolling = {"type": "RollingUpdate"}
    daemon = {"updateStrategy": rolling}
    assert draft_workload(base.model_copy(update={"values": daemon})) == "DaemonSet"
    stateful = {"replicaCount": 3, "updateStrategy": rolling}
    assert draft_workload(base.model_copy(update={"values": stateful})) == "StatefulSet"
    deployment = {
        "replicaCount": 3,
        "updateStrategy": {**rolling, "rollingUpdate": {"maxSurge": "25%"}},
    }
    assert draft_workload(base.model_copy(update={"values": deployment})) == "Deployment"
    assert (
        draft_workload(base.model_copy(update={"files": {"templates/daemonset.yaml": ""}}))
        == "DaemonSet"
    )


def test_effective_values_merge_like_helm() -> None:
    draft = ChartDraft(
        name="x",
        files={},
        values={"a": {"b": 1, "c": 2}, "l": [1, 2]},
        environment_values={"prod": {"a": {"c": None, "d": 3}, "l": [3]}},
    )
    assert effective_values(draft, "prod") == {"a": {"b": 1, "d": 3}, "l": [3]}
    assert effective_values(draft, "") == draft.values


# --------------------------------------------------------------------------- best practices


def test_best_practices_are_minor_advice(node: tuple[Plan, ChartDraft]) -> None:
    _, draft = node
    draft = with_values(
        draft,
        ingress={"enabled": True, "tls": []},
        containerPorts=[
            {"name": "http", "containerPort": 3000},
            {"name": "metrics", "containerPort": 9100},
        ],
        livenessProbe__initialDelaySeconds=45,
        tests={"enabled": False},
    )
    report = suggest_best_practices(draft)
    ids = {o.id for o in report.optimizations}
    assert ids == {
        "best-practice.image-digest",
        "best-practice.startup-probe",
        "best-practice.priority-class",
        "best-practice.liveness-endpoint",
        "best-practice.ingress-tls",
        "best-practice.metrics-scrape",
        "best-practice.helm-test",
    }
    assert all(o.impact == "minor" and not o.changes for o in report.optimizations)
    tidy = with_values(
        draft,
        image__digest="sha256:" + "a" * 64,
        priorityClassName="high",
        ingress__tls=[{"secretName": "t", "hosts": ["a"]}],
        podAnnotations={"prometheus.io/scrape": "true"},
        livenessProbe__initialDelaySeconds=0,
        tests__enabled=True,
    )
    assert {o.id for o in suggest_best_practices(tidy).optimizations} == {
        "best-practice.liveness-endpoint"
    }


# --------------------------------------------------------------------------- applying


def test_base_only_draft_is_edited_in_values_yaml() -> None:
    plan = build_plan(GO_API)
    draft = with_values(
        draft_for(plan, environments=False), replicaCount=1, podDisruptionBudget__enabled=False
    )
    found = changed(check_ha_readiness(draft, plan).optimizations)
    assert set(found) == {
        "availability.replicas:default",
        "availability.pdb:default",
        "availability.topology-spread:default",
    }
    assert {c.environment for o in found.values() for c in o.changes} == {""}


def test_apply_marks_applied_and_counts_major(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(
        draft,
        in_file="prod",
        autoscaling__minReplicas=1,
        autoscaling__maxReplicas=1,
        resources__limits__memory="1Gi",
        autoscaling__targetCPUUtilizationPercentage=95,
    )
    suggestions = all_suggestions(draft, plan)
    optimized, report = apply_optimizations(draft, suggestions)
    applied = {o.id: o for o in report.optimizations if o.applied}
    assert set(applied) == set(changed(suggestions))
    assert report.major_changes == sum(1 for o in applied.values() if o.impact == "major")
    assert applied["resources.memory-overcommit:prod"].impact == "minor"
    assert applied["scaling.hpa-target:prod"].impact == "minor"
    assert applied["availability.replicas:prod"].impact == "major"
    prod = effective_values(optimized, "prod")
    assert prod["autoscaling"] == {
        "enabled": True,
        "minReplicas": 2,
        "maxReplicas": 2,
        "targetCPUUtilizationPercentage": 70,
        "targetMemoryUtilizationPercentage": 80,
    }
    assert prod["resources"]["requests"]["memory"] == "512Mi"  # type: ignore[index]
    assert len(prod["topologySpreadConstraints"]) == 2  # type: ignore[arg-type]
    # values.yaml itself (the chart default) was not touched by prod-only fixes.
    assert optimized.values == draft.values
    advice = [o for o in report.optimizations if not o.changes]
    assert advice and not any(o.applied for o in advice)


def test_minor_only_run_has_no_major_changes(node: tuple[Plan, ChartDraft]) -> None:
    plan, draft = node
    draft = with_values(draft, in_file="dev", resources__limits__memory="1Gi")
    found = [o for o in suggest_resource_optimization(draft, plan).optimizations if o.changes]
    _, report = apply_optimizations(draft, found)
    assert [o.applied for o in report.optimizations] == [True]
    assert report.major_changes == 0


def test_apply_decides_impact_and_refuses_what_it_must(node: tuple[Plan, ChartDraft]) -> None:
    _, draft = node

    def opt(ident: str, *changes: ValueChange) -> Optimization:
        return Optimization(
            id=ident,
            category="availability",
            description=ident,
            impact="minor",
            changes=list(changes),
            applied=False,
        )

    optimized, report = apply_optimizations(
        draft,
        [
            opt("claims-minor", vc("replicaCount", 4, "prod")),
            opt("weakens-security", vc("containerSecurityContext.privileged", True)),
            opt("bad-env", vc("replicaCount", 3, "qa")),
            opt("reverts", vc("replicaCount", 2, "prod")),
        ],
    )
    outcome = {o.id: (o.applied, o.impact) for o in report.optimizations}
    # Applied in order: "reverts" undoes "claims-minor", so both really changed the values.
    assert outcome == {
        "claims-minor": (True, "major"),
        "weakens-security": (False, "minor"),
        "bad-env": (False, "minor"),
        "reverts": (True, "major"),
    }
    assert report.major_changes == 2
    assert optimized.environment_values["prod"]["replicaCount"] == 2
    assert get_path(optimized.values, "containerSecurityContext.privileged") is None
    assert any("security gate" in n for n in report.notes)
    assert any("unknown environment 'qa'" in n for n in report.notes)


def test_change_already_in_place_is_not_counted(node: tuple[Plan, ChartDraft]) -> None:
    _, draft = node
    same = Optimization(
        id="same",
        category="scaling",
        description="",
        impact="major",
        changes=[vc("replicaCount", 2, "prod")],
        applied=False,
    )
    optimized, report = apply_optimizations(draft, [same])
    assert not report.optimizations[0].applied and report.major_changes == 0
    assert optimized.environment_values == draft.environment_values
    assert report.notes == ["same already in place"]


def _broken(plan: Plan, environments: bool = True) -> ChartDraft:
    """Return the plan's draft with a bit of everything wrong in it."""
    draft = draft_for(plan, environments)
    where = "prod" if environments else ""
    return with_values(
        draft,
        in_file=where,
        replicaCount=1,
        autoscaling__minReplicas=1,
        autoscaling__maxReplicas=1,
        autoscaling__targetCPUUtilizationPercentage=30,
        autoscaling__targetMemoryUtilizationPercentage=90,
        resources__limits__memory="4Gi",
        resources__limits__cpu="8",
        podDisruptionBudget__enabled=True,
        podDisruptionBudget__minAvailable=3,
        terminationGracePeriodSeconds=1,
        readinessProbe__enabled=False,
    )


IDEMPOTENCE = [
    (NODE_API, True),
    (NODE_API, False),
    (SPRING, True),
    (GO_SINGLE, True),
    (STATEFUL, True),
    (STATEFUL, False),
    (DAEMON, True),
    (
        req(
            name="nightly",
            language="python",
            schedule="0 2 * * *",
            image={"repository": "acme/n", "tag": "1"},
        ),
        True,
    ),
]


@pytest.mark.parametrize(
    ("requirements", "environments"), IDEMPOTENCE, ids=lambda v: getattr(v, "name", str(v))
)
def test_second_pass_suggests_nothing_new(requirements: Requirements, environments: bool) -> None:
    plan = build_plan(requirements)
    for draft in (draft_for(plan, environments), _broken(plan, environments)):
        first = all_suggestions(draft, plan)
        optimized, report = apply_optimizations(draft, first)
        second = all_suggestions(optimized, plan)
        assert not changed(second), [o.id for o in second if o.changes]
        assert {o.id for o in second} <= {o.id for o in first}
        # And applying the second pass changes nothing at all.
        again, report_again = apply_optimizations(optimized, second)
        assert again.values == optimized.values
        assert again.environment_values == optimized.environment_values
        assert report_again.major_changes == 0


# --------------------------------------------------------------------------- real values layout


@pytest.mark.parametrize(
    "requirements",
    [NODE_API, SPRING, GO_API, GO_SINGLE, STATEFUL, DAEMON, IDEMPOTENCE[-1][0], DATABASE],
    ids=lambda r: r.name,
)
def test_values_built_by_the_layout_module(requirements: Requirements) -> None:
    plan = build_plan(requirements)
    base, overrides = build_values(plan)
    draft = ChartDraft(name=plan.chart_name, files={}, values=base, environment_values=overrides)
    assert draft_workload(draft) == plan.architecture.workload
    first = all_suggestions(draft, plan)
    expected = set()
    if plan.architecture.workload in ("Deployment", "StatefulSet") and (
        plan.scaling.environments["prod"].replicas >= 2
    ):
        # The layout spreads replicated workloads itself: nothing left for the optimizer.
        assert draft.values["topologySpreadConstraints"]
    if requirements.language == "java":
        expected.add("resources.jvm-heap-flag:default")
    assert set(changed(first)) == expected
    optimized, _ = apply_optimizations(draft, first)
    assert not changed(all_suggestions(optimized, plan))


def test_optimized_assembled_chart_renders_with_helm(tmp_path: Path) -> None:
    plan = build_plan(SPRING)
    draft = assemble_chart(plan)
    first = all_suggestions(draft, plan)
    assert set(changed(first)) == {
        "resources.jvm-heap-flag:default",
        "scaling.hpa-behavior:dev",
        "scaling.hpa-behavior:staging",
        "scaling.hpa-behavior:prod",
    }
    optimized, report = apply_optimizations(draft, first)
    assert report.major_changes == 4
    assert not changed(all_suggestions(optimized, plan))
    chart = helm_python.Chart.load(str(write_chart(optimized, tmp_path)))
    prod = helm_python.values_from_yaml(optimized.files["values-prod.yaml"])
    rendered = chart.render(prod, name="rel", namespace="shop")
    docs = {
        d["kind"]: d
        for path, text in rendered.items()
        if path.endswith(".yaml")
        for d in yaml.safe_load_all(text)
        if isinstance(d, dict) and "kind" in d
    }
    deployment = docs["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    selector = {
        "app.kubernetes.io/name": "orders",
        "app.kubernetes.io/instance": "rel",
        "app.kubernetes.io/component": "api",
    }
    # The constraints were emitted without labelSelector; the template supplies it.
    assert [
        (c["topologyKey"], c["labelSelector"]["matchLabels"])
        for c in pod["topologySpreadConstraints"]
    ] == [
        ("topology.kubernetes.io/zone", selector),
        ("kubernetes.io/hostname", selector),
    ]
    assert {"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75.0"} in pod["containers"][
        0
    ]["env"]
    hpa = docs["HorizontalPodAutoscaler"]
    assert hpa["spec"]["behavior"]["scaleDown"] == {
        "stabilizationWindowSeconds": 600,
        "policies": [{"type": "Percent", "value": 25, "periodSeconds": 60}],
    }
