"""``.github/helm-bot.yml``: defaults, valid settings, and broken files that say what is wrong."""

from __future__ import annotations

import pytest

from bot.github.repo_config import RepoConfig, parse


def test_no_file_or_empty_file_gives_the_defaults() -> None:
    for text in (None, "", "   \n", "# only a comment\n"):
        config, problems = parse(text)
        assert config == RepoConfig() and problems == []
    assert RepoConfig().trigger_label == "helm-chart" and RepoConfig().chart_dir == "charts"
    assert RepoConfig().kube_versions is None  # the server's HELM_BOT_KUBE_VERSIONS apply


def test_every_key_is_read() -> None:
    config, problems = parse(
        """
trigger_label: needs-chart
chart_dir: deploy/helm/
branch_prefix: bots/helm-
requesters: collaborators
approvers: ["@Alice", bob]
kube_versions: ["1.30", "1.33"]
environments: [staging, prod]
llm: false
allowed_exceptions: [hostNetwork]
"""
    )
    assert problems == []
    assert config.chart_dir == "deploy/helm" and config.approvers == ["alice", "bob"]
    assert config.kube_versions == ["1.30", "1.33"] and config.llm is False
    assert config.environments == ["staging", "prod"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("trigger_label: [unclosed", "not valid YAML"),
        ("- a list\n- of things", "must be a mapping"),
        ("chart_dir: ../outside", "chart_dir"),
        ("chart_dir: /abs", "chart_dir"),
        ("branch_prefix: 'has space'", "branch_prefix"),
        ("kube_versions: [1.30]", "quoted versions"),
        ("environments: [qa]", "environments"),
        ("requesters: everyone", "requesters"),
        ("trigger_lable: typo", "trigger_lable"),
        ("llm: maybe", "llm"),
    ],
)
def test_broken_files_fall_back_to_defaults_and_say_why(text: str, says: str) -> None:
    config, problems = parse(text)
    assert config == RepoConfig()
    assert problems and says in " ".join(problems), problems
    assert all(p.startswith(".github/helm-bot.yml") for p in problems)
