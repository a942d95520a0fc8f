"""The template agent's tools, values editing and the values schema, against real Helm."""

from __future__ import annotations

from pathlib import Path

import helm_python
import pytest
import yaml

from bot.tools import template
from bot.tools.models import ChartDraft, Plan, ValueChange
from bot.tools.planning import build_plan
from bot.tools.requirements import apply_assumptions, parse_requirements
from bot.tools.values import apply_value_changes, set_path, values_table, write_chart

REQUESTS = {
    "web": "Node.js express API payments-api, image ghcr.io/acme/payments:1.4.2, port 3000, "
    "Postgres, 2-10 replicas, ingress payments.example.com with TLS, secret DATABASE_PASSWORD",
    "cron": "nightly-backup, image ghcr.io/acme/backup:2.0.0, a CronJob every day at 3am",
    "daemon": "node-exporter-lite, image ghcr.io/acme/nodex:1.2.0, a DaemonSet on every node, "
    "port 9100",
    "stateful": "ledger, image ghcr.io/acme/ledger:5.1.0, StatefulSet, 3 replicas, port 7000, "
    "50Gi volume at /var/lib/ledger",
}


def plan_for(kind: str) -> Plan:
    return build_plan(apply_assumptions(parse_requirements(REQUESTS[kind])))


@pytest.fixture(scope="module")
def web() -> ChartDraft:
    return template.assemble_chart(plan_for("web"))


def test_template_definitions_carry_the_chart_name() -> None:
    plan = plan_for("web")
    helpers = template.generate_helpers_tpl(plan)
    assert 'define "payments-api.fullname"' in helpers and '"chart.' not in helpers
    assert 'include "payments-api.workloadObjects"' in template.generate_deployment_yaml(plan)


@pytest.mark.parametrize(
    ("kind", "workload_file", "absent"),
    [
        ("web", "deployment.yaml", "cronjob.yaml"),
        ("cron", "cronjob.yaml", "service.yaml"),
        ("daemon", "daemonset.yaml", "hpa.yaml"),
        ("stateful", "statefulset.yaml", "deployment.yaml"),
    ],
)
def test_only_the_templates_a_plan_needs(kind: str, workload_file: str, absent: str) -> None:
    draft = template.assemble_chart(plan_for(kind))
    assert f"templates/{workload_file}" in draft.files
    assert f"templates/{absent}" not in draft.files
    assert {
        "Chart.yaml",
        "values.yaml",
        "values.schema.json",
        "README.md",
        ".helmignore",
        "templates/_helpers.tpl",
        "templates/NOTES.txt",
    } <= set(draft.files)


def test_workload_template_follows_the_plan() -> None:
    plan = plan_for("cron")
    assert '"kind" "CronJob"' in template.generate_deployment_yaml(plan)
    assert '"kind" "StatefulSet"' in template.generate_deployment_yaml(plan_for("stateful"))
    assert "clusterIP: None" in template.generate_service_yaml(plan_for("stateful"))


def test_values_yaml_is_documented_and_round_trips(web: ChartDraft) -> None:
    text = web.files["values.yaml"]
    assert "## @section Image" in text and "## @param image.tag" in text
    assert yaml.safe_load(text) == web.values
    assert web.values["image"]["tag"] == "1.4.2"
    assert web.values["secretEnv"][0]["name"] == "DATABASE_PASSWORD"


def test_readme_has_values_table_and_secret_commands_without_values(web: ChartDraft) -> None:
    readme = web.files["README.md"]
    assert "| `image.tag` |" in readme
    assert "kubectl create secret generic payments-api-secrets" in readme
    assert "--from-file=database-password=./database-password.txt" in readme


def test_chart_yaml_declares_bundled_dependencies(web: ChartDraft) -> None:
    chart = yaml.safe_load(web.files["Chart.yaml"])
    assert chart["dependencies"] == [
        {
            "name": "postgresql",
            "version": "0.1.0",
            "repository": "file://charts/postgresql",
            "condition": "postgresql.enabled",
        }
    ]
    assert "charts/postgresql/templates/statefulset.yaml" in web.files
    assert '"postgresql.fullname"' in web.files["charts/postgresql/templates/_helpers.tpl"]


def test_set_path_creates_maps_indexes_lists_and_deletes() -> None:
    values: dict[str, object] = {"ports": [{"port": 1}], "a": {"b": 1}}
    set_path(values, "x.y.z", 3)
    set_path(values, "ports.0.port", 8080)
    set_path(values, "a.b", None)
    set_path(values, "list.1", "second")
    assert values == {
        "ports": [{"port": 8080}],
        "a": {},
        "x": {"y": {"z": 3}},
        "list": [None, "second"],
    }


def test_apply_value_changes_keeps_dicts_and_files_in_step(web: ChartDraft) -> None:
    edited = apply_value_changes(
        web,
        [
            ValueChange(path="resources.limits.memory", value="1Gi"),
            ValueChange(path="replicaCount", value=5, environment="prod"),
        ],
    )
    assert edited.values["resources"]["limits"]["memory"] == "1Gi"
    assert yaml.safe_load(edited.files["values.yaml"])["resources"]["limits"]["memory"] == "1Gi"
    assert yaml.safe_load(edited.files["values-prod.yaml"])["replicaCount"] == 5
    assert "memory: 1Gi" in edited.files["README.md"]
    assert web.values["resources"]["limits"]["memory"] != "1Gi"  # the input is not mutated


def test_values_table_shows_defaults() -> None:
    text = "## @param image.tag Image tag\nimage:\n  tag: 1.0.0\n"
    assert values_table(text).splitlines()[-1] == "| `image.tag` | Image tag | `1.0.0` |"


def test_schema_rejects_typos_and_latest_through_helm(web: ChartDraft, tmp_path: Path) -> None:
    chart = helm_python.Chart.load(write_chart(web, tmp_path))
    chart.validate_schema({"image": {"tag": "1.4.3"}})
    for bad in (
        {"replicaCont": 3},
        {"image": {"tag": "latest"}},
        {"service": {"typo": True}},
        {"containerPorts": [{"name": "h", "containerPort": 0}]},
    ):
        with pytest.raises(helm_python.HelmValuesError):
            chart.validate_schema(bad)


def test_write_chart_renders_with_every_values_file(web: ChartDraft, tmp_path: Path) -> None:
    chart_dir = write_chart(web, tmp_path)
    chart = helm_python.Chart.load(chart_dir)
    for env_file in sorted(chart_dir.glob("values-*.yaml")):
        rendered = chart.render(yaml.safe_load(env_file.read_text()), name="r", namespace="n")
        assert any("kind: Deployment" in text for text in rendered.values())
