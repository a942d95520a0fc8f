"""Commit a chart to the bot's branch and push it, with git itself (GitPython).

Each push works in a fresh scratch clone of just the two branches it needs, so concurrent jobs
never share a working tree. The branch starts from the default branch the first time and from
its own tip afterwards, so commits a person pushed to it are kept. Pushing the same chart twice
makes no second commit. The installation token travels in an ``http.extraHeader`` given through
git's environment (``GIT_CONFIG_*``): it is never written to ``.git/config``, to a remote URL or
to a log, and the App's private key never reaches git at all.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from git import Actor, GitCommandError, Repo

AUTHOR = Actor("helm-bot[bot]", "helm-bot[bot]@users.noreply.github.com")


class PushFailed(RuntimeError):
    """git could not fetch or push; the message never holds the token."""


@dataclass(frozen=True)
class Pushed:
    sha: str  # the branch's head after the push
    committed: bool  # False when the branch already held exactly this chart


def _environment(url: str, token: str) -> dict[str, str]:
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1"}
    if token and url.startswith(("https://", "http://")):
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env |= {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }
    return env


@contextmanager
def _scratch() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="helm-bot-git-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _safe(exc: GitCommandError, token: str) -> PushFailed:
    text = f"git {exc.command[1] if len(exc.command) > 1 else ''} failed: {exc.stderr.strip()}"
    return PushFailed(text.replace(token, "***") if token else text)


def push_chart(
    url: str,
    token: str,
    base: str,
    branch: str,
    chart: Path,
    dest: str,
    message: str,
    extra: Mapping[str, str] | None = None,
    remove: Sequence[str] = (),
) -> Pushed:
    """Make ``dest`` (a path in the repository) hold exactly ``chart``'s files on ``branch``.

    ``extra`` maps more repository paths to their text (the chart's report), and ``remove``
    lists paths to delete (what an earlier name of the chart left), in the same commit.
    """
    with _scratch() as work:
        repo = Repo.init(work, initial_branch="helm-bot-work")
        env = _environment(url, token)
        try:
            with repo.git.custom_environment(**env):
                repo.create_remote("origin", url)
                heads = repo.git.ls_remote("--heads", "origin", base, branch)
                known = {
                    line.split("\t")[1].removeprefix("refs/heads/")
                    for line in heads.split("\n")
                    if "\t" in line
                }
                start = branch if branch in known else base
                if start not in known:
                    raise PushFailed(f"the repository has no branch {base!r} to start from")
                repo.git.fetch(
                    "--depth=1", "origin", f"refs/heads/{start}:refs/remotes/origin/{start}"
                )
                repo.git.checkout("-B", branch, f"origin/{start}")
                target = work / dest
                gone = [path for path in remove if (work / path).exists()]
                for path in (target, *(work / path for path in gone)):
                    if path.is_dir():
                        shutil.rmtree(path)
                    elif path.exists():
                        path.unlink()
                shutil.copytree(chart, target)
                for path, text in (extra or {}).items():
                    (work / path).parent.mkdir(parents=True, exist_ok=True)
                    (work / path).write_text(text, encoding="utf-8")
                repo.git.add("--all", "--", dest, *(extra or {}), *gone)
                if not repo.index.diff("HEAD"):
                    return Pushed(repo.head.commit.hexsha, committed=False)
                commit = repo.index.commit(message, author=AUTHOR, committer=AUTHOR)
                repo.git.push("origin", f"HEAD:refs/heads/{branch}")
                return Pushed(commit.hexsha, committed=True)
        except GitCommandError as exc:
            raise _safe(exc, token) from None


def delete_branch(url: str, token: str, branch: str) -> bool:
    """Delete ``branch`` on the remote; False when it was already gone."""
    with _scratch() as work:
        repo = Repo.init(work)
        try:
            with repo.git.custom_environment(**_environment(url, token)):
                repo.create_remote("origin", url)
                if not repo.git.ls_remote("--heads", "origin", branch).strip():
                    return False
                repo.git.push("origin", f":refs/heads/{branch}")
                return True
        except GitCommandError as exc:
            raise _safe(exc, token) from None
