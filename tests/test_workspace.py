"""The gates share one written copy of a draft, so one chart context and one Trivy scan."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.tools import helm, template, workspace
from bot.tools.models import ChartDraft, ValueChange
from bot.tools.planning import build_plan
from bot.tools.requirements import apply_assumptions, parse_requirements
from bot.tools.security.trivy_process import TrivyRun
from bot.tools.values import apply_value_changes


@pytest.fixture(scope="module")
def draft() -> ChartDraft:
    request = "payments-api, image ghcr.io/acme/payments:1.4.2, port 8080, 2 replicas"
    return template.assemble_chart(build_plan(apply_assumptions(parse_requirements(request))))


@pytest.fixture
def slow_trivy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A stand-in Trivy that runs until stopped, started for every chart opened."""
    script = tmp_path / "trivy"
    script.write_text("#!/bin/sh\nsleep 30\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("TRIVY", str(script))
    monkeypatch.setenv("HELM_BOT_TRIVY_PREFETCH", "1")
    monkeypatch.setenv("HELM_BOT_TRIVY_CACHE", str(tmp_path / "cache"))
    helm.close_all()
    yield
    helm.close_all()


def test_two_nodes_on_one_draft_share_the_context_and_its_scan(
    draft: ChartDraft, slow_trivy: None
) -> None:
    with workspace.workspace(draft) as (first_dir, env_files):
        first = helm.open_chart(first_dir, env_files)
    with workspace.workspace(draft) as (second_dir, env_files):
        second = helm.open_chart(second_dir, env_files)
    assert second_dir == first_dir and second is first
    run = first.extras["trivy"]
    assert isinstance(run, TrivyRun) and run.process is not None and run.process.poll() is None


def test_nested_use_sees_the_files_until_the_last_user_leaves(draft: ChartDraft) -> None:
    with workspace.workspace(draft) as (outer, _):
        with workspace.workspace(draft) as (inner, _):
            assert inner == outer
        assert (Path(outer) / "Chart.yaml").is_file()


def test_an_old_idle_draft_is_removed_and_its_scan_stopped(
    draft: ChartDraft, slow_trivy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace, "_KEPT_IDLE", 1)
    with workspace.workspace(draft) as (old_dir, env_files):
        run = helm.open_chart(old_dir, env_files).extras["trivy"]
    changed = apply_value_changes(draft, [ValueChange(path="replicaCount", value=3)])
    with workspace.workspace(changed) as (new_dir, _):
        assert new_dir != old_dir
    assert not Path(old_dir).exists()
    assert run.process.poll() is not None  # the scan of a draft nobody will read is stopped
