"""The validator's gates on real charts: helm lint, Kubernetes schemas, dry run, best practices."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import helm_python
import pytest
import yaml  # type: ignore[import-untyped]

from bot.tools import helm, validate
from bot.tools.models import Finding

CHARTS = Path(__file__).parent / "fixtures" / "charts"


@pytest.fixture(autouse=True)
def _no_background_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep Trivy out of the validator's tests (the security tests run it)."""
    monkeypatch.setenv("HELM_BOT_TRIVY_PREFETCH", "0")


@pytest.fixture
def scaffold(tmp_path: Path) -> Path:
    """Return a fresh ``helm create`` chart."""
    helm_python.Chart.create("demo", tmp_path).close()
    return tmp_path / "demo"


def copy_chart(name: str, tmp_path: Path) -> Path:
    """Return an editable copy of a fixture chart."""
    return Path(shutil.copytree(CHARTS / name, tmp_path / name))


def edit_yaml(path: Path, **changes: object) -> None:
    """Set top-level keys of a YAML file."""
    data = yaml.safe_load(path.read_text()) if path.exists() else {}
    data.update(changes)
    path.write_text(yaml.safe_dump(data))


def rules(findings: list[Finding]) -> set[str]:
    """Return the rule ids of a list of findings."""
    return {f.rule for f in findings}


def test_clean_chart_passes_every_check_for_every_values_set() -> None:
    report = validate.run_validation(str(CHARTS / "clean"), None, ("1.29", "1.34"))
    assert report.passed, [f for f in report.findings if f.severity != "INFO"]
    assert report.checks == {
        "helm-lint": "passed",
        "kubernetes-schema": "passed",
        "dry-run": "passed",
        "best-practices": "passed",
    }
    assert report.values_files == [
        "values.yaml",
        "values-dev.yaml",
        "values-staging.yaml",
        "values-prod.yaml",
    ]
    assert report.kubernetes_versions == ["1.29", "1.34"]
    assert report.rendered_objects == 10


def test_template_syntax_error_fails_lint_and_dry_run_at_its_line() -> None:
    chart = str(CHARTS / "bad-syntax")
    lint = validate.run_helm_lint(chart, [])
    assert not lint.passed and lint.checks == {"helm-lint": "failed"}
    error = next(f for f in lint.findings if f.rule == "HB-LINT-ERROR")
    assert (error.file, error.line, error.severity) == ("templates/configmap.yaml", 6, "HIGH")
    for check in (validate.run_dry_run_validation, validate.check_best_practices):
        report = check(chart, [])
        assert not report.passed
        failure = next(f for f in report.findings if f.rule == "HB-HELM-RENDER")
        assert (failure.file, failure.line, failure.severity) == (
            "templates/configmap.yaml",
            6,
            "CRITICAL",
        )
    assert not validate.validate_with_kubeconform(chart, ("1.29",), []).passed


def test_schema_errors_are_all_reported_per_version_at_their_lines() -> None:
    report = validate.validate_with_kubeconform(str(CHARTS / "schema-invalid"), ("1.29", "1.34"))
    assert not report.passed
    errors = [f for f in report.findings if f.rule == "HB-SCHEMA"]
    assert {(f.message.split(":")[0], f.line) for f in errors} == {
        ("spec.replicas", 9),
        ("spec.template.spec.containers.0", 19),
    }
    assert sum("(Kubernetes 1.29)" in f.message for f in errors) == 2
    assert sum("(Kubernetes 1.34)" in f.message for f in errors) == 2
    assert all(f.severity == "HIGH" and f.resource.startswith("Deployment/") for f in errors)
    assert any("restartAfter" in f.message for f in errors)


def test_removed_api_fails_and_custom_resources_are_only_noted(tmp_path: Path) -> None:
    chart = copy_chart("service-selector", tmp_path)
    (chart / "templates" / "extra.yaml").write_text(
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\n"
        "spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n"
        "      app.kubernetes.io/name: web\n"
        "---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: tls\n"
        "spec:\n  secretName: tls\n"
        "---\napiVersion: apps.example.com/v1\nkind: Deployment\nmetadata:\n  name: lookalike\n"
        "spec:\n  anything: goes\n"
    )
    report = validate.validate_with_kubeconform(str(chart), ("1.29",), [])
    by_rule = {f.rule: f for f in report.findings}
    assert by_rule["HB-SCHEMA-KIND"].severity == "HIGH"
    assert "policy/v1beta1 PodDisruptionBudget is not served by Kubernetes 1.29" in (
        by_rule["HB-SCHEMA-KIND"].message
    )
    unknown = [f for f in report.findings if f.rule == "HB-SCHEMA-UNKNOWN"]
    assert {f.resource for f in unknown} == {"Certificate/tls", "Deployment/lookalike"}
    assert all(f.severity == "INFO" for f in unknown)
    assert not report.passed  # because of the removed API, not the custom resources


def test_unsupported_kubernetes_version_is_a_clear_error() -> None:
    with pytest.raises(validate.UnsupportedKubernetesVersion, match="1.24 is not supported"):
        validate.validate_with_kubeconform(str(CHARTS / "clean"), ("1.24",))
    assert validate.schema_version("v1.30.2") == "1.30.0"


def test_identical_documents_are_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = validate._schema_errors

    def counting(bundled: str, doc: helm.Document) -> object:
        calls.append(doc.resource)
        return original(bundled, doc)

    monkeypatch.setattr(validate.schemas, "_schema_errors", counting)
    validate.validate_with_kubeconform(str(CHARTS / "clean"), ("1.29",))
    context = helm.open_chart(CHARTS / "clean")
    total = sum(len(r.objects) for r in context.renderings())
    distinct = {(d.template, d.text) for r in context.renderings() for d in r.objects}
    assert len(calls) == len(distinct) < total


def test_service_selecting_nothing_fails_the_dry_run() -> None:
    report = validate.run_dry_run_validation(str(CHARTS / "service-selector"), [])
    assert not report.passed
    found = next(f for f in report.findings if f.rule == "HB-DRY-SERVICE-SELECTOR")
    assert (found.file, found.line, found.resource) == (
        "templates/workload.yaml",
        33,
        "Service/service-selector",
    )


def test_dry_run_checks_wiring_between_objects(tmp_path: Path) -> None:
    chart = copy_chart("clean", tmp_path)
    (chart / "templates" / "broken.yaml").write_text(
        """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: broken
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: nowhere
                port:
                  number: 80
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: {{ include "payments.fullname" . }}
                port:
                  name: grpc
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: broken
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ghost}
  minReplicas: 5
  maxReplicas: 2
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: broken
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: ghost}
---
apiVersion: v1
kind: Service
metadata:
  name: broken
spec:
  selector:
    app.kubernetes.io/name: payments
  ports:
    - port: 9090
      targetPort: metrics
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "payments.fullname" . }}
"""
    )
    report = validate.run_dry_run_validation(str(chart), [])
    messages: dict[str, list[str]] = {}
    for f in report.findings:
        messages.setdefault(f.rule, []).append(f.message)
    assert any('"nowhere" is not rendered' in m for m in messages["HB-DRY-INGRESS-BACKEND"])
    assert any('no port named "grpc"' in m for m in messages["HB-DRY-INGRESS-BACKEND"])
    assert "HB-DRY-HPA-TARGET" in messages and "HB-DRY-HPA-RANGE" in messages
    assert "HB-DRY-PDB-TARGET" in messages
    assert any('"metrics"' in m for m in messages["HB-DRY-TARGETPORT"])
    assert any("ConfigMap/payments is rendered twice" in m for m in messages["HB-DRY-DUPLICATE"])
    assert not report.passed


def test_invalid_fullname_override_is_found_and_fixed_in_its_environment(tmp_path: Path) -> None:
    chart = copy_chart("clean", tmp_path)
    edit_yaml(chart / "values-dev.yaml", fullnameOverride="Payments_API")
    report = validate.run_dry_run_validation(str(chart))
    bad = [f for f in report.findings if f.rule == "HB-DRY-NAME"]
    assert bad and all(f.values_file == "values-dev.yaml" for f in bad)
    assert any('Service name "Payments_API"' in f.message for f in bad)
    plan = validate.suggest_fixes(validate.failing(report.findings))
    assert [(c.path, c.value, c.environment) for c in plan.changes] == [
        ("fullnameOverride", "payments-api", "dev"),
    ]


def test_values_schema_is_checked_for_each_values_file(tmp_path: Path) -> None:
    chart = copy_chart("clean", tmp_path)
    (chart / "values.schema.json").write_text(
        '{"type": "object", "properties": {"replicaCount": {"type": "integer", "minimum": 1}}}'
    )
    edit_yaml(chart / "values-staging.yaml", replicaCount=0)
    report = validate.run_dry_run_validation(str(chart))
    schema = [f for f in report.findings if f.rule == "HB-DRY-VALUES-SCHEMA"]
    assert [(f.file, f.values_file) for f in schema] == [
        ("values-staging.yaml", "values-staging.yaml"),
    ]
    assert "minimum" in schema[0].message and not report.passed
    assert not any(f.rule == "HB-HELM-VALUES" for f in report.findings)  # said once


def test_lint_reports_strict_warnings_as_failures(tmp_path: Path) -> None:
    chart = copy_chart("clean", tmp_path)
    (chart / "templates" / "old.yaml").write_text(
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: old\n"
        "spec:\n  minAvailable: 1\n"
    )
    report = validate.run_helm_lint(str(chart), [], ("1.29", "1.34"))
    warning = next(f for f in report.findings if f.rule == "HB-LINT-WARNING")
    assert warning.severity == "MEDIUM" and warning.file == "templates/old.yaml"
    assert "PodDisruptionBudget is deprecated" in warning.message
    assert not report.passed


def test_scaffold_best_practices_and_their_values_fixes(scaffold: Path) -> None:
    report = validate.check_best_practices(str(scaffold))
    assert report.passed  # advice only: LOW and INFO
    resources = [f for f in report.findings if f.rule == "HB-BP-RESOURCES"]
    deployment = next(f for f in resources if f.resource == "Deployment/demo")
    assert deployment.auto_fixable and deployment.file == "templates/deployment.yaml"
    test_pod = next(f for f in resources if f.resource == "Pod/demo-test-connection")
    assert not test_pod.auto_fixable  # its resources do not come from .Values.resources
    assert any(f.rule == "HB-BP-IMAGE-TAG" and "busybox" in f.message for f in report.findings)
    plan = validate.suggest_fixes(report.findings)
    change = next(c for c in plan.changes if c.path == "resources")
    assert change.environment == ""
    assert change.value == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"memory": "128Mi"},
    }
    assert test_pod in plan.unfixable


def test_partial_resources_are_completed_without_lowering_them(scaffold: Path) -> None:
    edit_yaml(scaffold / "values-prod.yaml", resources={"limits": {"cpu": "2", "memory": "1Gi"}})
    report = validate.check_best_practices(str(scaffold))
    prod = next(
        f
        for f in report.findings
        if f.rule == "HB-BP-RESOURCES" and f.values_file == "values-prod.yaml"
    )
    change = validate.suggest_fixes([prod]).changes[0]
    assert change.environment == "prod"
    assert change.value == {
        "limits": {"cpu": "2", "memory": "1Gi"},
        "requests": {"cpu": "2", "memory": "1Gi"},
    }


def test_disruption_budget_that_blocks_drains_is_fixed(tmp_path: Path) -> None:
    chart = copy_chart("clean", tmp_path)
    edit_yaml(chart / "values-staging.yaml", podDisruptionBudget={"minAvailable": 2})
    report = validate.check_best_practices(str(chart))
    blocking = next(f for f in report.findings if f.rule == "HB-BP-PDB-BLOCKS")
    assert blocking.severity == "MEDIUM" and blocking.values_file == "values-staging.yaml"
    assert not report.passed
    plan = validate.suggest_fixes(validate.failing(report.findings))
    assert {(c.path, c.value, c.environment) for c in plan.changes} == {
        ("podDisruptionBudget.minAvailable", 1, "staging"),
        ("podDisruptionBudget.maxUnavailable", None, "staging"),
    }


def test_replicas_without_pdb_and_hpa_with_fixed_replicas(tmp_path: Path) -> None:
    chart = copy_chart("clean", tmp_path)
    edit_yaml(chart / "values-staging.yaml", podDisruptionBudget={"enabled": False})
    template = chart / "templates" / "deployment.yaml"
    template.write_text(
        template.read_text().replace("{{- if not .Values.autoscaling.enabled }}", "{{- if true }}")
    )
    report = validate.check_best_practices(str(chart))
    pdb = next(f for f in report.findings if f.rule == "HB-BP-PDB")
    assert pdb.values_file == "values-staging.yaml"
    assert validate.decode_fix(pdb.fix) == {"podDisruptionBudget.enabled": True}
    hpa = next(f for f in report.findings if f.rule == "HB-BP-HPA-REPLICAS")
    assert hpa.values_file == "values-prod.yaml" and hpa.severity == "LOW"


def test_suggest_fixes_keeps_unfixable_findings_and_first_proposal() -> None:
    fixable = Finding(
        source="x",
        rule="A",
        severity="HIGH",
        message="a",
        values_file="values-prod.yaml",
        fix=validate.encode_fix({"replicaCount": 3}),
    )
    later = fixable.model_copy(update={"fix": validate.encode_fix({"replicaCount": 5})})
    broken = Finding(source="x", rule="B", severity="HIGH", message="b")
    plan = validate.suggest_fixes([fixable, later, broken])
    assert [(c.path, c.value, c.environment) for c in plan.changes] == [("replicaCount", 3, "prod")]
    assert plan.unfixable == [broken]


def test_latest_image_is_advice_for_the_validator() -> None:
    report = validate.check_best_practices(str(CHARTS / "latest-image"), [])
    tag = next(f for f in report.findings if f.rule == "HB-BP-IMAGE-TAG")
    assert tag.severity == "LOW" and "latest" in tag.message
    assert tag.line == 25


def test_package_chart(tmp_path: Path) -> None:
    archive = validate.package_chart(str(CHARTS / "clean"), str(tmp_path))
    assert Path(archive).is_file()
    with tarfile.open(archive) as tar:
        assert "payments/values-prod.yaml" in tar.getnames()
