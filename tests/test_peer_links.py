"""A variable that names another workload of the chart renders as that workload's Service.

The request says which part a variable points at ("`SEARCH_ADDR` must point at the chart's own
searcher (port 7700)"); the rendered env must hold the name the chart really gives that
part's Service, whatever the release is called, so the pods find each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.graph.build import build_graph
from bot.jobs.runner import Graph, start
from bot.store import open_checkpointer
from tests import fidelity

REQUEST = """Two workloads for our docs portal:
- `portal`: image `ghcr.io/acme/portal:3.2.0`, port 8080
- `searcher`: image `ghcr.io/acme/searcher:1.9.0`, port 7700, a StatefulSet, 5Gi at `/index`

On the portal, `PORTAL_SEARCH_ADDR` must point at the chart's own searcher (port 7700), and
`PORTAL_SEARCH_URL` should point to the searcher as well.
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("peers")
    with open_checkpointer(f"sqlite:///{root / 'state.sqlite'}") as saver:
        graph: Graph = build_graph(saver)
        outcome = start(graph, "peers", REQUEST, {"out_dir": str(root / "out")})
        assert outcome.status == "done", (outcome.review, outcome.state.get("history"))
        yield fidelity.render(Path(outcome.state["result"]["chart"]), None)


def test_the_variable_names_the_service_of_the_part_it_points_at(
    rendered: list[dict[str, Any]],
) -> None:
    services = {
        d["metadata"]["labels"].get("app.kubernetes.io/component"): d["metadata"]["name"]
        for d in rendered
        if d["kind"] == "Service" and not d["metadata"]["name"].endswith("-headless")
    }
    portal = next(
        d
        for d in rendered
        if d["kind"] == "Deployment"
        and d["metadata"]["labels"].get("app.kubernetes.io/component") == "portal"
    )
    env = {
        e["name"]: e.get("value")
        for e in portal["spec"]["template"]["spec"]["containers"][0].get("env") or []
    }
    assert env["PORTAL_SEARCH_ADDR"] == f"{services['searcher']}:7700"
    assert env["PORTAL_SEARCH_URL"] == f"http://{services['searcher']}:7700"
