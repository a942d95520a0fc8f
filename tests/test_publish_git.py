"""Committing a chart with git: idempotent pushes, kept human commits, and a token kept secret."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from git import GitCommandError

from bot.publish import git as publish
from tests.app_harness import bare_repository, git, show


def chart(root: Path, version: str) -> Path:
    path = root / f"chart-{version}"
    (path / "templates").mkdir(parents=True)
    (path / "Chart.yaml").write_text(f"apiVersion: v2\nname: web\nversion: {version}\n")
    (path / "templates" / "a.yaml").write_text("kind: ConfigMap\n")
    return path


def test_push_creates_the_branch_then_only_commits_changes(tmp_path: Path) -> None:
    bare = bare_repository(tmp_path)
    first = publish.push_chart(
        str(bare), "", "main", "bot/web-1", chart(tmp_path, "0.1.0"), "charts/web", "add"
    )
    assert first.committed and show(bare, "bot/web-1", "charts/web/Chart.yaml")
    assert show(bare, "bot/web-1", "README.md") == "# shop\n"  # starts from the default branch
    again = publish.push_chart(
        str(bare), "", "main", "bot/web-1", chart(tmp_path / "b", "0.1.0"), "charts/web", "add"
    )
    assert not again.committed and again.sha == first.sha

    # A person adds a commit to the bot's branch; the next push builds on it.
    clone = tmp_path / "clone"
    git("clone", "-q", "--branch", "bot/web-1", str(bare), str(clone))
    (clone / "NOTES.md").write_text("by a person\n")
    git("add", "NOTES.md", cwd=clone)
    git("-c", "user.name=p", "-c", "user.email=p@example.com", "commit", "-qm", "notes", cwd=clone)
    git("push", "-q", "origin", "bot/web-1", cwd=clone)
    third = publish.push_chart(
        str(bare), "", "main", "bot/web-1", chart(tmp_path / "c", "0.2.0"), "charts/web", "bump"
    )
    assert third.committed
    assert show(bare, "bot/web-1", "NOTES.md") == "by a person\n"
    assert "version: 0.2.0" in (show(bare, "bot/web-1", "charts/web/Chart.yaml") or "")

    assert publish.delete_branch(str(bare), "", "bot/web-1")
    assert not publish.delete_branch(str(bare), "", "bot/web-1")


def test_a_renamed_chart_replaces_its_old_directory_and_report(tmp_path: Path) -> None:
    bare = bare_repository(tmp_path)
    report = {"charts/web.report.md": "# web\n"}
    publish.push_chart(
        str(bare), "", "main", "bot/web-1", chart(tmp_path, "1"), "charts/web", "add", report
    )
    assert show(bare, "bot/web-1", "charts/web.report.md") == "# web\n"
    renamed = publish.push_chart(
        str(bare),
        "",
        "main",
        "bot/web-1",
        chart(tmp_path / "b", "1"),
        "charts/site",
        "rename",
        {"charts/site.report.md": "# site\n"},
        remove=["charts/web", "charts/web.report.md", "charts/never-there"],
    )
    assert renamed.committed
    assert show(bare, "bot/web-1", "charts/site/Chart.yaml")
    assert show(bare, "bot/web-1", "charts/site.report.md") == "# site\n"
    assert show(bare, "bot/web-1", "charts/web/Chart.yaml") is None
    assert show(bare, "bot/web-1", "charts/web.report.md") is None


def test_a_missing_base_branch_is_a_clear_error(tmp_path: Path) -> None:
    bare = bare_repository(tmp_path)
    with pytest.raises(publish.PushFailed, match="no branch 'trunk'"):
        publish.push_chart(str(bare), "", "trunk", "bot/x", chart(tmp_path, "1"), "charts/x", "m")


def test_the_token_travels_in_a_header_and_never_in_messages() -> None:
    env = publish._environment("https://github.example/o/r.git", "ghs_secret")
    header = env["GIT_CONFIG_VALUE_0"]
    assert env["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert base64.b64decode(header.split()[-1]).decode() == "x-access-token:ghs_secret"
    assert "GIT_CONFIG_COUNT" not in publish._environment("/local/bare.git", "ghs_secret")
    error = GitCommandError(["git", "push"], 128, stderr="fatal: auth failed for ghs_secret")
    assert "ghs_secret" not in str(publish._safe(error, "ghs_secret"))
