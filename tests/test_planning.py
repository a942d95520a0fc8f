"""The planner's tools on hand-built requirements: tables, rules and the reasons they give."""

from __future__ import annotations

import re

import pytest

from bot.tools.models import (
    Dependency,
    ElevatedAccess,
    EnvVar,
    Plan,
    Probe,
    ReplicaRange,
    Requirements,
    ResourceHint,
    ScalingSpec,
    Volume,
)
from bot.tools.planning import (
    DATASTORES,
    analyze_application_requirements,
    build_plan,
    bundle_plan,
    chart_name,
    check_dependencies,
    define_scaling_strategy,
    design_kubernetes_architecture,
    estimate_resources,
    format_cpu,
    format_memory,
    parse_cpu_m,
    parse_memory_mi,
    pdb_min_available,
    runtime_for,
)
from bot.tools.requirements import apply_assumptions, validate_requirements


def req(**fields: object) -> Requirements:
    """Build requirements the way the coordinator would hand them over."""
    return Requirements.model_validate(fields)


HTTP = {"name": "http", "port": 8080}
NODE_API = req(
    name="payments-api",
    app_type="api",
    language="Node.js",
    framework="Express",
    image={"registry": "ghcr.io", "repository": "acme/payments", "tag": "1.4.2"},
    ports=[{"name": "http", "port": 3000}],
    replicas={"min": 2, "max": 10},
    dependencies=[{"kind": "postgresql"}, {"kind": "redis"}],
    ingress={"hosts": ["api.example.com"], "tls": True},
    env=[{"name": "LOG_LEVEL", "value": "info"}],
    secrets=[{"env": "DATABASE_PASSWORD", "key": "password"}],
)
SPRING = req(name="orders", language="java", framework="Spring Boot 3", ports=[HTTP])
GO_API = req(name="edge", app_type="api", language="golang", ports=[HTTP])


# --------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("text", "millicores"),
    [("250m", 250), ("0.5", 500), ("2", 2000), (1, 1000), (0.25, 250), ("1.5", 1500)],
)
def test_parse_cpu(text: object, millicores: float) -> None:
    assert parse_cpu_m(text) == millicores


@pytest.mark.parametrize(
    ("text", "mebibytes"),
    [
        ("512Mi", 512),
        ("1Gi", 1024),
        ("2048Ki", 2),
        ("1G", 1e9 / 1024**2),
        (1048576, 1),
        ("1.5Gi", 1536),
    ],
)
def test_parse_memory(text: object, mebibytes: float) -> None:
    assert parse_memory_mi(text) == pytest.approx(mebibytes)


@pytest.mark.parametrize("junk", ["two cores", "", None, True, "5 parsecs", "12Xi"])
def test_parse_rejects_non_quantities(junk: object) -> None:
    assert parse_cpu_m(junk) is None
    assert parse_memory_mi(junk) is None


def test_format_quantities() -> None:
    assert format_cpu(124.2) == "125m"
    assert format_memory(1024) == "1Gi"
    assert format_memory(1536) == "1536Mi"
    assert parse_memory_mi(format_memory(2048)) == 2048


# --------------------------------------------------------------------------- analysis


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"framework": "Spring Boot 3"}, "Spring Boot"),
        ({"language": "java21"}, "JVM"),
        ({"language": "JavaScript"}, "Node.js"),
        ({"language": "TypeScript", "framework": "NestJS"}, "NestJS"),
        ({"language": "Ruby", "framework": "Ruby on Rails"}, "Rails"),
        ({"language": "C#"}, ".NET"),
        ({"app_type": "frontend"}, "nginx"),
        ({"language": "cobol"}, "unknown runtime"),
        ({"image": {"repository": "library/postgres", "tag": "16.4"}}, "database server"),
    ],
)
def test_runtime_lookup(fields: dict[str, object], label: str) -> None:
    assert runtime_for(req(**fields)).label == label


def test_go_api_is_small_fast_stateless_and_http_probed() -> None:
    analysis = analyze_application_requirements(GO_API)
    assert analysis.startup_seconds < 5 and analysis.typical_memory_mi <= 64
    assert analysis.stateless and analysis.horizontally_scalable
    assert analysis.writable_paths == ["/tmp"]
    assert analysis.probe.kind == "http" and analysis.probe.path == "/healthz"
    assert analysis.probe.port == "http"
    assert not analysis.privileged_port


def test_spring_is_heavier_and_slower_than_go() -> None:
    spring = analyze_application_requirements(SPRING)
    go = analyze_application_requirements(GO_API)
    assert spring.startup_seconds >= 30 > go.startup_seconds
    assert spring.typical_memory_mi > 4 * go.typical_memory_mi
    assert spring.graceful_shutdown_seconds > go.graceful_shutdown_seconds
    assert spring.probe.path == "/actuator/health"
    assert any("MaxRAMPercentage" in n for n in spring.notes)


def test_nginx_frontend_needs_cache_and_run_dirs_and_flags_port_80() -> None:
    analysis = analyze_application_requirements(
        req(app_type="frontend", framework="nginx", ports=[{"name": "http", "port": 80}])
    )
    assert analysis.writable_paths == ["/tmp", "/var/cache/nginx", "/var/run"]
    assert analysis.privileged_port
    assert any("ip_unprivileged_port_start=80" in n for n in analysis.notes)
    assert analysis.probe.kind == "http" and analysis.probe.path == "/"


def test_rails_writes_tmp_and_uses_up_endpoint() -> None:
    analysis = analyze_application_requirements(
        req(language="ruby", framework="rails", ports=[HTTP])
    )
    assert "/rails/tmp" in analysis.writable_paths
    assert analysis.probe.path == "/up"


def test_python_needs_no_pycache_dir() -> None:
    analysis = analyze_application_requirements(req(language="python", ports=[HTTP]))
    assert analysis.writable_paths == ["/tmp"]
    assert any("__pycache__" in n for n in analysis.notes)


def test_grpc_port_gets_native_grpc_probe_on_the_port_number() -> None:
    analysis = analyze_application_requirements(
        req(language="go", ports=[{"name": "grpc", "port": 50051}])
    )
    assert analysis.probe.kind == "grpc"
    assert analysis.probe.port == "50051"


def test_non_http_port_gets_tcp_probe() -> None:
    analysis = analyze_application_requirements(
        req(app_type="worker", ports=[{"name": "amqp", "port": 5672}])
    )
    assert analysis.probe.kind == "tcp" and analysis.probe.port == "amqp"


def test_celery_port_is_not_http() -> None:
    analysis = analyze_application_requirements(
        req(language="python", framework="celery", ports=[{"name": "flower", "port": 5555}])
    )
    assert analysis.probe.kind == "tcp"


def test_no_port_no_probe_and_batch_no_probe() -> None:
    worker = analyze_application_requirements(req(app_type="worker", language="go"))
    cron = analyze_application_requirements(
        req(language="python", schedule="0 3 * * *", ports=[HTTP])
    )
    job = analyze_application_requirements(req(workload="Job", ports=[HTTP]))
    assert worker.probe.kind == "none" and any("exec probe" in n for n in worker.notes)
    assert cron.probe.kind == "none" and job.probe.kind == "none"
    assert not cron.horizontally_scalable


def test_udp_port_cannot_be_probed() -> None:
    analysis = analyze_application_requirements(
        req(language="go", ports=[{"name": "dns", "port": 5353, "protocol": "UDP"}])
    )
    assert analysis.probe.kind == "none"


def test_stated_health_wins_and_gets_its_port_filled() -> None:
    analysis = analyze_application_requirements(
        req(
            language="java",
            ports=[{"name": "web", "port": 8080}, {"name": "admin", "port": 9000}],
            health={"kind": "http", "path": "/ready"},
        )
    )
    assert analysis.probe == Probe(kind="http", path="/ready", port="web", command=[])


def test_stated_grpc_health_with_port_name_becomes_a_number() -> None:
    analysis = analyze_application_requirements(
        req(ports=[{"name": "grpc", "port": 9090}], health={"kind": "grpc", "port": "grpc"})
    )
    assert analysis.probe.port == "9090"


def test_persistent_volume_makes_app_stateful_and_emptydir_writable() -> None:
    stateful = analyze_application_requirements(
        req(
            language="go",
            ports=[HTTP],
            volumes=[{"name": "data", "mount_path": "/data", "size": "5Gi"}],
        )
    )
    scratch = analyze_application_requirements(
        req(
            language="go",
            ports=[HTTP],
            volumes=[{"name": "cache", "mount_path": "/cache", "persistent": False}],
        )
    )
    assert not stateful.stateless and not stateful.horizontally_scalable
    assert scratch.stateless and scratch.writable_paths == ["/tmp", "/cache"]


def test_shared_volume_still_scales() -> None:
    analysis = analyze_application_requirements(
        req(
            language="go",
            ports=[HTTP],
            volumes=[
                Volume(name="media", mount_path="/media", size="50Gi", access_mode="ReadWriteMany")
            ],
        )
    )
    assert not analysis.stateless and analysis.horizontally_scalable


def test_sticky_sessions_from_description() -> None:
    analysis = analyze_application_requirements(
        req(language="php", ports=[HTTP], description="legacy PHP app with sticky sessions")
    )
    assert analysis.session_affinity


# --------------------------------------------------------------------------- architecture


def kinds(requirements: Requirements) -> list[str]:
    analysis = analyze_application_requirements(requirements)
    return [r.kind for r in design_kubernetes_architecture(requirements, analysis).resources]


def architecture(requirements: Requirements) -> tuple[str, list[str], list[str]]:
    analysis = analyze_application_requirements(requirements)
    arch = design_kubernetes_architecture(requirements, analysis)
    assert all(r.reason for r in arch.resources)
    return arch.workload, [r.kind for r in arch.resources], arch.design_decisions


def test_full_web_api_architecture() -> None:
    workload, objects, decisions = architecture(NODE_API)
    assert workload == "Deployment"
    assert objects == [
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
        "ConfigMap",
        "ServiceAccount",
        "NetworkPolicy",
    ]
    assert any("existing Secrets" in d for d in decisions)
    assert any("read-only root" in d for d in decisions)


def test_explicit_workload_wins() -> None:
    workload, objects, decisions = architecture(
        req(language="go", workload="StatefulSet", ports=[HTTP])
    )
    assert workload == "StatefulSet" and "requested explicitly" in decisions[0]
    assert objects.count("Service") == 2  # headless + client Service


def test_schedule_makes_a_cronjob_without_service_hpa_or_pdb() -> None:
    workload, objects, _ = architecture(
        req(language="python", schedule="*/5 * * * *", ports=[HTTP], replicas={"min": 2, "max": 5})
    )
    assert workload == "CronJob"
    assert objects == ["CronJob", "ServiceAccount", "NetworkPolicy"]


def test_daemon_and_job() -> None:
    assert architecture(req(app_type="daemon", language="go"))[0] == "DaemonSet"
    assert architecture(req(app_type="job", language="go"))[0] == "Job"


def test_database_app_is_a_statefulset_with_headless_service_and_claims() -> None:
    workload, objects, _ = architecture(
        req(
            app_type="database",
            ports=[{"name": "postgres", "port": 5432}],
            volumes=[{"name": "data", "mount_path": "/var/lib/postgresql/data", "size": "20Gi"}],
        )
    )
    assert workload == "StatefulSet"
    assert objects[:3] == ["StatefulSet", "Service", "Service"]
    assert "PersistentVolumeClaim" in objects and "HorizontalPodAutoscaler" not in objects


def test_rwo_volume_with_many_replicas_is_a_statefulset() -> None:
    volume = {"name": "data", "mount_path": "/data", "size": "5Gi"}
    many = req(language="go", ports=[HTTP], volumes=[volume], replicas={"min": 3, "max": 3})
    one = req(language="go", ports=[HTTP], volumes=[volume])
    assert architecture(many)[0] == "StatefulSet"
    workload, objects, _ = architecture(one)
    assert workload == "Deployment" and "PersistentVolumeClaim" in objects
    assert "PodDisruptionBudget" not in objects


def test_fixed_replicas_get_pdb_but_no_hpa() -> None:
    objects = kinds(req(language="go", ports=[HTTP], replicas={"min": 3, "max": 3}))
    assert "PodDisruptionBudget" in objects and "HorizontalPodAutoscaler" not in objects
    single = kinds(req(language="go", ports=[HTTP], replicas={"min": 1, "max": 1}))
    assert "PodDisruptionBudget" not in single


def test_ingress_without_exposed_port_is_skipped_with_a_reason() -> None:
    requirements = req(
        language="go",
        ports=[{"name": "http", "port": 8080, "expose": False}],
        ingress={"hosts": ["a.example.com"]},
    )
    workload, objects, decisions = architecture(requirements)
    assert "Ingress" not in objects and "Service" not in objects
    assert any("Ingress for a.example.com skipped" in d for d in decisions)


def test_service_account_and_network_policy_always() -> None:
    for requirements in (NODE_API, SPRING, req(app_type="worker"), req(schedule="0 * * * *")):
        objects = kinds(requirements)
        assert "ServiceAccount" in objects and "NetworkPolicy" in objects


# --------------------------------------------------------------------------- resources


def test_resources_scale_down_from_prod_and_limits_cover_requests() -> None:
    analysis = analyze_application_requirements(SPRING)
    estimate = estimate_resources(SPRING, analysis)
    envs = estimate.environments
    assert list(envs) == ["dev", "staging", "prod"]
    assert envs["prod"].requests.cpu == "500m" and envs["prod"].requests.memory == "768Mi"
    assert envs["dev"].requests.cpu == "125m" and envs["staging"].requests.memory == "576Mi"
    # A 45 s JVM start must not be throttled, even in dev.
    assert envs["dev"].limits.cpu == "1000m"
    assert "startup" in estimate.reasoning
    for spec in envs.values():
        cpu_req, cpu_lim = parse_cpu_m(spec.requests.cpu), parse_cpu_m(spec.limits.cpu)
        mem_req, mem_lim = (
            parse_memory_mi(spec.requests.memory),
            parse_memory_mi(spec.limits.memory),
        )
        assert cpu_req and cpu_lim and mem_req and mem_lim
        assert cpu_req <= cpu_lim and mem_req <= mem_lim <= 2 * mem_req


def test_resource_hints_are_honoured_in_prod() -> None:
    requirements = req(language="go", ports=[HTTP], resources={"cpu": "1", "memory": "2Gi"})
    estimate = estimate_resources(requirements, analyze_application_requirements(requirements))
    prod = estimate.environments["prod"]
    assert prod.requests == ResourceHint(cpu="1", memory="2Gi")
    assert parse_memory_mi(prod.limits.memory) == 3072
    assert "as stated" in estimate.reasoning
    # A stated request is the request in every environment, not a production-only size.
    assert all(spec.requests == prod.requests for spec in estimate.environments.values())


def test_bad_hint_is_ignored_and_said_so() -> None:
    requirements = req(language="go", ports=[HTTP], resources={"cpu": "two cores"})
    estimate = estimate_resources(requirements, analyze_application_requirements(requirements))
    assert estimate.environments["prod"].requests.cpu == "50m"
    assert "ignored CPU hint 'two cores'" in estimate.reasoning


def test_only_requested_environments_are_estimated() -> None:
    requirements = req(language="go", ports=[HTTP], environments=["prod"])
    analysis = analyze_application_requirements(requirements)
    assert list(estimate_resources(requirements, analysis).environments) == ["prod"]
    assert list(define_scaling_strategy(requirements, analysis).environments) == ["prod"]


# --------------------------------------------------------------------------- scaling


def scaling(requirements: Requirements) -> dict[str, ScalingSpec]:
    analysis = analyze_application_requirements(requirements)
    return define_scaling_strategy(requirements, analysis).environments


def test_a_stated_range_holds_in_every_environment() -> None:
    envs = scaling(NODE_API)
    prod = envs["prod"]
    assert (prod.replicas, prod.min_replicas, prod.max_replicas) == (2, 2, 10)
    assert prod.autoscaling and prod.pdb_min_available == 1
    assert prod.target_cpu == 70 and prod.target_memory == 80
    for spec in envs.values():
        assert (spec.min_replicas, spec.max_replicas, spec.autoscaling) == (2, 10, True)


def test_an_unstated_count_is_sized_per_environment() -> None:
    envs = scaling(NODE_API.model_copy(update={"replicas": None}))
    prod, staging, dev = envs["prod"], envs["staging"], envs["dev"]
    assert prod.replicas == 2 and staging.replicas == 2
    assert not dev.autoscaling and dev.replicas == 1
    assert dev.pdb_min_available is None


@pytest.mark.parametrize(
    ("low", "high"),
    [(1, 1), (1, 3), (2, 2), (2, 10), (3, 20), (5, 6)],
)
def test_prod_honours_every_stated_range(low: int, high: int) -> None:
    requirements = req(language="go", ports=[HTTP], replicas={"min": low, "max": high})
    analysis = analyze_application_requirements(requirements)
    strategy = define_scaling_strategy(requirements, analysis)
    prod = strategy.environments["prod"]
    assert (prod.replicas, prod.min_replicas, prod.max_replicas) == (low, low, high)
    assert prod.autoscaling == (high > low)
    assert (prod.pdb_min_available is not None) == (low >= 2)
    if prod.pdb_min_available is not None:
        assert 1 <= prod.pdb_min_available < low
    for spec in strategy.environments.values():
        assert spec.min_replicas <= spec.max_replicas <= high


def test_unstated_replicas_default_to_two_for_stateless_and_one_for_stateful() -> None:
    assert scaling(GO_API)["prod"].replicas == 2
    stateful = req(
        language="go", ports=[HTTP], volumes=[{"name": "d", "mount_path": "/d", "size": "1Gi"}]
    )
    prod = scaling(stateful)["prod"]
    assert prod.replicas == 1 and prod.pdb_min_available is None


def test_scale_to_zero_is_floored() -> None:
    requirements = req(language="go", ports=[HTTP], replicas={"min": 0, "max": 4})
    analysis = analyze_application_requirements(requirements)
    strategy = define_scaling_strategy(requirements, analysis)
    assert strategy.environments["prod"].min_replicas == 1
    assert "scale to zero" in strategy.reasoning


def test_jvm_scales_on_cpu_only() -> None:
    requirements = SPRING.model_copy(update={"replicas": ReplicaRange(min=2, max=6)})
    prod = scaling(requirements)["prod"]
    assert prod.autoscaling and prod.target_memory is None


@pytest.mark.parametrize(
    "requirements",
    [
        req(app_type="daemon", language="go", replicas={"min": 2, "max": 5}),
        req(schedule="0 3 * * *", language="python", replicas={"min": 2, "max": 5}),
        req(app_type="job", language="go"),
    ],
)
def test_daemonset_cronjob_job_get_no_hpa_or_pdb(requirements: Requirements) -> None:
    for spec in scaling(requirements).values():
        assert not spec.autoscaling and spec.pdb_min_available is None


def test_a_stated_range_scales_a_statefulset_one_volume_per_replica() -> None:
    requirements = req(
        language="go",
        ports=[HTTP],
        replicas={"min": 3, "max": 6},
        volumes=[{"name": "d", "mount_path": "/d", "size": "1Gi"}],
    )
    prod = scaling(requirements)["prod"]
    assert prod.autoscaling and (prod.min_replicas, prod.max_replicas) == (3, 6)


def test_pdb_min_available_rule() -> None:
    assert [pdb_min_available(n) for n in (1, 2, 3, 4, 5, 10)] == [1, 1, 2, 2, 3, 5]


# --------------------------------------------------------------------------- dependencies


def test_postgres_and_redis_become_pinned_subcharts() -> None:
    plan = check_dependencies(NODE_API)
    postgres, redis = plan.helm_dependencies
    assert (postgres.name, postgres.condition, postgres.port) == (
        "postgresql",
        "postgresql.enabled",
        5432,
    )
    assert postgres.image.reference == "docker.io/library/postgres:17.6-alpine"
    assert postgres.app_version == "17.6" and postgres.version == "0.1.0"
    assert redis.image.tag == "7.4.5-alpine" and redis.condition == "redis.enabled"
    assert plan.egress_ports == [5432, 6379]
    assert [c.name for c in plan.init_containers] == ["wait-for-postgresql"]
    wait = plan.init_containers[0]
    assert wait.image == postgres.image
    assert "pg_isready -h {{ .Release.Name }}-postgresql -p 5432" in wait.command[-1]
    assert all(d.reason for d in plan.helm_dependencies)


def test_every_datastore_tag_is_specific() -> None:
    for kind, store in DATASTORES.items():
        for tag in [store.image.tag, *store.tags.values()]:
            assert tag != "latest" and re.match(r"^\d+\.\d+\.?\d*", tag), (kind, tag)
        plan = check_dependencies(req(dependencies=[{"kind": kind}]))
        assert plan.helm_dependencies[0].image.tag == store.image.tag
        assert plan.egress_ports == [store.port]


@pytest.mark.parametrize(
    ("kind", "version", "tag", "noted"),
    [
        ("postgresql", "16", "16.10-alpine", False),
        ("postgresql", "15.4", "15.4-alpine", False),
        ("postgresql", "9", "9-alpine", True),
        ("mongodb", "4.4", "4.4", True),
        ("mysql", "8.0", "8.0.43", False),
        ("redis", "7.2", "7.4.5-alpine", True),
        ("mongodb", "8.0.3", "8.0.3", False),
    ],
)
def test_requested_versions(kind: str, version: str, tag: str, noted: bool) -> None:
    plan = check_dependencies(req(dependencies=[{"kind": kind, "version": version}]))
    assert plan.helm_dependencies[0].image.tag == tag
    assert any("not in the pinned-tag table" in n for n in plan.notes) == noted


def test_duplicate_dependencies_get_distinct_names() -> None:
    plan = check_dependencies(
        req(
            dependencies=[
                Dependency(kind="redis", purpose="cache"),
                Dependency(kind="redis", purpose="queue"),
            ]
        )
    )
    assert [d.name for d in plan.helm_dependencies] == ["redis", "redis-2"]
    assert [d.condition for d in plan.helm_dependencies] == ["redis.enabled", "redis-2.enabled"]
    assert plan.helm_dependencies[0].reason.startswith("cache")


def test_migrations_for_known_framework_and_note_for_unknown() -> None:
    django = req(
        language="python",
        framework="django",
        description="run migrations on deploy",
        image={"repository": "acme/shop", "tag": "2.0.1"},
        dependencies=[{"kind": "postgresql"}],
    )
    migrate = next(c for c in apply_assumptions(django).components if c.name == "migrate")
    assert (migrate.workload, migrate.hook) == ("Job", "pre-install,pre-upgrade")
    assert migrate.args == ["python", "manage.py", "migrate", "--noinput"]
    plan = build_plan(apply_assumptions(django))
    (hook,) = plan.components
    # The bundled database does not exist before install: the hook waits for it after install.
    assert hook.requirements.hook == "post-install,pre-upgrade"
    assert [c.name for c in hook.init_containers] == ["wait-for-postgresql"]
    unknown = NODE_API.model_copy(update={"description": "migrate the db"})
    assert not apply_assumptions(unknown).components
    assert any("no command is known" in a for a in validate_requirements(unknown).assumptions)


def test_requested_containers_pass_through() -> None:
    requirements = req(
        sidecars=[
            {
                "name": "envoy",
                "image": {
                    "registry": "docker.io",
                    "repository": "envoyproxy/envoy",
                    "tag": "v1.31.2",
                },
            }
        ],
        init_containers=[{"name": "seed"}],
        needs_service_account_token=True,
    )
    plan = check_dependencies(requirements)
    assert [c.name for c in plan.sidecars] == ["envoy"]
    assert [c.name for c in plan.init_containers] == ["seed"]
    assert any("'seed' has no image" in n for n in plan.notes)
    assert plan.egress_ports == [443]


# --------------------------------------------------------------------------- whole plan


def test_build_plan_for_the_reference_request() -> None:
    plan = build_plan(NODE_API)
    assert plan.chart_name == "payments-api" and plan.app_version == "1.4.2"
    assert plan.architecture.workload == "Deployment"
    assert plan.scaling.environments["prod"].max_replicas == 10
    assert [d.name for d in plan.dependencies.helm_dependencies] == ["postgresql", "redis"]
    assert Plan.model_validate(plan.model_dump(mode="json")) == plan


def test_bundle_plan_is_what_build_plan_returns() -> None:
    analysis = analyze_application_requirements(SPRING)
    bundled = bundle_plan(
        SPRING,
        analysis,
        design_kubernetes_architecture(SPRING, analysis),
        estimate_resources(SPRING, analysis),
        define_scaling_strategy(SPRING, analysis),
        check_dependencies(SPRING),
    )
    assert bundled == build_plan(SPRING)
    assert (bundled.chart_name, bundled.app_version) == ("orders", "0.1.0")


def test_chart_name_and_fallbacks() -> None:
    assert chart_name(req(name="Payments API!")) == "payments-api"
    assert chart_name(req(image={"repository": "acme/Order_Service", "tag": "1"})) == (
        "order-service"
    )
    assert chart_name(req()) == "app"
    plan = build_plan(req(language="go", ports=[HTTP], app_type="api"))
    assert plan.app_version == "0.1.0"
    assert plan.description == "app: a Go API"


CORPUS = [
    NODE_API,
    SPRING,
    GO_API,
    req(
        name="shop",
        language="python",
        framework="django",
        ports=[HTTP],
        replicas={"min": 3, "max": 12},
        dependencies=[{"kind": "postgresql"}, {"kind": "redis"}],
    ),
    req(
        name="site",
        app_type="frontend",
        ports=[{"name": "http", "port": 80}],
        ingress={"hosts": ["www.example.com"], "tls": True},
    ),
    req(name="nightly-report", language="python", schedule="0 2 * * *"),
    req(
        name="log-agent",
        app_type="daemon",
        language="go",
        elevated=ElevatedAccess(host_path=["/var/log"]),
    ),
    req(
        name="pg",
        app_type="database",
        ports=[{"name": "postgres", "port": 5432}],
        volumes=[{"name": "data", "mount_path": "/data", "size": "20Gi"}],
        replicas={"min": 3, "max": 3},
    ),
    req(
        name="consumer",
        app_type="worker",
        language="ruby",
        framework="sidekiq",
        dependencies=[{"kind": "redis"}],
        replicas={"min": 1, "max": 8},
        env=[EnvVar(name="QUEUE", value="default")],
    ),
    req(
        name="grpc-svc",
        language="rust",
        ports=[{"name": "grpc", "port": 50051}],
        replicas={"min": 2, "max": 4},
        resources={"memory": "64Mi"},
    ),
    req(
        name="uploads",
        language="php",
        framework="laravel",
        ports=[HTTP],
        volumes=[
            {
                "name": "media",
                "mount_path": "/media",
                "size": "100Gi",
                "access_mode": "ReadWriteMany",
            }
        ],
        replicas={"min": 2, "max": 6},
        dependencies=[{"kind": "mysql"}, {"kind": "rabbitmq"}],
    ),
]


@pytest.mark.parametrize("requirements", CORPUS, ids=lambda r: r.name or "unnamed")
def test_build_plan_invariants(requirements: Requirements) -> None:
    plan = build_plan(requirements)
    assert re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", plan.chart_name)
    assert set(plan.resources.environments) == set(plan.scaling.environments)
    assert set(plan.scaling.environments) == set(requirements.environments)
    kinds_ = [r.kind for r in plan.architecture.resources]
    assert kinds_[0] == plan.architecture.workload
    prod = plan.scaling.environments["prod"]
    assert ("HorizontalPodAutoscaler" in kinds_) == prod.autoscaling
    assert ("PodDisruptionBudget" in kinds_) == (prod.pdb_min_available is not None)
    if requirements.replicas:
        assert prod.min_replicas == max(1, requirements.replicas.min)
    for spec in plan.resources.environments.values():
        assert (parse_cpu_m(spec.requests.cpu) or 0) <= (parse_cpu_m(spec.limits.cpu) or 0)
        assert (
            0
            < (parse_memory_mi(spec.requests.memory) or 0)
            <= (parse_memory_mi(spec.limits.memory) or 0)
        )
    for dependency in plan.dependencies.helm_dependencies:
        assert dependency.image.tag and dependency.image.tag != "latest"
    if plan.architecture.workload in ("CronJob", "Job"):
        assert plan.analysis.probe.kind == "none"
