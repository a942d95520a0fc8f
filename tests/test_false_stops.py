"""Ordinary requests that used to stop on a misreading now give the chart they ask for.

One test per class of false stop: credentials vocabulary read as a privilege request, compose
port mappings and ``secrets:`` misread, pasted logs read as facts, a wall of questions, a low
port answered with an added capability, and an app that could not log in to its datastore.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.graph.build import build_graph
from bot.jobs.runner import Graph, RunOutcome, start
from bot.store import open_checkpointer
from bot.tools.coordination.checks import MAX_PROBLEMS
from bot.tools.requirements import parse_requirements, validate_requirements
from tests import fidelity

FIXTURES = Path(__file__).parent / "fixtures" / "false_stops"


@pytest.mark.parametrize(
    "phrase",
    [
        "It connects to Postgres as the root user.",
        "The admin password comes from the existing secret app-admin.",
        "Create the superuser account on first start.",
        "Run migrations as the postgres superuser, credentials in secret app-db.",
        "MYSQL_ROOT_PASSWORD comes from the secret app-mysql.",
        "Root user / password from a Secret named app-root.",
    ],
)
def test_credentials_vocabulary_is_not_a_privilege_request(phrase: str) -> None:
    req = parse_requirements(f"app, image ghcr.io/acme/app:1.0.0, port 8080. {phrase}")
    assert req.elevated.requested() == []
    assert validate_requirements(req).valid


@pytest.mark.parametrize(
    ("phrase", "power"),
    [
        ("It must run privileged.", "privileged"),
        ("Set runAsUser: 0 for it.", "root"),
        ("It needs hostNetwork.", "hostNetwork"),
    ],
)
def test_security_context_asks_still_are_privilege_requests(phrase: str, power: str) -> None:
    req = parse_requirements(f"app, image ghcr.io/acme/app:1.0.0, port 8080. {phrase}")
    assert any(power in p for p in req.elevated.requested()), req.elevated.requested()


def test_the_credentials_request_is_read_as_an_ordinary_app() -> None:
    req = parse_requirements((FIXTURES / "credentials-vocabulary.txt").read_text())
    assert req.elevated.requested() == [] and validate_requirements(req).valid
    assert req.name == "portal" and not req.catalogue  # "Keycloak-backed" is not Keycloak


def test_compose_port_mappings_ranges_udp_and_secrets() -> None:
    req = parse_requirements((FIXTURES / "compose-ports-and-secrets.md").read_text())
    ports = {(p.port, p.protocol, p.service_port) for p in req.ports}
    assert ports == {
        (53, "UDP", 5353),
        (80, "TCP", 8080),
        (9000, "TCP", 9000),
        (9001, "TCP", 9001),
        (9002, "TCP", 9002),
    }
    # ``secrets:`` is a file the service reads, not another container.
    assert req.components == []
    assert [m.mount_path for m in req.secret_mounts] == ["/run/secrets"]
    assert validate_requirements(req).valid


def test_pasted_logs_are_context_not_facts() -> None:
    req = parse_requirements((FIXTURES / "pasted-logs.md").read_text())
    assert req.ingress is None or not req.ingress.hosts
    assert [p.port for p in req.ports] == [8000]
    assert [d.kind for d in req.dependencies] == ["redis"]
    assert req.replicas is not None and req.replicas.min == 2
    assert validate_requirements(req).valid


def test_a_long_request_gets_at_most_five_problems() -> None:
    hosts = ", ".join(f"ingress host Bad_Host{i}.example.com" for i in range(12))
    check = validate_requirements(
        parse_requirements(f"api, image ghcr.io/a/api:1.0.0, port 8080, {hosts}")
    )
    problems = check.validation_errors + check.clarifications_needed
    assert not check.valid and 1 <= len(problems) <= MAX_PROBLEMS
    assert "more like it" in problems[-1]


# ----------------------------------------------------------------------------- whole runs


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Graph, Path]]:
    root = tmp_path_factory.mktemp("false-stops")
    with open_checkpointer(f"sqlite:///{root / 'state.sqlite'}") as saver:
        yield build_graph(saver), root


def generate(graph: tuple[Graph, Path], thread: str, request: str) -> RunOutcome:
    g, root = graph
    outcome = start(g, thread, request, {"out_dir": str(root / thread)})
    assert outcome.status == "done", (outcome.review, outcome.state.get("history"))
    assert outcome.state["result"]["passed"] is True
    return outcome


def rendered(outcome: RunOutcome) -> list[dict[str, Any]]:
    return fidelity.render(Path(outcome.state["result"]["chart"]), None)


def pod_specs(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in docs:
        if doc["kind"] == "Pod":
            yield doc["metadata"]["name"], doc["spec"]
        elif doc["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def test_a_low_port_gets_a_safe_sysctl_and_no_capability(graph: tuple[Graph, Path]) -> None:
    outcome = generate(
        graph, "low-port", "static docs site, image ghcr.io/acme/docs:1.2.0, listens on port 80"
    )
    findings = outcome.state["security"]["findings"]
    assert not [f for f in findings if f["severity"] != "LOW" and not f["accepted"]], findings
    accepted = {f["rule"]: f["explanation"] for f in findings if f["accepted"]}
    assert "safe list" in accepted.get("KSV026", "safe list"), accepted  # Trivy's list is older
    assert not any("capabilit" in f["message"].lower() for f in findings), findings
    docs = rendered(outcome)
    for name, spec in pod_specs(docs):
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            added = (container.get("securityContext") or {}).get("capabilities", {}).get("add")
            assert not added, (name, container["name"], added)
    app = next(spec for name, spec in pod_specs(docs) if name == "docs")
    sysctls = {s["name"]: s["value"] for s in app["securityContext"].get("sysctls", [])}
    assert sysctls == {"net.ipv4.ip_unprivileged_port_start": "80"}


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def test_the_app_logs_in_with_what_the_datastore_reads(graph: tuple[Graph, Path]) -> None:
    outcome = generate(
        graph,
        "wired",
        "Django app shop, image ghcr.io/acme/shop:2.0.0, port 8000. Postgres database shop as "
        "user shop, password in the existing secret shop-db (key db-password); the app reads "
        "DATABASE_URL. Redis for the cache.",
    )
    docs = rendered(outcome)
    specs = dict(pod_specs(docs))
    app, db = (
        env_of(specs["shop"]["containers"][0]),
        env_of(specs["shop-postgresql"]["containers"][0]),
    )
    db_secret = db["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert db_secret == {"name": "shop-db", "key": "db-password"}
    password = next(
        e for e in app.values() if e.get("valueFrom", {}).get("secretKeyRef") == db_secret
    )
    url = app["DATABASE_URL"]["value"]
    assert url == f"postgresql://shop:$({password['name']})@shop-postgresql:5432/shop"
    assert db["POSTGRES_USER"]["value"] == "shop" and db["POSTGRES_DB"]["value"] == "shop"
    tests = {d["metadata"]["name"] for d in docs if d["kind"] == "Pod"}
    assert {"shop-test-postgresql-connection", "shop-test-redis-connection"} <= tests


def test_what_a_node_agent_states_on_purpose_goes_through_without_a_human(
    graph: tuple[Graph, Path],
) -> None:
    outcome = generate(
        graph,
        "node-agent",
        "A DaemonSet of grafana/promtail:3.0.0 on every node, port 3101. It reads the node's "
        "`/var/log/pods` read-only. It needs its service account token and a ClusterRole with "
        "`get`, `list`, `watch` on `nodes`, `services` and `pods`.",
    )
    findings = outcome.state["security"]["findings"]
    accepted = {f["rule"]: f["explanation"] for f in findings if f["accepted"]}
    assert "on purpose" in accepted["HB-PSS-003"]
    docs = rendered(outcome)
    volumes = [v for _, spec in pod_specs(docs) for v in spec.get("volumes", [])]
    assert {v["hostPath"]["path"] for v in volumes if "hostPath" in v} == {"/var/log/pods"}
    role = next(d for d in docs if d["kind"] == "ClusterRole")
    assert set(role["rules"][0]["resources"]) == {"nodes", "services", "pods"}


def test_a_switch_named_like_a_password_is_no_pasted_secret(graph: tuple[Graph, Path]) -> None:
    # The bundled MySQL sets MYSQL_RANDOM_ROOT_PASSWORD=yes: a finding of the chart's own making.
    outcome = generate(
        graph, "mysql-app", "PHP app kimai, image kimai/kimai2:2.24.0, port 8001, MySQL 8"
    )
    findings = outcome.state["security"]["findings"]
    assert not [f for f in findings if f["rule"] == "HB-SECRET-002"], findings


def test_a_datastore_kept_outside_the_chart_is_not_bundled_but_reachable(
    graph: tuple[Graph, Path],
) -> None:
    outcome = generate(
        graph,
        "external-db",
        "Deploy ghcr.io/acme/shop:2.3.1 on port 8080. Postgres is our managed RDS instance: "
        "`DATABASE_URL` comes from the existing secret `shop-db`, key `url`. Redis 7 runs in "
        "the chart.",
    )
    docs = rendered(outcome)
    names = [d["metadata"]["name"] for d in docs if d["kind"] == "StatefulSet"]
    assert not [n for n in names if "postgresql" in n] and [n for n in names if "redis" in n]
    policy = next(
        d for d in docs if d["kind"] == "NetworkPolicy" and "redis" not in d["metadata"]["name"]
    )
    ports = [p["port"] for rule in policy["spec"]["egress"] for p in rule.get("ports", [])]
    assert 5432 in ports


def test_a_long_app_name_gives_cronjob_names_kubernetes_accepts(
    graph: tuple[Graph, Path],
) -> None:
    """A CronJob's Jobs add 11 characters to its name: its name stays within 52, and two parts
    cut to that length stay apart."""
    outcome = generate(
        graph,
        "long-cron-names",
        "Chart for inventory-reconciliation-service-for-the-north-warehouse, image "
        "`ghcr.io/acme/inventory:4.5`, port 8080.\n"
        "- `reminders`: a CronJob with the same image that runs `inventory remind` at `0 6 * * *`\n"
        "- `reconcile`: a CronJob with the same image that runs `inventory reconcile` at "
        "`30 2 * * *`\n",
    )
    jobs = [o["metadata"]["name"] for o in rendered(outcome) if o["kind"] == "CronJob"]
    assert len(jobs) == 2 and len(set(jobs)) == 2
    assert all(len(name) <= 52 for name in jobs)
    assert {name.rsplit("-", 1)[-1] for name in jobs} == {"reminders", "reconcile"}
