"""The Helm layer: values sets, renders split into documents, source lines, caching, errors."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import helm_python
import pytest

from bot.tools import helm

CHARTS = Path(__file__).parent / "fixtures" / "charts"


@pytest.fixture(autouse=True)
def _no_background_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep Trivy out of these tests: they are about Helm."""
    monkeypatch.setenv("HELM_BOT_TRIVY_PREFETCH", "0")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """Return a private copy of the clean chart, safe to edit."""
    return Path(shutil.copytree(CHARTS / "clean", tmp_path / "clean"))


def test_split_documents_keeps_start_lines_and_parse_errors() -> None:
    text = (
        "---\n# Source: x\napiVersion: v1\nkind: A\n---\n---\nkind: [unclosed\n"
        "---\n# only a comment\n"
    )
    docs = helm.split_documents("templates/x.yaml", text)
    assert [(d.start, d.index) for d in docs] == [(2, 0), (7, 1)]
    assert docs[0].obj == {"apiVersion": "v1", "kind": "A"}
    assert docs[1].obj is None and "flow sequence" in docs[1].error
    assert helm.node_line(docs[0], ["kind"]) == 4


def test_values_sets_are_discovered_in_environment_order() -> None:
    context = helm.open_chart(CHARTS / "clean")
    assert [vs.name for vs in context.values_sets] == [
        "values.yaml",
        "values-dev.yaml",
        "values-staging.yaml",
        "values-prod.yaml",
    ]
    assert [vs.environment for vs in context.values_sets] == ["", "dev", "staging", "prod"]


def test_environment_file_is_layered_on_the_defaults_like_helm_f() -> None:
    context = helm.open_chart(CHARTS / "clean", ["values-prod.yaml"])
    default, prod = context.renderings()
    assert prod.values["resources"]["limits"]["memory"] == "512Mi"
    assert prod.values["image"]["tag"] == "1.4.2"  # untouched defaults survive
    assert "HorizontalPodAutoscaler" in {d.kind for d in prod.objects}
    assert "HorizontalPodAutoscaler" not in {d.kind for d in default.objects}
    deployment = next(d for d in prod.objects if d.kind == "Deployment")
    assert deployment.obj is not None
    assert "replicas" not in deployment.obj["spec"]  # autoscaled in prod


def test_rendered_lines_map_back_to_template_lines() -> None:
    context = helm.open_chart(CHARTS / "clean", [])
    rendering = context.renderings()[0]
    deployment = next(d for d in rendering.objects if d.kind == "Deployment")
    source = (CHARTS / "clean" / "templates" / "deployment.yaml").read_text().splitlines()
    replicas = context.line_of(rendering, deployment, "spec", "replicas")
    assert source[replicas - 1].strip() == "replicas: {{ .Values.replicaCount }}"
    # A value rendered through toYaml maps to the key it was rendered under.
    user = context.line_of(
        rendering,
        deployment,
        "spec",
        "template",
        "spec",
        "containers",
        0,
        "securityContext",
        "runAsUser",
    )
    assert source[user - 1].strip() == "securityContext:"


def test_context_is_cached_until_a_file_changes(clean: Path) -> None:
    first = helm.open_chart(clean)
    assert helm.open_chart(clean) is first
    prod = clean / "values-prod.yaml"
    prod.write_text(prod.read_text().replace("minReplicas: 3", "minReplicas: 4"))
    second = helm.open_chart(clean)
    assert second is not first
    assert first.chart is not None and first.chart.closed
    hpa = next(d for d in second.renderings()[3].objects if d.kind == "HorizontalPodAutoscaler")
    assert hpa.obj is not None and hpa.obj["spec"]["minReplicas"] == 4


def test_render_error_becomes_a_critical_finding_with_file_and_line() -> None:
    context = helm.open_chart(CHARTS / "bad-syntax", [])
    failure = context.renderings()[0].failure
    assert failure is not None
    assert (failure.rule, failure.severity) == ("HB-HELM-RENDER", "CRITICAL")
    assert (failure.file, failure.line) == ("templates/configmap.yaml", 6)


def test_missing_values_file_fails_that_values_set() -> None:
    context = helm.open_chart(CHARTS / "clean", ["values-qa.yaml"])
    failure = context.renderings()[1].failure
    assert failure is not None and failure.values_file == "values-qa.yaml"
    assert failure.severity == "CRITICAL" and "cannot be read" in failure.message


def test_error_location_strips_the_chart_name() -> None:
    message = 'demo/charts/pg/templates/x.yaml:7:15\n executing "demo/charts/pg/templates/x.yaml"'
    assert helm.locate_error(message, "demo") == ("charts/pg/templates/x.yaml", 7)
    exc = helm_python.HelmRenderError("parse error at (demo/templates/a.yaml:8): missing value")
    found = helm.error_finding(exc, source="render", chart_name="demo", values_file="values.yaml")
    assert (found.file, found.line, found.rule) == ("templates/a.yaml", 8, "HB-HELM-RENDER")


def test_environment_of_values_files() -> None:
    assert helm.environment_of("values-prod.yaml") == "prod"
    assert helm.environment_of("/x/values-eu-west.yml") == "eu-west"
    assert helm.environment_of("values.yaml") == ""


def test_package_writes_a_loadable_archive(tmp_path: Path) -> None:
    archive = helm.package(CHARTS / "clean", tmp_path / "out")
    assert archive.endswith("payments-0.1.0.tgz")
    with tarfile.open(archive) as tar:
        assert "payments/templates/deployment.yaml" in tar.getnames()
    with helm_python.Chart.load(archive) as chart:
        assert chart.name == "payments"
