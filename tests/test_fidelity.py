"""The fidelity corpus end to end: each request's stated facts, found in its rendered chart.

Requests in ``tests/fixtures/fidelity`` were written from public material (projects' compose
files, images' docs, real issues) that helm-bot was not built against. Each goes through the
whole graph; the chart is rendered with its default values and with every values file, and each
fact of ``<name>.facts.yaml`` is looked for in the rendered objects (``tests/fidelity.py``).

A request must give a chart (or wait for a human only for what its facts say: a pasted secret,
an unrequested exposure); the facts are scored over the whole corpus, and the score must reach
the floor. Each miss is printed with what was expected and what the chart holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.graph.build import build_graph
from bot.graph.state import Decision
from bot.jobs.runner import Graph, RunOutcome, resume, start
from bot.store import open_checkpointer
from tests import fidelity

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).parent / "fixtures" / "fidelity"
REQUESTS = sorted(
    p
    for p in CORPUS.iterdir()
    if p.suffix in (".md", ".txt", ".yaml")
    and not p.name.endswith(".facts.yaml")
    and p.name != "README.md"
)
# The target is 95% of stated facts on requests helm-bot has never seen. This floor is
# what the corpus measures today: a change that loses facts fails here, and it rises with them.
FLOOR = 0.95
SCORES: dict[str, tuple[int, int, list[str]]] = {}


def facts_of(request: Path) -> dict[str, Any]:
    return yaml.safe_load((CORPUS / f"{request.stem}.facts.yaml").read_text()) or {}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Graph, Path]]:
    root = tmp_path_factory.mktemp("fidelity")
    with open_checkpointer(f"sqlite:///{root / 'state.sqlite'}") as saver:
        yield build_graph(saver), root


def run(graph: Graph, root: Path, request: Path) -> tuple[RunOutcome, list[str]]:
    """Generate the chart; approve what waits, recording why it waited."""
    allowed = list(facts_of(request).get("allow") or [])
    outcome = start(
        graph,
        request.stem,
        request.read_text(encoding="utf-8"),
        {"out_dir": str(root / request.stem), "allowed_exceptions": allowed},
    )
    waited: list[str] = []
    for _ in range(4):
        if outcome.status != "waiting":
            break
        review = outcome.state.get("review") or {}
        waited.append(json.dumps(review)[:2000])
        outcome = resume(graph, request.stem, Decision(action="approve", by="test"))
    return outcome, waited


@pytest.mark.parametrize("request_file", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_fidelity_request(request_file: Path, workspace: tuple[Graph, Path]) -> None:
    graph, root = workspace
    facts = facts_of(request_file)
    outcome, waited = run(graph, root, request_file)
    assert outcome.status == "done", (outcome.status, outcome.state.get("history"), waited)
    if facts.get("outcome") == "waiting":
        why = facts.get("waiting_for", "")
        assert waited and any(why in w for w in waited), waited
    for secret in facts.get("never_contains") or []:
        assert secret not in json.dumps(outcome.state)
        for path in (root / request_file.stem).rglob("*"):
            if path.is_file() and path.suffix != ".tgz":
                assert secret not in path.read_text(encoding="utf-8"), path
    assert outcome.state["result"]["passed"] is True
    chart = Path(outcome.state["result"]["chart"])
    held, misses = fidelity.score(facts, chart)
    found, total = sum(held.values()), len(held)
    SCORES[request_file.stem] = (found, total, misses)
    print(f"\n{request_file.stem}: {found}/{total} facts")
    for miss in misses:
        print(f"  miss {miss}")


def test_fidelity_score() -> None:
    """The share of stated facts found in the rendered charts, over the whole corpus."""
    if not SCORES:
        pytest.skip("no fidelity request ran")
    found = sum(f for f, _, _ in SCORES.values())
    total = sum(t for _, t, _ in SCORES.values())
    print(f"\nfidelity: {found}/{total} facts = {found / total:.1%} over {len(SCORES)} requests")
    for name, (f, t, _misses) in sorted(SCORES.items()):
        print(f"  {name}: {f}/{t}")
    assert found / total >= FLOOR
