"""A credential pasted into a request, in any phrasing, ends as a Secret reference.

Each request below carries one real-looking value in a different phrasing. The run must stop for
a human whose question says to rotate it; once approved, the chart's app reads an env var of the
expected name from an existing Secret, and the value is nowhere: not in the thread's state, not
in any file written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

from bot.graph.build import build_graph
from bot.graph.state import Decision
from bot.jobs.runner import Graph, resume, start
from bot.store import open_checkpointer

BASE = "payments-api, Go, image ghcr.io/acme/payments:1.4.2, port 3000.\n"
PHRASINGS = [
    ("database password for now: DB_PASSWORD=Xk9-plmq2", "Xk9-plmq2", "DB_PASSWORD"),
    ("the admin password should be Sup3rS3cret!", "Sup3rS3cret!", "ADMIN_PASSWORD"),
    ("use hunter22x as the db password", "hunter22x", "DB_PASSWORD"),
    ("creds are admin / Pa55word99", "Pa55word99", "PASSWORD"),
    ("pw for smtp is mailpass123", "mailpass123", "SMTP_PASSWORD"),
    ("connect with postgres://svc:Q2w3e4r5@db.internal:5432/app", "Q2w3e4r5", "DATABASE_URL"),
    ("set SECRET_KEY to 'f8a9c0d1e2b3a4f5'", "f8a9c0d1e2b3a4f5", "SECRET_KEY"),
    ('export REDIS_PASSWORD="r3disPw7"', "r3disPw7", "REDIS_PASSWORD"),
    (
        "OpenAI key: sk-proj-abcdefghijklmnop1234567890",
        "abcdefghijklmnop1234567890",
        "OPENAI_API_KEY",
    ),
    (
        "alerts go to our slack webhook https://hooks.slack.com/services/T0001/B0001/XyZ123abc",
        "XyZ123abc",
        "SLACK_WEBHOOK_URL",
    ),
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Graph, Path]]:
    root = tmp_path_factory.mktemp("pasted")
    with open_checkpointer(f"sqlite:///{root / 'state.sqlite'}") as saver:
        yield build_graph(saver), root


def app_env(chart: Path) -> dict[str, Any]:
    rendered = helm_python.Chart.load(chart).render({}, name="payments-api", namespace="apps")
    for path, text in rendered.items():
        for doc in yaml.safe_load_all(text) if path.endswith(".yaml") else ():
            if doc and doc.get("kind") == "Deployment":
                container = doc["spec"]["template"]["spec"]["containers"][0]
                return {e["name"]: e.get("valueFrom") or e.get("value") for e in container["env"]}
    raise AssertionError("no Deployment rendered")


@pytest.mark.parametrize(("phrase", "value", "env"), PHRASINGS, ids=[p[2] for p in PHRASINGS])
def test_a_pasted_value_becomes_a_secret_reference_and_asks_for_rotation(
    graph: tuple[Graph, Path], phrase: str, value: str, env: str
) -> None:
    g, root = graph
    thread = f"pasted-{env.lower()}-{abs(hash(phrase)) % 10_000}"
    outcome = start(g, thread, BASE + phrase, {"out_dir": str(root / thread)})
    assert outcome.status == "waiting", outcome.state.get("history")
    question = json.dumps(outcome.review or outcome.state.get("review"))
    assert "rotate" in question.lower(), question
    outcome = resume(g, thread, Decision(action="approve", by="test"))
    assert outcome.status == "done" and outcome.state["result"]["passed"] is True

    assert value not in json.dumps(outcome.state, default=str)
    for path in (root / thread).rglob("*"):
        if path.is_file() and path.suffix != ".tgz":
            assert value not in path.read_text(encoding="utf-8"), path
    env_vars = app_env(Path(outcome.state["result"]["chart"]))
    named = [name for name in env_vars if name == env or name.endswith(f"_{env}")]
    assert named, sorted(env_vars)
    assert "secretKeyRef" in env_vars[named[0]], env_vars[named[0]]
