"""Everything the bot writes on GitHub, each write idempotent.

Before writing, the bot looks for what an earlier run of the same job already wrote (a marked
comment, the pull request from its branch, the check run on the same commit, a review marked
with the same question), so a retried or redelivered job edits instead of duplicating.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from github import GithubException
from github.CheckRun import CheckRun
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.Repository import Repository

from bot.publish import render
from bot.publish.markers import has_marker, marker

log = logging.getLogger(__name__)
CHECK_NAME = "helm-bot"


class Conversation:
    """One thread's issue and pull request on one repository."""

    def __init__(self, repo: Repository, thread: str, issue: int) -> None:
        self.repo = repo
        self.thread = thread
        self.issue = issue
        self._status: IssueComment | None = None
        self._last_edit = 0.0

    # ------------------------------------------------------------------- comments

    def react(self, comment_id: int = 0, content: str = "eyes") -> None:
        """Acknowledge a request or command; a failure here must not stop the job."""
        try:
            if comment_id:
                self.repo.get_issue(self.issue).get_comment(comment_id).create_reaction(content)
            else:
                self.repo.get_issue(self.issue).create_reaction(content)
        except GithubException as exc:
            log.warning("could not react on %s: %s", self.thread, exc)

    def _find_comment(self, number: int, kind: str, key: str) -> IssueComment | None:
        for comment in self.repo.get_issue(number).get_comments():
            if has_marker(comment.body, kind, key):
                return comment
        return None

    def status(self, body: str, *, force: bool = True, min_interval: float = 0.0) -> None:
        """Create or edit the one status comment; progress edits are spaced ``min_interval``."""
        now = time.monotonic()
        if not force and now - self._last_edit < min_interval:
            return
        if self._status is None:
            self._status = self._find_comment(self.issue, "status", self.thread)
        if self._status is None:
            self._status = self.repo.get_issue(self.issue).create_comment(body)
        elif self._status.body != body:
            self._status.edit(body)
        self._last_edit = now

    def reply(self, number: int, key: str, text: str) -> None:
        """Answer a command once: a redelivered command does not get a second answer."""
        if self._find_comment(number, "reply", key) is None:
            self.repo.get_issue(number).create_comment(f"{marker('reply', key)}\n{text}")

    # ------------------------------------------------------------------- pull request

    def find_pr(self, branch: str) -> PullRequest | None:
        owner = self.repo.owner.login
        for pr in self.repo.get_pulls(state="all", head=f"{owner}:{branch}"):
            if pr.head.ref == branch:
                return pr
        return None

    def open_or_update_pr(
        self,
        branch: str,
        base: str,
        title: str,
        body: str,
        draft: bool,
        known: PullRequest | None = None,
    ) -> PullRequest:
        """Open the pull request from ``branch``, or bring the existing one up to date.

        ``known`` is that pull request when the caller already has it: one lookup fewer.
        """
        pr = known or self.find_pr(branch)
        if pr is None:
            return self.repo.create_pull(
                base=base, head=branch, title=title, body=body, draft=draft
            )
        if pr.state == "closed" and not pr.merged:
            pr.edit(state="open")
        if pr.body != body or pr.title != title:
            pr.edit(title=title, body=body)
        if pr.draft != draft and pr.state == "open":
            if draft:
                pr.convert_to_draft()
            else:
                pr.mark_ready_for_review()
        return pr

    def close_pr(self, pr: PullRequest, explanation: str) -> None:
        self.reply(pr.number, f"closed-{self.thread}", explanation)
        if pr.state != "closed":
            pr.edit(state="closed")

    # ------------------------------------------------------------------- checks and reviews

    def check_run(self, sha: str, output: render.CheckOutput, details_url: str = "") -> CheckRun:
        """Create or update the check run on ``sha``; annotations go 50 per request."""
        existing = [c for c in self.repo.get_commit(sha).get_check_runs(check_name=CHECK_NAME)]
        batches = [
            output.annotations[i : i + render.ANNOTATION_BATCH]
            for i in range(0, len(output.annotations), render.ANNOTATION_BATCH)
        ] or [[]]
        fields: dict[str, Any] = {
            "status": "completed",
            "conclusion": output.conclusion,
            "output": {
                "title": output.title,
                "summary": output.summary,
                "text": output.text,
                "annotations": batches[0],
            },
        }
        if details_url:
            fields["details_url"] = details_url
        if existing:
            run = existing[0]
            # A re-run replaces the verdict; annotations already there are not sent again.
            fields["output"]["annotations"] = []
            run.edit(**fields)
            return run
        run = self.repo.create_check_run(name=CHECK_NAME, head_sha=sha, **fields)
        for batch in batches[1:]:
            run.edit(
                output={"title": output.title, "summary": output.summary, "annotations": batch}
            )
        return run

    def ask_review(self, pr: PullRequest, key: str, draft: render.ReviewDraft) -> None:
        """Post the decision review once; fall back to a body-only review if lines are refused."""
        for existing in pr.get_reviews():
            if has_marker(existing.body, "review", key):
                return
        commit = pr.head.sha
        try:
            pr.create_review(
                commit=self.repo.get_commit(commit),
                body=draft.body,
                event="COMMENT",
                comments=draft.comments,  # type: ignore[arg-type]
            )
        except GithubException as exc:
            if exc.status != 422 or not draft.comments:
                raise
            # Lines outside the diff (a chart that existed before) cannot carry comments.
            where = "\n".join(f"- `{c['path']}:{c['line']}`: {c['body']}" for c in draft.comments)
            pr.create_review(
                commit=self.repo.get_commit(commit),
                body=f"{draft.body}\n\n{where}",
                event="COMMENT",
            )
