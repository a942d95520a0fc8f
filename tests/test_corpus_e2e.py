"""End to end over the request corpus: every chart passes gates we run ourselves, and says what
the request said.

Each request goes through the whole graph (every human question approved, as ``--yes`` would).
The checks below do not trust the graph's own report: they lint, render, schema-check and
Trivy-scan the written chart independently, then look for the request's facts in the rendered
objects, and for its secret values anywhere helm-bot wrote something.
"""

from __future__ import annotations

import glob
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python
import kubernetes_validate
import pytest
import yaml

from bot.graph.build import build_graph
from bot.graph.state import Decision
from bot.jobs.runner import Graph, RunOutcome, resume, start
from bot.store import open_checkpointer
from bot.tools.security import find_trivy
from tests import fidelity

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).parent / "fixtures" / "requests"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text())
KUBE_VERSIONS = ("1.29", "1.34")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Graph, Path]]:
    root = tmp_path_factory.mktemp("corpus")
    with open_checkpointer(f"sqlite:///{root / 'state.sqlite'}") as saver:
        yield build_graph(saver), root


def generate(graph: Graph, root: Path, name: str) -> RunOutcome:
    request = (CORPUS / name).read_text(encoding="utf-8")
    outcome = start(graph, name, request, {"out_dir": str(root / "out" / name)})
    for _ in range(3):
        if outcome.status != "waiting":
            break
        outcome = resume(graph, name, Decision(action="approve", by="test"))
    return outcome


def rendered_objects(chart: Path, values_file: Path | None) -> list[dict[str, Any]]:
    return fidelity.render(chart, values_file)


def trivy_failures(chart: Path, tmp: Path) -> list[dict[str, Any]]:
    binary, why = find_trivy()
    assert binary, why
    proc = subprocess.run(
        [
            binary,
            "config",
            "--skip-check-update",
            "--cache-dir",
            str(tmp / "trivy-cache"),
            "-q",
            "-f",
            "json",
            str(chart),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    report = json.loads(proc.stdout)
    return [
        {"id": m["ID"], "severity": m["Severity"], "target": r["Target"]}
        for r in report.get("Results") or []
        for m in r.get("Misconfigurations") or []
        if m.get("Status") == "FAIL"
    ]


def _workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kinds = {"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"}
    return [
        o
        for o in objects
        if o["kind"] in kinds
        and o["metadata"].get("labels", {}).get("app.kubernetes.io/component") != "datastore"
    ]


def _pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]  # type: ignore[no-any-return]


def check_facts(facts: dict[str, Any], chart: Path, objects: list[dict[str, Any]]) -> None:
    app = _workloads(objects)
    # The main workload carries the release's full name; further components add a suffix.
    main = [o for o in app if o["metadata"]["name"] == chart.name]
    assert len(main) == 1, [o["metadata"]["name"] for o in app]
    workload = main[0]
    pod = _pod_spec(workload)
    main = pod["containers"][0]
    if "workload" in facts:
        assert workload["kind"] == facts["workload"]
    if "image" in facts:
        assert main["image"] == facts["image"] or main["image"] == "docker.io/" + facts["image"]
    if facts.get("ports"):  # [] = none stated: helm-bot's default port is used
        assert sorted(p["containerPort"] for p in main.get("ports", [])) == sorted(facts["ports"])
    if "replicas" in facts and workload["kind"] in ("Deployment", "StatefulSet"):
        stated = facts["replicas"]
        hpa = [o for o in objects if o["kind"] == "HorizontalPodAutoscaler"]
        if hpa:
            assert (hpa[0]["spec"]["minReplicas"], hpa[0]["spec"]["maxReplicas"]) == (
                stated["min"],
                stated["max"],
            )
        else:
            assert stated["min"] <= workload["spec"]["replicas"] <= stated["max"]
    ingresses = [o for o in objects if o["kind"] == "Ingress"]
    if facts.get("hosts"):
        hosts = {r["host"] for i in ingresses for r in i["spec"]["rules"]}
        assert hosts == set(facts["hosts"])
        if facts.get("tls"):
            assert all(i["spec"].get("tls") for i in ingresses)
    if facts.get("issuer"):
        assert (
            ingresses[0]["metadata"]["annotations"]["cert-manager.io/cluster-issuer"]
            == facts["issuer"]
        )
    if "needs_service_account_token" in facts:
        # The app calls the API: the gate must not "fix" its token away.
        assert pod["automountServiceAccountToken"] is facts["needs_service_account_token"]
    if "schedule" in facts:
        assert workload["spec"]["schedule"] == facts["schedule"]
    for path, size in (facts.get("volumes") or {}).items():
        mounts = {m["mountPath"] for m in main.get("volumeMounts", [])}
        assert path in mounts, (path, mounts)
        if size:
            claims = [o for o in objects if o["kind"] == "PersistentVolumeClaim"] + [
                t for o in app for t in o["spec"].get("volumeClaimTemplates", [])
            ]
            assert size in {c["spec"]["resources"]["requests"]["storage"] for c in claims}
    env = {e["name"]: e for e in main.get("env", [])}
    for name, value in (facts.get("env") or {}).items():
        assert env[name].get("value") == str(value)
    for name in facts.get("secrets") or []:
        assert "secretKeyRef" in env[name]["valueFrom"]
    chart_yaml = yaml.safe_load((chart / "Chart.yaml").read_text())
    declared = {d["name"] for d in chart_yaml.get("dependencies") or []}
    if "dependencies" in facts:
        assert declared == set(facts["dependencies"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_request(name: str, workspace: tuple[Graph, Path], tmp_path: Path) -> None:
    graph, root = workspace
    facts = EXPECTED[name]
    outcome = generate(graph, root, name)
    expected = {"chart": "done", "clarify": "clarify", "refuse": "refused"}[facts["outcome"]]
    assert outcome.status == expected, outcome.state.get("history")
    written = [Path(p) for p in glob.glob(str(root / "out" / name / "**"), recursive=True)]
    for secret in facts.get("never_contains") or []:
        for path in written:
            if path.is_file() and path.suffix != ".tgz":
                assert secret not in path.read_text(encoding="utf-8"), path
        assert secret not in json.dumps(outcome.state)
        assert secret.encode() not in (root / "state.sqlite").read_bytes()
    if expected != "done":
        assert not written or not any(p.name == "Chart.yaml" for p in written)
        return

    result = outcome.state["result"]
    assert result["passed"] is True
    chart = Path(result["chart"])
    lint = helm_python.lint(chart, strict=True)
    assert [m for m in lint["messages"] if m["severity"] >= 2] == [] and not lint["errors"]

    values_files = [None, *sorted(chart.glob("values-*.yaml"))]
    for values_file in values_files:
        objects = rendered_objects(chart, values_file)
        for obj in objects:
            for version in KUBE_VERSIONS:
                kubernetes_validate.validate(obj, version, strict=True)
    default_objects = rendered_objects(chart, None)
    check_facts(facts, chart, default_objects)

    privileged_port = any(p < 1024 for p in facts.get("ports") or [])
    failures = [
        f for f in trivy_failures(chart, tmp_path) if not (f["id"] == "KSV117" and privileged_port)
    ]
    assert failures == []
