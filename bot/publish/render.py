"""What the bot says on GitHub, as pure functions of a thread's outcome: no API calls here.

Status comment, pull-request title and body, check-run output and annotations, and the review
that asks a human for a decision. GitHub caps comment and check-run texts at 65,535 characters
and annotations at 50 per request; texts are cut at a section boundary with a visible note
pointing to where the whole text is, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.jobs.runner import RunOutcome
from bot.publish.markers import marker

MAX_TEXT = 65_000  # GitHub's limit is 65,535 characters; leave room for the cut notice
ANNOTATION_BATCH = 50
LEVELS = {"CRITICAL": "failure", "HIGH": "failure", "MEDIUM": "warning"}


def fit(text: str, where: str, limit: int = MAX_TEXT) -> str:
    """Cut ``text`` to ``limit`` at a section (or line) boundary, saying where all of it is."""
    if len(text) <= limit:
        return text
    note = f"\n\n---\n*This text is longer than GitHub allows; the whole of it is {where}.*\n"
    cut = text[: limit - len(note)]
    boundary = max(cut.rfind("\n## "), cut.rfind("\n"))
    return (cut[:boundary] if boundary > 0 else cut) + note


# --------------------------------------------------------------------------- status comment


def status_comment(
    thread: str, headline: str, steps: list[tuple[str, str]], footer: str = ""
) -> str:
    """The one comment the bot keeps editing: a headline and one line per agent hand-off."""
    lines = [marker("status", thread), f"**helm-bot** — {headline}", ""]
    if steps:
        lines += ["| Agent | Result |", "|---|---|"]
        lines += [f"| {agent} | {_cell(summary)} |" for agent, summary in steps[-40:]]
    if footer:
        lines += ["", footer]
    return fit("\n".join(lines), "in the pull request's check run")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def headline(outcome: RunOutcome, pr_url: str = "") -> str:
    """Say in one line how the thread stands."""
    state, where = outcome.state, f" in {pr_url}" if pr_url else ""
    if outcome.status == "waiting":
        return f"waiting for a decision{where}: {(outcome.review or {}).get('question', '')}"
    if outcome.status == "done":
        passed = (state.get("result") or {}).get("passed")
        return (
            f"chart ready{where}" if passed else f"chart written but NOT passing every gate{where}"
        )
    if outcome.status == "clarify":
        check = state.get("requirements_check") or {}
        asks = check.get("validation_errors", []) + check.get("clarifications_needed", [])
        return "needs more information: " + "; ".join(asks)
    if outcome.status == "refused":
        return "refused by the security gate: " + "; ".join(
            (state.get("security") or {}).get("refused", [])
        )
    if outcome.status == "rejected":
        return "stopped: the decision was rejected"
    return outcome.status


# --------------------------------------------------------------------------- pull request


def pr_title(chart: str) -> str:
    return f"Helm chart for {chart}"


def pr_body(thread: str, issue: int, outcome: RunOutcome, report_md: str, report_url: str) -> str:
    """The pull request's description: what was asked, the report, and how to answer.

    ``report_url`` is the report committed beside the chart; a description too long for GitHub
    is cut at a section and links to it.
    """
    head = [marker("pull-request", thread), f"Closes #{issue}.", ""]
    if outcome.status == "waiting":
        head += [
            "> [!IMPORTANT]",
            "> This pull request is a draft because helm-bot is waiting for a decision: "
            + _cell((outcome.review or {}).get("question", "")),
            "> Answer on the review below with `/approve`, `/reject`, `/edit <instructions>` "
            "or `/retry`.",
            "",
        ]
    return fit("\n".join(head) + report_md, _whole(report_url))


def _whole(report_url: str) -> str:
    return f"in [the report committed beside the chart]({report_url})"


def progress_report(outcome: RunOutcome) -> str:
    """What is known before finalize wrote the report: the plan and the gates' findings."""
    state = outcome.state
    plan = state.get("plan") or {}
    lines = [f"# {plan.get('chart_name', 'chart')} (in progress)", ""]
    if plan:
        architecture = plan.get("architecture") or {}
        lines += ["## Plan", "", f"- Workload: **{architecture.get('workload', '')}**"]
        lines += [
            f"- {r.get('kind')}: {r.get('reason')}" for r in architecture.get("resources", [])
        ]
        lines += ["", "### Design decisions", ""]
        lines += [f"- {d}" for d in architecture.get("design_decisions", [])]
    for gate in ("validation", "security"):
        report = state.get(gate) or {}
        if report:
            verdict = "passed" if report.get("passed") else "did not pass"
            lines += ["", f"## {gate.capitalize()}: {verdict}", ""]
            lines += [f"- {_finding(f)}" for f in report.get("findings", [])[:100]]
    return "\n".join(lines) + "\n"


def _finding(f: dict[str, Any]) -> str:
    where = f"{f.get('file')}:{f.get('line')}" if f.get("line") else f.get("file") or "chart"
    return f"**{f.get('severity')}** {f.get('rule')} `{where}`: {f.get('message')}"


# --------------------------------------------------------------------------- check run


@dataclass(frozen=True)
class CheckOutput:
    conclusion: str  # success | failure | action_required | neutral
    title: str
    summary: str
    text: str
    annotations: list[dict[str, Any]]


def check_output(
    outcome: RunOutcome, chart_path: str, report_md: str, report_url: str
) -> CheckOutput:
    """The check run on the chart's commit: verdict, report and line annotations."""
    state = outcome.state
    findings = [
        f
        for gate in ("validation", "security")
        for f in (state.get(gate) or {}).get("findings", [])
        if isinstance(f, dict)
    ]
    if outcome.status == "waiting":
        conclusion, title = "action_required", "Waiting for a decision"
    elif outcome.status == "done" and (state.get("result") or {}).get("passed"):
        conclusion, title = "success", "Chart passed every gate"
    elif outcome.status == "done":
        conclusion, title = "failure", "Chart did not pass every gate"
    else:
        conclusion, title = "neutral", f"Stopped ({outcome.status})"
    counts: dict[str, int] = {}
    for f in findings:
        if not f.get("accepted"):
            counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    tally = ", ".join(f"{n} {s.lower()}" for s, n in counts.items()) or "no open findings"
    summary = f"{title}: {tally}."
    return CheckOutput(
        conclusion=conclusion,
        title=title,
        summary=summary,
        text=fit(report_md, _whole(report_url)),
        annotations=[_annotation(f, chart_path) for f in findings if f.get("file")],
    )


def _annotation(f: dict[str, Any], chart_path: str) -> dict[str, Any]:
    line = f.get("line") or 1
    level = "notice" if f.get("accepted") else LEVELS.get(f.get("severity", ""), "notice")
    return {
        "path": f"{chart_path}/{f['file']}",
        "start_line": line,
        "end_line": line,
        "annotation_level": level,
        "title": f"{f.get('rule', '')} ({f.get('source', '')})"[:255],
        "message": str(f.get("message", ""))[:64_000] or "finding",
    }


# --------------------------------------------------------------------------- review


@dataclass(frozen=True)
class ReviewDraft:
    body: str
    comments: list[dict[str, Any]]  # path, line, side, body: what GitHub's review API takes


def review(key: str, payload: dict[str, Any], chart_path: str) -> ReviewDraft:
    """The PR review that asks for a decision, with comments on the lines it is about."""
    options = "\n".join(f"- `/{o['action']}` — {o['label']}" for o in payload.get("options", []))
    details = "\n".join(f"- {d}" for d in payload.get("details", []))
    body = "\n".join(
        [
            marker("review", key),
            f"**helm-bot needs a decision** ({payload.get('kind', '').replace('_', ' ')}, "
            f"from the {payload.get('agent', '')} agent): {payload.get('question', '')}",
            "",
            details,
            "",
            "Answer with a comment on this pull request:",
            options,
            "",
            "An approving review counts as `/approve`. Use `/edit <instructions>` to change the "
            "request; `/help` lists every command.",
        ]
    )
    comments: dict[tuple[str, int], list[str]] = {}
    findings = payload.get("findings") or []
    for spot in payload.get("files", []):
        if not spot.get("file"):
            continue
        line = spot.get("line") or 1
        about = [
            _finding(f)
            for f in findings
            if f.get("file") == spot["file"] and (f.get("line") or 1) == line
        ] or [payload.get("question", "")]
        comments.setdefault((spot["file"], line), []).extend(about)
    return ReviewDraft(
        body=fit(body, "in the pull request's check run"),
        comments=[
            {
                "path": f"{chart_path}/{file}",
                "line": line,
                "side": "RIGHT",
                "body": "\n".join(dict.fromkeys(texts))[:60_000],
            }
            for (file, line), texts in list(comments.items())[:50]
        ],
    )
