"""Every routing edge and loop of the graph, each forced by a policy that misbehaves on cue.

The policies below are the real deterministic policy with one agent's result bent for a number
of calls; everything else (parsing, templates, Helm, schemas, Pod Security checks) is real.
Trivy is switched off here to keep the suite fast; the end-to-end tests run it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.graph.build import build_graph
from bot.graph.state import BUDGETS, Decision
from bot.jobs.runner import Graph, NotWaiting, RunOutcome, resume, start
from bot.policy.base import Optimized, ToolBox, Understanding
from bot.policy.deterministic import DeterministicPolicy
from bot.store import open_checkpointer
from bot.tools import values
from bot.tools.models import (
    ChartDraft,
    Finding,
    FixPlan,
    Optimization,
    OptimizationReport,
    Plan,
    Requirements,
    SecurityReport,
    ValidationReport,
    ValueChange,
)

REQUEST = (
    "Node.js express API payments-api, image ghcr.io/acme/payments:1.4.2, port 3000, "
    "2-10 replicas, ingress payments.example.com with TLS"
)
FORCED = Finding(
    source="test",
    rule="T-1",
    severity="HIGH",
    message="forced failure",
    file="templates/deployment.yaml",
    line=3,
)


@pytest.fixture(autouse=True)
def no_trivy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRIVY", str(tmp_path / "no-trivy-here"))


Runner = Callable[..., tuple[Graph, RunOutcome]]


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Runner]:
    """Start a thread with the given policy; the graph stays usable for resumes in the test."""
    with open_checkpointer(f"sqlite:///{tmp_path / 'state.sqlite'}") as saver:

        def _run(policy: Any, request: str = REQUEST) -> tuple[Graph, RunOutcome]:
            graph = build_graph(saver, policy)
            settings = {"out_dir": str(tmp_path / "out"), "kube_versions": ["1.29", "1.34"]}
            return graph, start(graph, "thread-1", request, settings)  # type: ignore[arg-type]

        yield _run


def hops(outcome: RunOutcome) -> list[tuple[str, str]]:
    return [(h["agent"], h["goto"]) for h in outcome.state["history"]]


class Bent(DeterministicPolicy):
    """The deterministic policy, with per-agent overrides for the first ``times`` calls."""

    def __init__(self, times: int = 1) -> None:
        self.times = times
        self.calls: dict[str, int] = {}

    def bend(self, agent: str) -> bool:
        self.calls[agent] = self.calls.get(agent, 0) + 1
        return self.calls[agent] <= self.times


def test_happy_path_runs_every_agent_and_finishes(run: Runner, tmp_path: Path) -> None:
    _, outcome = run(DeterministicPolicy())
    assert outcome.status == "done", hops(outcome)
    agents = [a for a, _ in hops(outcome)]
    assert agents[:6] == [
        "coordinator",
        "planner",
        "template",
        "validator",
        "security",
        "optimizer",
    ]
    assert agents[-1] == "finalize"
    result = outcome.state["result"]
    assert result["passed"] is True
    assert Path(result["chart"], "Chart.yaml").is_file()
    assert Path(result["package"]).is_file()
    assert set(outcome.state["timings"]) >= {"coordinator", "validator", "finalize"}


def test_nonsense_ends_at_the_coordinator_with_questions(run: Runner) -> None:
    _, outcome = run(DeterministicPolicy(), "asdf qwerty zxcv")
    assert outcome.status == "clarify"
    assert hops(outcome) == [("coordinator", "__end__")]
    assert outcome.state["requirements_check"]["clarifications_needed"]


class FixableOnce(Bent):
    def validate(self, box: ToolBox, *args: Any) -> tuple[ValidationReport, FixPlan]:
        if self.bend("validate"):
            change = ValueChange(path="podLabels.fixed", value="yes")
            return ValidationReport(passed=False, findings=[FORCED]), FixPlan(changes=[change])
        return super().validate(box, *args)


def test_validator_applies_its_own_fixes_and_validates_again(run: Runner) -> None:
    _, outcome = run(FixableOnce())
    assert ("validator", "validator") in hops(outcome)
    assert outcome.status == "done"
    draft = ChartDraft.model_validate(outcome.state["draft"])
    assert draft.values["podLabels"] == {"fixed": "yes"}
    assert yaml.safe_load(draft.files["values.yaml"])["podLabels"] == {"fixed": "yes"}


class UnfixableOnce(Bent):
    def validate(self, box: ToolBox, *args: Any) -> tuple[ValidationReport, FixPlan]:
        if self.bend("validate"):
            return ValidationReport(passed=False, findings=[FORCED]), FixPlan(unfixable=[FORCED])
        return super().validate(box, *args)


def test_validator_sends_what_it_cannot_fix_back_to_the_template(run: Runner) -> None:
    _, outcome = run(UnfixableOnce())
    route = hops(outcome)
    assert ("validator", "template") in route
    assert route.count(("template", "validator")) == 2
    assert outcome.status == "done"


def test_validation_budget_ends_in_a_human_decision(run: Runner) -> None:
    graph, outcome = run(UnfixableOnce(times=100))
    assert outcome.status == "waiting"
    assert outcome.review is not None and outcome.review["kind"] == "validation_failure"
    assert {o["action"] for o in outcome.review["options"]} == {"retry", "edit", "reject"}
    assert hops(outcome).count(("validator", "template")) == BUDGETS["template"]
    assert outcome.review["files"][0] == {"file": "templates/deployment.yaml", "line": 3}

    retried = resume(graph, "thread-1", Decision(action="retry"))
    assert retried.status == "waiting"  # a fresh budget, spent again on the same failure
    assert hops(retried).count(("validator", "template")) == 2 * BUDGETS["template"]

    rejected = resume(graph, "thread-1", Decision(action="reject", by="maintainer"))
    assert rejected.status == "rejected"
    assert rejected.state["decisions"][-1]["by"] == "maintainer"
    assert "result" not in rejected.state


class CriticalOnce(Bent):
    def secure(self, box: ToolBox, *args: Any) -> tuple[SecurityReport, FixPlan]:
        if self.bend("secure"):
            critical = FORCED.model_copy(update={"severity": "CRITICAL"})
            change = ValueChange(path="podLabels.hardened", value="yes")
            return SecurityReport(passed=False, findings=[critical]), FixPlan(changes=[change])
        return super().secure(box, *args)


def test_security_sends_critical_findings_back_to_the_template(run: Runner) -> None:
    _, outcome = run(CriticalOnce())
    route = hops(outcome)
    assert ("security", "template") in route
    assert outcome.status == "done"
    # The template replays the security fix when it re-renders the chart.
    assert ChartDraft.model_validate(outcome.state["draft"]).values["podLabels"] == {
        "hardened": "yes"
    }


class AlwaysCritical(Bent):
    def secure(self, box: ToolBox, *args: Any) -> tuple[SecurityReport, FixPlan]:
        report, _ = super().secure(box, *args)
        report.findings.append(FORCED.model_copy(update={"severity": "CRITICAL"}))
        report.passed = False
        return report, FixPlan(unfixable=[FORCED])


def test_unfixable_security_finding_waits_for_a_human_who_may_accept_it(run: Runner) -> None:
    graph, outcome = run(AlwaysCritical())
    assert outcome.status == "waiting" and outcome.review is not None
    assert outcome.review["kind"] == "security_issue"
    assert ("security", "human_review") in hops(outcome)

    done = resume(graph, "thread-1", Decision(action="approve", by="alice"))
    assert done.status == "done"
    assert done.state["result"]["passed"] is True
    accepted = [f for f in done.state["security"]["findings"] if f["rule"] == "T-1"]
    assert accepted and all(f["accepted"] for f in accepted)


def test_refused_powers_end_the_thread_with_an_explanation(run: Runner) -> None:
    _, outcome = run(
        DeterministicPolicy(),
        "node agent netwatch, image ghcr.io/acme/netwatch:2.0.1, runs privileged with "
        "hostNetwork on every node",
    )
    assert outcome.status == "refused", hops(outcome)
    assert hops(outcome)[-1] == ("security", "__end__")
    assert outcome.state["security"]["refused"]


def _with_major(
    policy: DeterministicPolicy, box: ToolBox, draft: ChartDraft, plan: Plan, change: ValueChange
) -> Optimized:
    result = DeterministicPolicy.optimize(policy, box, draft, plan)
    major = Optimization(
        id="test-major",
        category="availability",
        description="forced major change",
        impact="major",
        changes=[change],
        applied=True,
    )
    report = OptimizationReport(
        optimizations=[*result.report.optimizations, major],
        major_changes=result.report.major_changes + 1,
    )
    return Optimized(report, values.apply_value_changes(result.draft, [change]), result.cost)


class MajorOnce(Bent):
    change = ValueChange(path="podLabels.tuned", value="yes")

    def optimize(self, box: ToolBox, draft: ChartDraft, plan: Plan) -> Optimized:
        if self.bend("optimize"):
            return _with_major(self, box, draft, plan, self.change)
        return super().optimize(box, draft, plan)


def test_major_optimizations_are_revalidated(run: Runner) -> None:
    _, outcome = run(MajorOnce())
    route = hops(outcome)
    assert ("optimizer", "validator") in route
    assert route[-1] == ("finalize", "__end__")
    assert ChartDraft.model_validate(outcome.state["draft"]).values["podLabels"] == {"tuned": "yes"}


class OverridesReplicas(MajorOnce):
    change = ValueChange(path="replicaCount", value=7)


def test_optimization_overriding_stated_facts_asks_first_and_may_be_skipped(
    run: Runner,
) -> None:
    graph, outcome = run(OverridesReplicas())
    assert outcome.status == "waiting" and outcome.review is not None
    assert outcome.review["kind"] == "major_optimization"
    skipped = resume(graph, "thread-1", Decision(action="reject"))
    assert skipped.status == "done"
    assert ChartDraft.model_validate(skipped.state["draft"]).values["replicaCount"] != 7


def test_approved_optimization_is_applied_and_revalidated(run: Runner) -> None:
    graph, _ = run(OverridesReplicas())
    done = resume(graph, "thread-1", Decision(action="approve"))
    assert done.status == "done"
    assert ChartDraft.model_validate(done.state["draft"]).values["replicaCount"] == 7
    assert hops(done).count(("validator", "security")) >= 2


class NeedsReview(Bent):
    def coordinate(self, box: ToolBox, request: str, edits: list[str]) -> Understanding:
        understood = super().coordinate(box, request, edits)
        complexity = understood.complexity.model_copy(
            update={"requires_human_review": True, "review_reasons": ["forced review"]}
        )
        return Understanding(
            understood.requirements, understood.check, complexity, understood.edits
        )


def test_request_review_then_edit_reparses_and_goes_on(run: Runner) -> None:
    graph, outcome = run(NeedsReview())
    assert outcome.status == "waiting" and outcome.review is not None
    assert outcome.review["kind"] == "request_review"
    assert hops(outcome) == [("coordinator", "human_review")]

    done = resume(
        graph,
        "thread-1",
        Decision(action="edit", instructions="use port 8080\npodLabels.team=payments"),
    )
    assert done.status == "done", hops(done)
    requirements = Requirements.model_validate(done.state["requirements"])
    assert [p.port for p in requirements.ports] == [8080]
    draft = ChartDraft.model_validate(done.state["draft"])
    assert draft.values["podLabels"] == {"team": "payments"}


class ReviewedAndCritical(NeedsReview, AlwaysCritical):
    """Waits at the request review, then at the security gate: two chances to edit."""


def test_a_second_edit_keeps_the_first_and_the_report_lists_each(run: Runner) -> None:
    graph, outcome = run(ReviewedAndCritical())
    assert outcome.review and outcome.review["kind"] == "request_review"
    outcome = resume(graph, "thread-1", Decision(action="edit", instructions="use port 8080"))
    assert outcome.review and outcome.review["kind"] == "security_issue"
    second = "3 replicas, and drop the ingress\npodLabels.team=payments"
    outcome = resume(graph, "thread-1", Decision(action="edit", instructions=second))
    assert outcome.review and outcome.review["kind"] == "security_issue"
    done = resume(graph, "thread-1", Decision(action="approve"))
    assert done.status == "done", hops(done)

    requirements = Requirements.model_validate(done.state["requirements"])
    assert [p.port for p in requirements.ports] == [8080]  # the first edit still holds
    assert requirements.replicas and requirements.replicas.max == 3
    assert requirements.ingress is None
    assert requirements.image and requirements.image.tag == "1.4.2"  # untouched facts stay
    draft = ChartDraft.model_validate(done.state["draft"])
    assert draft.values["podLabels"] == {"team": "payments"}
    # The values edit is replayed once, not once per reading of the edits.
    labels = [c for c in done.state["value_changes"] if c["path"] == "podLabels.team"]
    assert len(labels) == 1

    report = yaml.safe_load(Path(done.state["result"]["report_json"]).read_text())
    assert [e["instruction"] for e in report["edits"]] == ["use port 8080", second]
    assert report["edits"][0]["changed"] == ["ports[http].port: 3000 → 8080"]
    assert any(line.startswith("ingress: removed") for line in report["edits"][1]["changed"])
    assert any(line.startswith("replicas") for line in report["edits"][1]["changed"])
    assert "values podLabels.team = 'payments'" in report["edits"][1]["changed"]
    markdown = Path(done.state["result"]["report_markdown"]).read_text()
    assert "## Edits" in markdown and "`ports[http].port: 3000 → 8080`" in markdown


def test_request_review_approval_goes_to_the_planner(run: Runner) -> None:
    graph, _ = run(NeedsReview())
    done = resume(graph, "thread-1", Decision(action="approve"))
    assert done.status == "done"
    assert [a for a, _ in hops(done)][:3] == ["coordinator", "planner", "template"]


EXPOSED = "ledger, image ghcr.io/acme/ledger:3.1.0, port 8080, exposed as a LoadBalancer service"


def test_a_requested_exposure_is_honoured_and_reported(tmp_path: Path) -> None:
    with open_checkpointer(f"sqlite:///{tmp_path / 'state.sqlite'}") as saver:
        graph = build_graph(saver)
        outcome = start(graph, "lb", EXPOSED, {"out_dir": str(tmp_path / "out")})
    assert outcome.status == "done", outcome.review
    report = yaml.safe_load(Path(outcome.state["result"]["report_json"]).read_text())
    assert any("LoadBalancer" in e for e in report["plan"]["exposures"])
    placed = {f["fact"]: f for f in report["facts"]}
    assert placed["Service type"]["key"] == "service.type" and placed["Service type"]["line"]
    assert placed["port 8080"]["value"] == "8080"
    markdown = Path(outcome.state["result"]["report_markdown"]).read_text()
    assert "Exposed outside the cluster, as requested" in markdown and "## Stated facts" in markdown


def test_a_repository_may_ask_for_a_look_at_every_exposure(tmp_path: Path) -> None:
    settings = {"out_dir": str(tmp_path / "out"), "review_exposure": True}
    with open_checkpointer(f"sqlite:///{tmp_path / 'state.sqlite'}") as saver:
        graph = build_graph(saver)
        outcome = start(graph, "lb", EXPOSED, settings)  # type: ignore[arg-type]
        assert outcome.status == "waiting" and outcome.review is not None
        assert any("LoadBalancer" in d for d in outcome.review["details"])
        assert resume(graph, "lb", Decision(action="approve")).status == "done"


def test_a_decision_for_a_thread_that_is_not_waiting_is_refused(run: Runner) -> None:
    graph, outcome = run(DeterministicPolicy())
    assert outcome.status == "done"
    with pytest.raises(NotWaiting):
        resume(graph, "thread-1", Decision(action="approve"))


class FailsEverywhere(Bent):
    def validate(self, box: ToolBox, *args: Any) -> tuple[ValidationReport, FixPlan]:
        change = ValueChange(path="podLabels.again", value="yes")
        return ValidationReport(passed=False, findings=[FORCED]), FixPlan(changes=[change])


def test_every_loop_is_bounded_by_its_budget(run: Runner) -> None:
    _, outcome = run(FailsEverywhere())
    route = hops(outcome)
    assert outcome.status == "waiting"
    assert route.count(("validator", "validator")) == BUDGETS["autofix"]
    assert route.count(("validator", "template")) == BUDGETS["template"]


def test_a_thread_paused_on_postgres_resumes_over_a_new_connection(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = {"out_dir": str(tmp_path / "out")}
    with open_checkpointer(postgres_url) as saver:
        paused = start(build_graph(saver, NeedsReview()), "pg-thread", REQUEST, settings)  # type: ignore[arg-type]
        assert paused.status == "waiting"
    with open_checkpointer(postgres_url) as saver:
        done = resume(build_graph(saver, NeedsReview()), "pg-thread", Decision(action="approve"))
    assert done.status == "done" and done.state["result"]["passed"] is True
