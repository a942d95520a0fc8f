"""The request checker catches what GitHub would reject, so the fake GitHub can be trusted."""

from __future__ import annotations

import json

from tests.github_openapi import FIXTURE, check_request, find_operation


def test_the_extract_records_its_source_and_operations() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["source"]["@octokit/openapi"]
    assert len(data["operations"]) == 22
    assert {"method": "POST", "path": "/graphql"}.items() <= data["not_checkable"][0].items()


def test_valid_bodies_pass() -> None:
    assert check_request("POST", "/repos/o/r/issues/7/comments", {"body": "hello"}) == []
    assert (
        check_request("POST", "/repos/o/r/issues/comments/9/reactions", {"content": "eyes"}) == []
    )
    run = {
        "name": "helm-bot",
        "head_sha": "a" * 40,
        "status": "completed",
        "conclusion": "failure",
        "completed_at": "2024-05-01T10:00:00Z",
        "output": {"title": "t", "summary": "s", "annotations": []},
    }
    assert check_request("POST", "/repos/o/r/check-runs", run) == []
    assert check_request("GET", "/repos/o/r/contents/charts/app/values.yaml?ref=main", None) == []
    assert check_request("POST", "/graphql", {"query": "{ viewer { login } }"}) == []


def test_wrong_type_missing_field_and_bad_enum_fail() -> None:
    [error] = check_request("POST", "/repos/o/r/issues/7/comments", {"body": 5})
    assert "issues/create-comment" in error and "5 is not of type 'string'" in error
    [error] = check_request("POST", "/repos/o/r/pulls", {"title": "t", "head": "feature"})
    assert "'base' is a required property" in error
    [error] = check_request("POST", "/repos/o/r/issues/7/reactions", {"content": "smile"})
    assert "'smile' is not one of" in error
    [error] = check_request("PATCH", "/repos/o/r/check-runs/3", {"status": "completed"})
    assert "'conclusion' is a required property" in error  # the anyOf branch is explained
    [error] = check_request(
        "POST", "/repos/o/r/check-runs", {"name": "n", "head_sha": "x", "started_at": "yesterday"}
    )
    assert "'yesterday' is not a 'date-time'" in error
    assert check_request("POST", "/repos/o/r/issues/7/comments", None) == [
        "POST /repos/o/r/issues/7/comments (issues/create-comment): a request body is required"
    ]
    assert "takes no request body" in check_request("GET", "/repos/o/r", {"x": 1})[0]


def test_unknown_routes_are_flagged() -> None:
    [error] = check_request("GET", "/repos/o/r/issues", None)
    assert error.startswith("GET /repos/o/r/issues: not in the extracted operations")
    assert check_request("PUT", "/repos/o/r/pulls/1/merge", {})  # a route the bot must not call
    assert check_request("GET", "/repos/o/r/issues/abc", None)  # issue_number is an integer


def test_templates_match_enterprise_prefixes_and_multi_segment_params() -> None:
    op, params = find_operation("PATCH", "/api/v3/repos/o/r/issues/comments/12")  # type: ignore[misc]
    assert op.operation_id == "issues/update-comment" and params["comment_id"] == "12"
    op, params = find_operation("DELETE", "/repos/o/r/git/refs/heads/helm-bot/issue-4")  # type: ignore[misc]
    assert op.operation_id == "git/delete-ref" and params["ref"] == "heads/helm-bot/issue-4"
    op, params = find_operation("GET", "/repos/o/r/commits/feat/x/check-runs")  # type: ignore[misc]
    assert op.operation_id == "checks/list-for-ref" and params["ref"] == "feat/x"
    assert find_operation("GET", "/repos/o/r/collaborators/a/b/permission") is None
