"""What a job does with its event: run or resume the thread, then publish where it stands.

One function per kind of event; each is safe to run again from the top, because a job can be
retried after a GitHub error or taken over from a worker that died. The graph's checkpoint says
how far the thread got (``runner.proceed`` finishes a run a crash interrupted) and the publish
step finds what it wrote before (see ``bot.publish.github``).
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from github import GithubException, UnknownObjectException
from github.PullRequest import PullRequest
from github.Repository import Repository

from bot.events.commands import HELP
from bot.events.events import Event, thread_id
from bot.github.app import GitHubApp
from bot.github.repo_config import PATH as CONFIG_PATH
from bot.github.repo_config import RepoConfig, parse
from bot.graph.state import Decision
from bot.jobs import runner
from bot.jobs.runner import Graph, RunOutcome
from bot.publish import git, render
from bot.publish.github import Conversation
from bot.tools import values
from bot.tools.models import ChartDraft

log = logging.getLogger(__name__)
DECIDING = frozenset({"admin", "maintain", "write"})
PROGRESS_EDIT_SECONDS = 3.0  # status-comment edits while agents run, at most one per this


class Links(Protocol):
    """The part of the job queue that maps pull requests to threads."""

    def link(self, repo: str, number: int, thread_key: str) -> None: ...

    def pull_request_of(self, repo: str, thread_key: str) -> int | None: ...


@dataclass
class Context:
    """What handlers share: GitHub, the graphs by policy, the queue's links, a work directory."""

    app: GitHubApp
    graph_for: Callable[[bool | None], Graph]  # the repository's llm setting -> compiled graph
    links: Links
    work_dir: Path
    kube_versions: tuple[str, ...]  # the server's, for repositories that do not choose


@dataclass
class Job:
    """One event being handled, with the repository it is about."""

    ctx: Context
    event: Event
    repo: Repository
    config: RepoConfig
    config_problems: list[str]
    thread: str
    issue: int  # the thread's issue; the event may be on its pull request
    conversation: Conversation

    @property
    def graph(self) -> Graph:
        return self.ctx.graph_for(self.config.llm)


def handle(ctx: Context, event: Event, thread: str = "") -> str:
    """Carry out ``event`` on ``thread`` (by default the thread of the event's own issue).

    Returns a one-line account for the logs and the job record.
    """
    thread = thread or thread_id(event.repo, event.number)
    issue = issue_of(thread)
    client = ctx.app.client(event.installation_id)
    repo = client.get_repo(event.repo)
    config, problems = parse(_config_text(repo))
    conversation = Conversation(repo, thread, issue)
    job = Job(ctx, event, repo, config, problems, thread, issue, conversation)
    if event.kind == "chart_request":
        return _chart_request(job)
    if event.kind == "command":
        return _command(job)
    if event.kind == "pull_request_closed":
        return _closed(job)
    return f"ignored: {event.reason or event.kind}"


def issue_of(thread: str) -> int:
    """The issue number of a thread id ``owner/repo#12``."""
    return int(thread.rsplit("#", 1)[1])


def _config_text(repo: Repository) -> str | None:
    try:
        content = repo.get_contents(CONFIG_PATH)
    except UnknownObjectException:
        return None
    if isinstance(content, list):
        return None
    return content.decoded_content.decode("utf-8", errors="replace")


def _may_decide(job: Job, login: str) -> bool:
    if login.lower() in job.config.approvers:
        return True
    try:
        return job.repo.get_collaborator_permission(login) in DECIDING
    except UnknownObjectException:
        return False


# --------------------------------------------------------------------------- requests


def _chart_request(job: Job) -> str:
    event, config = job.event, job.config
    if event.verb != "chart":
        label = config.trigger_label.lower()
        wanted = (
            event.label.lower() == label if event.label else label in map(str.lower, event.labels)
        )
        if not wanted:
            return f"ignored: issue not labelled {config.trigger_label!r}"
    if config.requesters == "collaborators" and not _may_decide(job, event.actor):
        job.conversation.reply(
            event.number,
            f"denied-{event.comment_id or event.number}",
            f"@{event.actor}, thank you — in this repository only collaborators with write "
            "access may request charts from helm-bot.",
        )
        return f"refused: {event.actor} may not request charts"
    job.conversation.react(event.comment_id)
    if job.config_problems:
        problems = "\n".join(f"- {p}" for p in job.config_problems)
        job.conversation.reply(
            event.number,
            f"config-{job.thread}",
            f"`{CONFIG_PATH}` has problems, so the defaults apply:\n\n{problems}",
        )
    graph = job.graph
    if runner.exists(graph, job.thread):
        # A redelivery, the second of issues.opened/labeled, or a job taken over after a crash.
        outcome = runner.proceed(graph, job.thread, _progress(job))
    else:
        request = event.text if event.verb == "chart" else f"{event.title}\n\n{event.text}"
        job.conversation.status(render.status_comment(job.thread, "working on it", []))
        outcome = runner.start(graph, job.thread, request, _settings(job), _progress(job))
    return publish(job, outcome)


def _settings(job: Job) -> dict[str, Any]:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", job.thread)
    return {
        "out_dir": str(job.ctx.work_dir / safe),
        "kube_versions": list(job.config.kube_versions or job.ctx.kube_versions),
        "environments": list(job.config.environments),
        "allowed_exceptions": list(job.config.allowed_exceptions),
        "review_exposure": job.config.review_exposure,
        "pin_digests": job.config.pin_digests,
    }


def _progress(job: Job) -> runner.Progress:
    steps: list[tuple[str, str]] = []

    def report(event: str, node: str, update: dict[str, Any]) -> None:
        if event != "end":
            return
        for entry in update.get("history") or []:
            steps.append((entry.get("agent", node), entry.get("summary", "")))
        body = render.status_comment(job.thread, f"working: {node} done", steps)
        try:
            job.conversation.status(body, force=False, min_interval=PROGRESS_EDIT_SECONDS)
        except GithubException as exc:  # progress is a courtesy; the final edit is not
            log.warning("status edit failed on %s: %s", job.thread, exc)

    return report


# --------------------------------------------------------------------------- commands


def _command(job: Job) -> str:
    event = job.event
    key = f"{event.verb}-{event.comment_id or event.number}"
    if event.verb == "help":
        job.conversation.reply(event.number, key, HELP)
        return "answered /help"
    if not _may_decide(job, event.actor):
        job.conversation.reply(
            event.number,
            key,
            f"@{event.actor}, only collaborators with write access (or the `approvers` of "
            f"`{CONFIG_PATH}`) may use `/{event.verb}` here; nothing was changed.",
        )
        return f"refused: {event.actor} may not /{event.verb}"
    graph = job.graph
    if not runner.exists(graph, job.thread):
        job.conversation.reply(
            event.number, key, f"There is no helm-bot chart thread here to `/{event.verb}`."
        )
        return "no thread"
    job.conversation.react(event.comment_id, "+1")
    if runner.pending_review(graph, job.thread) is None:
        outcome = runner.proceed(graph, job.thread, _progress(job))
        if outcome.status != "waiting":
            job.conversation.reply(
                event.number,
                key,
                f"This thread is not waiting for a decision (it is {outcome.status}); "
                f"`/{event.verb}` changes nothing.",
            )
            return publish(job, outcome)
    decision = Decision(action=event.verb, instructions=event.text, by=event.actor)  # type: ignore[arg-type]
    outcome = runner.resume(graph, job.thread, decision, _progress(job))
    return publish(job, outcome)


def _closed(job: Job) -> str:
    """A merged pull request ends the thread; one closed by a person cancels it."""
    graph = job.graph
    if not runner.exists(graph, job.thread):
        return "ignored: not a helm-bot thread"
    how = "merged" if job.event.merged else "closed"
    if runner.pending_review(graph, job.thread) is not None:
        decision = Decision(action="reject", by=f"pull request {how} by {job.event.actor}")
        runner.resume(graph, job.thread, decision)
    job.conversation.status(
        render.status_comment(job.thread, f"the pull request was {how}; this thread has ended", [])
    )
    return f"thread ended: pull request {how}"


# --------------------------------------------------------------------------- publishing


def publish(job: Job, outcome: RunOutcome) -> str:
    """Show where the thread stands: status comment, and the chart's branch, PR and check."""
    state = outcome.state
    draft = state.get("draft")
    if outcome.status == "rejected":
        return _rejected(job, outcome)
    if not draft or outcome.status not in ("waiting", "done"):
        # Nothing to commit: a question before any chart, a clarification, or a refusal.
        footer = _question(outcome) if outcome.status == "waiting" else ""
        job.conversation.status(
            render.status_comment(job.thread, render.headline(outcome), [], footer)
        )
        return f"{outcome.status}: answered in the status comment"
    chart = ChartDraft.model_validate(draft)
    branch = _branch(job, chart)
    chart_path = f"{job.config.chart_dir}/{chart.name}"
    token = job.ctx.app.token(job.event.installation_id)
    # The report (finalize's, or what is known so far) goes beside the chart, as the command
    # line writes it (the chart's .helmignore keeps it out of the package), so that the PR and
    # the check run, whose texts GitHub limits, can link to all of it.
    report_md = _report(outcome) or render.progress_report(outcome)
    report_path = f"{chart_path}.report.md"
    with _chart_files(outcome, chart) as files:
        pushed = git.push_chart(
            job.event.clone_url,
            token,
            job.repo.default_branch,
            branch.name,
            files,
            chart_path,
            f"helm-bot: chart {chart.name} ({outcome.status})\n\nThread {job.thread}",
            extra={report_path: report_md},
            remove=branch.stale,
        )
    report_url = f"{job.repo.html_url}/blob/{pushed.sha}/{report_path}"
    waiting = outcome.status == "waiting"
    body = render.pr_body(job.thread, job.issue, outcome, report_md, report_url)
    pr = job.conversation.open_or_update_pr(
        branch.name,
        job.repo.default_branch,
        render.pr_title(chart.name),
        body,
        draft=waiting,
        known=branch.pr,
    )
    job.ctx.links.link(job.repo.full_name, pr.number, job.thread)
    check = render.check_output(outcome, chart_path, report_md, report_url)
    job.conversation.check_run(pushed.sha, check)
    if waiting and outcome.review:
        key = f"{job.thread}/{len(state.get('decisions') or [])}"
        job.conversation.ask_review(pr, key, render.review(key, outcome.review, chart_path))
    job.conversation.status(
        render.status_comment(job.thread, render.headline(outcome, pr.html_url), [])
    )
    return f"{outcome.status}: {pr.html_url} at {pushed.sha[:12]}"


@dataclass(frozen=True)
class Branch:
    name: str
    stale: list[str]  # paths an earlier name of the chart left on it
    pr: PullRequest | None  # the thread's pull request from it, when already looked up


def _branch(job: Job, chart: ChartDraft) -> Branch:
    """The chart's branch, and the thread's pull request from it if the queue knows one.

    A new thread's branch is ``<prefix><chart>-<issue>``. A thread whose pull request is open
    keeps that branch and pull request even when an ``/edit`` renamed the chart; the old
    chart directory and report, read off the branch's name, are then removed.
    """
    prefix, suffix = job.config.branch_prefix, f"-{job.issue}"
    wanted = f"{prefix}{chart.name}{suffix}"
    number = job.ctx.links.pull_request_of(job.repo.full_name, job.thread)
    if number is None:
        return Branch(wanted, [], None)
    pr = job.repo.get_pull(number)
    ref = pr.head.ref
    if ref == wanted:
        return Branch(wanted, [], pr)
    if pr.state != "open":
        return Branch(wanted, [], None)
    if not (ref.startswith(prefix) and ref.endswith(suffix)):
        return Branch(ref, [], pr)
    old = f"{job.config.chart_dir}/{ref.removeprefix(prefix).removesuffix(suffix)}"
    return Branch(ref, [old, f"{old}.report.md"], pr)


def _question(outcome: RunOutcome) -> str:
    review = outcome.review or {}
    options = ", ".join(f"`/{o['action']}` ({o['label']})" for o in review.get("options", []))
    details = "\n".join(f"- {d}" for d in review.get("details", []))
    return f"{details}\n\nAnswer here with {options}."


@contextmanager
def _chart_files(outcome: RunOutcome, chart: ChartDraft) -> Iterator[Path]:
    """The chart directory to commit: finalize's when done, else the draft written out."""
    result = outcome.state.get("result") or {}
    if outcome.status == "done" and result.get("chart"):
        yield Path(result["chart"])
        return
    scratch = Path(tempfile.mkdtemp(prefix="helm-bot-draft-"))
    try:
        values.write_chart(chart, scratch)
        yield scratch / chart.name
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _report(outcome: RunOutcome) -> str:
    path = (outcome.state.get("result") or {}).get("report_markdown")
    return Path(path).read_text(encoding="utf-8") if path and Path(path).exists() else ""


def _rejected(job: Job, outcome: RunOutcome) -> str:
    """A rejected thread: close its pull request with an explanation and delete the branch."""
    draft = outcome.state.get("draft")
    closed = ""
    if draft:
        chart = ChartDraft.model_validate(draft)
        branch = _branch(job, chart)
        pr = branch.pr or job.conversation.find_pr(branch.name)
        if pr is not None:
            decided = (outcome.state.get("decisions") or [{}])[-1].get("by", "")
            job.conversation.close_pr(
                pr, f"Closed: the decision was rejected{f' by @{decided}' if decided else ''}."
            )
            closed = f" and closed {pr.html_url}"
        token = job.ctx.app.token(job.event.installation_id)
        git.delete_branch(job.event.clone_url, token, branch.name)
    job.conversation.status(render.status_comment(job.thread, render.headline(outcome), []))
    return f"rejected{closed}"
