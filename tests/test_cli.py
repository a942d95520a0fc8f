"""The command-line contract, run as a user runs it: separate processes, real exit codes.

A paused thread is resumed by a second process, which shares only the SQLite checkpoint file
with the first. The request that pauses is one the coordinator sends to a human for review
(a pasted password, which must be rotated).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.scripted_model import ScriptedModel, serve_http, text

REQUEST = (
    "Go API ledger, image ghcr.io/acme/ledger:3.1.0, port 8080, 2 replicas, secret LEDGER_TOKEN"
)


def helm_bot(
    *args: str,
    home: Path,
    cwd: Path,
    stdin: str | None = None,
    trivy: bool = False,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HELM_BOT_HOME": str(home), **(extra_env or {})}
    env.pop("DATABASE_URL", None)
    if not trivy:
        env["TRIVY"] = str(home / "no-trivy")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        input=stdin,
        timeout=300,
    )


def as_json(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.stdout.count("\n{") == 0 or proc.stdout.lstrip().startswith("{")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_generate_json_contract(tmp_path: Path) -> None:
    proc = helm_bot(
        "generate", REQUEST, "--out", "out", "--json", home=tmp_path / "h", cwd=tmp_path, trivy=True
    )
    assert proc.returncode == 0, proc.stderr
    payload = as_json(proc)
    for key in (
        "chart",
        "package",
        "passed",
        "thread_id",
        "validation",
        "security",
        "cost",
        "llm",
        "timings",
    ):
        assert key in payload
    assert payload["passed"] is True
    assert Path(payload["chart"], "Chart.yaml").is_file() and Path(payload["package"]).is_file()
    assert payload["security"]["by_severity"]["CRITICAL"] == 0
    assert payload["security"]["checks"]["trivy"] == "passed"
    assert payload["llm"]["calls"] == 0
    assert set(payload["timings"]) >= {
        "coordinator",
        "planner",
        "template",
        "validator",
        "security",
        "optimizer",
        "finalize",
    }
    # Progress per agent goes to stderr, never into the JSON on stdout.
    assert "✓ validator" in proc.stderr
    report = Path(payload["report"]).read_text()
    assert "## Cost estimate" in report and "## Security: passed" in report


def test_request_file_from_stdin_and_human_summary(tmp_path: Path) -> None:
    proc = helm_bot(
        "generate",
        "--request-file",
        "-",
        "--out",
        "out",
        home=tmp_path / "h",
        cwd=tmp_path,
        stdin=REQUEST,
    )
    assert proc.returncode == 0, proc.stderr
    assert "passed every gate" in proc.stdout
    assert (tmp_path / "out" / "ledger" / "values.schema.json").is_file()


@pytest.mark.parametrize("request_text", ["asdf qwerty zxcv", "make it good"])
def test_nonsense_exits_2_with_questions(tmp_path: Path, request_text: str) -> None:
    proc = helm_bot(
        "generate", request_text, "--out", "out", "--json", home=tmp_path / "h", cwd=tmp_path
    )
    assert proc.returncode == 2
    payload = as_json(proc)
    assert payload["status"] == "clarify" and payload["clarifications"]
    assert not (tmp_path / "out").exists()


def test_empty_request_exits_2(tmp_path: Path) -> None:
    proc = helm_bot("generate", "   ", home=tmp_path / "h", cwd=tmp_path)
    assert proc.returncode == 2 and "no request given" in proc.stderr


def test_refused_request_exits_2_with_the_reason(tmp_path: Path) -> None:
    proc = helm_bot(
        "generate",
        "node agent netwatch, image ghcr.io/acme/netwatch:2.0.1, privileged, hostNetwork",
        "--out",
        "out",
        home=tmp_path / "h",
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "refused" in proc.stdout and "privileged" in proc.stdout


def test_a_decision_for_a_finished_thread_exits_2(tmp_path: Path) -> None:
    first = helm_bot(
        "generate", REQUEST, "--out", "out", "--json", home=tmp_path / "h", cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    thread = as_json(first)["thread_id"]

    # A finished thread is not waiting: a decision for it is refused with exit 2.
    again = helm_bot("resume", thread, "--approve", home=tmp_path / "h", cwd=tmp_path)
    assert again.returncode == 2 and "not waiting" in again.stderr


def test_waiting_thread_exits_3_and_resumes_from_another_process(tmp_path: Path) -> None:
    request = (
        "ledger, image ghcr.io/acme/ledger:3.1.0, port 8080. "
        "database password for now: DB_PASSWORD=Xk9-plmq2"
    )
    first = helm_bot(
        "generate", request, "--out", "out", "--json", home=tmp_path / "h", cwd=tmp_path
    )
    if first.returncode != 3:
        pytest.fail(f"expected a pending review, got {first.returncode}: {first.stdout[-2000:]}")
    payload = as_json(first)
    assert payload["status"] == "waiting"
    assert payload["review"]["kind"] == "request_review"
    assert "rotate" in json.dumps(payload["review"]) and "Xk9-plmq2" not in first.stdout
    assert payload["thread_id"] in payload["resume"]

    second = helm_bot(
        "resume", payload["thread_id"], "--approve", "--json", home=tmp_path / "h", cwd=tmp_path
    )
    assert second.returncode == 0, second.stderr
    done = as_json(second)
    assert done["status"] == "done" and done["passed"] is True
    assert Path(done["chart"], "Chart.yaml").is_file()


def test_without_a_model_it_says_so_once_and_runs_deterministically(tmp_path: Path) -> None:
    proc = helm_bot("generate", REQUEST, "--out", "o", "--json", home=tmp_path / "h", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("no model configured") == 1
    assert as_json(proc)["llm"]["policy"] == "deterministic"
    refused = helm_bot("generate", REQUEST, "--llm", "--json", home=tmp_path / "h", cwd=tmp_path)
    assert refused.returncode == 2
    assert "--llm needs OPENAI_API_KEY or OPENAI_BASE_URL" in as_json(refused)["error"]


def test_a_model_endpoint_drives_the_agents_and_is_accounted(tmp_path: Path) -> None:
    model = ScriptedModel(fallback=text("DONE"))
    with serve_http(model) as base_url:
        env = {"OPENAI_BASE_URL": base_url, "HELM_BOT_MODEL": "local-model"}
        proc = helm_bot(
            "generate",
            REQUEST,
            "--out",
            "o",
            "--json",
            home=tmp_path / "h",
            cwd=tmp_path,
            extra_env=env,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.count("LLM policy: model local-model at " + base_url) == 1
        llm = as_json(proc)["llm"]
        assert llm["policy"] == "llm" and llm["calls"] == model.count() >= 4
        assert llm["agents"]["coordinator"]["model"] == "local-model"
        assert {body["model"] for _, body in model.requests} == {"local-model"}
        report = (tmp_path / "o" / "ledger.report.md").read_text()
        assert "## Model" in report and "coordinator" in report

        sent = model.count()
        off = helm_bot(
            "generate",
            REQUEST,
            "--out",
            "o2",
            "--json",
            "--no-llm",
            home=tmp_path / "h",
            cwd=tmp_path,
            extra_env=env,
        )
        assert off.returncode == 0 and as_json(off)["llm"]["policy"] == "deterministic"
        assert model.count() == sent
