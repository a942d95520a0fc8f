"""The fake GitHub, driven through PyGithub as the bot will drive it.

Every test ends by asserting the fake saw no request GitHub's description would reject; tests
that send a bad request on purpose clear ``fake.violations`` once they have checked it.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from github import Auth, Github, GithubException, GithubIntegration
from github.GithubException import RateLimitExceededException, UnknownObjectException
from github.PullRequest import ReviewComment

from tests.fake_github import FakeGitHub, app_keypair, fake_github

APP_ID = 4242
INSTALLATION = 77
REPO = "octo-org/charts"


@pytest.fixture(scope="module")
def app_key() -> tuple[str, str]:
    return app_keypair()


@pytest.fixture
def fake(app_key: tuple[str, str]) -> Iterator[FakeGitHub]:
    with fake_github(APP_ID, app_key[1], installation_id=INSTALLATION) as fake:
        fake.add_repo(REPO)
        yield fake
        assert fake.violations == []


def client(fake: FakeGitHub, key: str, base_url: str | None = None, **kwargs: Any) -> Github:
    """An installation client as the bot builds it; no pacing between requests in tests."""
    auth = Auth.AppAuth(APP_ID, key).get_installation_auth(INSTALLATION)
    return Github(
        base_url=base_url or fake.url,
        auth=auth,
        seconds_between_requests=0,
        seconds_between_writes=0,
        **kwargs,
    )


def test_app_token_exchange(fake: FakeGitHub, app_key: tuple[str, str]) -> None:
    integration = GithubIntegration(
        auth=Auth.AppAuth(APP_ID, app_key[0]), base_url=fake.url, seconds_between_writes=0
    )
    assert integration.get_repo_installation("octo-org", "charts").id == INSTALLATION
    granted = integration.get_access_token(INSTALLATION)
    assert granted.token.startswith("ghs_") and granted.token in fake.tokens
    in_an_hour = datetime.now(UTC) + timedelta(hours=1)
    assert abs((granted.expires_at - in_an_hour).total_seconds()) < 5
    gh = Github(base_url=fake.url, auth=Auth.Token(granted.token), seconds_between_requests=0)
    assert gh.get_repo(REPO).default_branch == "main"
    assert fake.requests[-1].headers["authorization"] == f"token {granted.token}"
    assert fake.requests[-1].path == "/repos/octo-org/charts"
    assert gh.rate_limiting[1] == 5000  # PyGithub reads the x-ratelimit-* headers
    with pytest.raises(UnknownObjectException):
        integration.get_access_token(INSTALLATION + 1)


def test_forged_or_missing_credentials_are_refused(
    fake: FakeGitHub, app_key: tuple[str, str]
) -> None:
    forged = GithubIntegration(auth=Auth.AppAuth(APP_ID, app_keypair()[0]), base_url=fake.url)
    with pytest.raises(GithubException) as raised:
        forged.get_access_token(INSTALLATION)
    assert raised.value.status == 401 and fake.tokens == {}
    assert raised.value.data["message"] == "A JSON web token could not be decoded"
    other_app = GithubIntegration(auth=Auth.AppAuth(APP_ID + 1, app_key[0]), base_url=fake.url)
    with pytest.raises(GithubException) as raised:
        other_app.get_access_token(INSTALLATION)
    assert raised.value.status == 401 and fake.tokens == {}
    response = requests.get(f"{fake.url}/repos/{REPO}", headers={"Authorization": "token ghs_x"})
    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"


def test_comments_reactions_and_pagination(fake: FakeGitHub, app_key: tuple[str, str]) -> None:
    seeded = fake.repos[REPO]
    number = seeded.add_issue("Chart for payments-api", "please", labels=("helm-bot",))
    for i in range(34):
        seeded.add_comment(number, f"comment {i}")
    issue = client(fake, app_key[0]).get_repo(REPO).get_issue(number)
    assert [label.name for label in issue.labels] == ["helm-bot"]
    issue.create_reaction("eyes")
    comment = issue.create_comment("Working on it")
    comment.edit("Done: see the pull request")
    comment.create_reaction("rocket")
    comment.create_reaction("rocket")  # a repeat answers 200 and adds nothing
    stored = seeded.comments[comment.id]
    assert stored["body"] == "Done: see the pull request" and stored["user"] == "helm-bot[bot]"
    assert [(r["subject"], r["content"]) for r in seeded.reactions] == [
        ("issue", "eyes"),
        ("comment", "rocket"),
    ]
    assert len(list(issue.get_comments())) == 35  # two pages, followed through Link
    with pytest.raises(GithubException) as raised:
        issue.create_comment("x" * 65537)
    assert raised.value.status == 422 and "too long" in str(raised.value)


@pytest.mark.parametrize("prefix", ["", "/api/v3"], ids=["github.com", "enterprise"])
def test_pull_request_lifecycle(fake: FakeGitHub, app_key: tuple[str, str], prefix: str) -> None:
    seeded = fake.repos[REPO]
    seeded.add_issue("a request")  # pull requests share the issues' number space
    seeded.branches["helm-bot/issue-1"] = "b" * 40
    repo = client(fake, app_key[0], fake.url + prefix).get_repo(REPO)
    pr = repo.create_pull(
        base="main", head="helm-bot/issue-1", title="Add chart", body="b", draft=True
    )
    assert pr.number == 2 and pr.draft and pr.head.sha == "b" * 40
    pr.mark_ready_for_review()
    assert not pr.draft and not seeded.pulls[2]["draft"]
    pr.convert_to_draft()
    assert seeded.pulls[2]["draft"]
    [listed] = repo.get_pulls(state="open", head="octo-org:helm-bot/issue-1")
    assert listed.number == 2 and repo.get_issue(2).pull_request is not None
    with pytest.raises(GithubException) as raised:
        repo.create_pull(base="main", head="helm-bot/issue-1", title="again")
    assert "already exists" in str(raised.value)
    pr.edit(state="closed", body="superseded")
    assert seeded.issues[2]["state"] == "closed" and repo.get_pull(2).state == "closed"
    assert fake.requests[-1].path == "/repos/octo-org/charts/pulls/2"


def test_review_with_line_comments(fake: FakeGitHub, app_key: tuple[str, str]) -> None:
    seeded = fake.repos[REPO]
    theirs = seeded.add_pull("feature", "Bump chart", user="octocat")
    repo = client(fake, app_key[0]).get_repo(REPO)
    line: ReviewComment = {"path": "charts/app/values.yaml", "line": 12, "side": "RIGHT",
                           "body": "pin the tag"}  # fmt: skip
    review = repo.get_pull(theirs).create_review(
        body="Two problems", event="REQUEST_CHANGES", comments=[line]
    )
    assert review.state == "CHANGES_REQUESTED"
    [stored] = seeded.reviews[theirs]
    assert stored["comments"] == [line] and stored["user"] == "helm-bot[bot]"
    assert [r.id for r in repo.get_pull(theirs).get_reviews()] == [review.id]
    seeded.pulls[theirs]["diff_lines"] = {"charts/app/values.yaml": {1, 2, 3}}
    with pytest.raises(GithubException) as raised:  # line 12 is outside the diff now
        repo.get_pull(theirs).create_review(body="again", event="COMMENT", comments=[line])
    assert raised.value.status == 422 and "Line could not be resolved" in str(raised.value)
    seeded.branches["helm-bot/x"] = "c" * 40
    ours = repo.create_pull(base="main", head="helm-bot/x", title="Ours")
    with pytest.raises(GithubException) as raised:
        ours.create_review(event="APPROVE")
    assert raised.value.status == 422 and "your own pull request" in str(raised.value)


def test_check_run_annotations_accumulate(fake: FakeGitHub, app_key: tuple[str, str]) -> None:
    sha = "d" * 40

    def notes(n: int) -> list[dict[str, Any]]:
        return [
            {
                "path": "charts/app/values.yaml",
                "start_line": i + 1,
                "end_line": i + 1,
                "annotation_level": "warning",
                "message": f"finding {i}",
            }
            for i in range(n)
        ]

    repo = client(fake, app_key[0]).get_repo(REPO)
    run = repo.create_check_run(
        name="helm-bot / lint",
        head_sha=sha,
        status="in_progress",
        output={"title": "Lint", "summary": "running", "annotations": notes(2)},
    )
    run.edit(
        conclusion="failure",
        output={
            "title": "Lint",
            "summary": "3 findings",
            "text": "details",
            "annotations": notes(3),
        },
    )
    stored = fake.repos[REPO].check_runs[run.id]
    assert (stored["status"], stored["conclusion"]) == ("completed", "failure")
    assert len(stored["annotations"]) == 5 and run.output.annotations_count == 5
    with pytest.raises(GithubException) as raised:
        run.edit(output={"title": "Lint", "summary": "s", "annotations": notes(51)})
    assert raised.value.status == 422 and len(stored["annotations"]) == 5
    [violation] = fake.violations  # the description caps annotations at 50 (maxItems)
    assert "checks/update" in violation and "body['output']['annotations']: " in violation
    fake.violations.clear()
    lazy = client(fake, app_key[0], lazy=True).get_repo(REPO)  # lazy: no GET /commits/{sha}
    assert [r.name for r in lazy.get_commit(sha).get_check_runs()] == ["helm-bot / lint"]


def test_injected_failures_reach_pygithub(fake: FakeGitHub, app_key: tuple[str, str]) -> None:
    number = fake.repos[REPO].add_issue("flaky")
    repo = client(fake, app_key[0]).get_repo(REPO)
    fake.fail_next("GET", r"/issues/\d+$", 502, times=2)
    assert repo.get_issue(number).title == "flaky"  # PyGithub's retry absorbs 5xx
    assert [c.status for c in fake.requests[-3:]] == [502, 502, 200]
    fake.fail_next("POST", r"/comments$", 403, headers={"retry-after": "1"})
    started = time.monotonic()
    repo.get_issue(number).create_comment("after a secondary rate limit")
    assert time.monotonic() - started >= 1  # it honoured retry-after
    strict = client(fake, app_key[0], retry=None).get_repo(REPO)
    fake.fail_next("GET", r"/issues/\d+$", 503)
    with pytest.raises(GithubException) as raised:
        strict.get_issue(number)
    assert raised.value.status == 503
    reset = str(int(time.time()) + 60)
    limit = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    fake.fail_next("GET", r"/issues/\d+$", 403, headers=limit)
    with pytest.raises(RateLimitExceededException) as limited:
        strict.get_issue(number)
    assert limited.value.headers["x-ratelimit-reset"] == reset  # type: ignore[index]
    fake.fail_next("GET", r"/issues/\d+$", 429, headers={"retry-after": "1"})
    assert repo.get_issue(number).number == number  # urllib3 retries 429 with retry-after only
    fake.fail_next("GET", r"/issues/\d+$", 429)
    with pytest.raises(GithubException) as raised:
        repo.get_issue(number)  # 429 is not in PyGithub's status_forcelist
    assert raised.value.status == 429


def test_openapi_violations_are_detected(fake: FakeGitHub) -> None:
    token = fake.user_token("octocat")
    number = fake.repos[REPO].add_issue("x")
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{fake.url}/repos/{REPO}/issues/{number}/comments"
    response = requests.post(url, json={"body": 42}, headers=headers)
    assert response.status_code == 422 and fake.repos[REPO].comments == {}
    assert response.json()["message"].startswith("Invalid request.")
    response = requests.get(f"{fake.url}/repos/{REPO}/issues", headers=headers)
    assert response.status_code == 404
    assert len(fake.violations) == 2
    assert "42 is not of type 'string'" in fake.violations[0]
    assert "not in the extracted operations" in fake.violations[1]
    fake.violations.clear()
    response = requests.post(
        f"{fake.url}/repos/{REPO}/check-runs",
        headers=headers,
        json={"name": "n", "head_sha": "e" * 40},
    )
    assert response.status_code == 403  # check runs need an installation token


def test_bare_repo_contents_permissions_and_refs(
    fake: FakeGitHub, app_key: tuple[str, str], tmp_path: Path
) -> None:
    bare, work = tmp_path / "live.git", tmp_path / "work"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(work)]
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / ".helm-bot.yaml").write_text("charts: charts/\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    push = [*git, "push", "-q", str(bare), "main", "main:refs/heads/helm-bot/old"]
    subprocess.run(push, check=True)
    seeded = fake.add_repo("octo-org/live", bare=bare)
    seeded.permissions["alice"] = "write"
    seeded.files["charts/app/Chart.yaml"] = "name: app\n"
    repo = client(fake, app_key[0], fake.url + "/api/v3").get_repo("octo-org/live")
    assert repo.clone_url == str(bare)
    assert repo.get_contents(".helm-bot.yaml").decoded_content == b"charts: charts/\n"  # type: ignore[union-attr]
    assert repo.get_contents("charts/app/Chart.yaml").decoded_content == b"name: app\n"  # type: ignore[union-attr]
    with pytest.raises(UnknownObjectException):
        repo.get_contents("missing.yaml")
    assert repo.get_collaborator_permission("alice") == "write"
    assert repo.get_collaborator_permission("mallory") == "none"
    ref = repo.get_git_ref("heads/helm-bot/old")
    assert ref.object.sha == seeded.branch_sha("main")
    ref.delete()
    assert (
        seeded.deleted_refs == ["heads/helm-bot/old"] and seeded.branch_sha("helm-bot/old") is None
    )
