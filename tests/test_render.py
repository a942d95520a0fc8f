"""What the bot writes on GitHub stays under GitHub's limits and says where the rest is."""

from __future__ import annotations

from bot.jobs.runner import RunOutcome
from bot.publish import render

URL = "https://github.com/octo-org/shop/blob/0123abc/charts/api.report.md"


def _long_report() -> str:
    sections = [f"## Finding {n}\n\n" + "A line of the report.\n" * 40 for n in range(200)]
    return "# api\n\n" + "\n".join(sections)


def _done() -> RunOutcome:
    return RunOutcome("octo-org/shop#7", "done", {"result": {"passed": True}})


def test_a_short_report_is_the_whole_description() -> None:
    body = render.pr_body("octo-org/shop#7", 7, _done(), "# api\n\nAll good.\n", URL)
    assert body.endswith("# api\n\nAll good.\n") and "Closes #7." in body
    assert "committed beside the chart" not in body


def test_a_long_report_is_cut_at_a_section_and_links_to_the_committed_one() -> None:
    report = _long_report()
    assert len(report) > render.MAX_TEXT
    body = render.pr_body("octo-org/shop#7", 7, _done(), report, URL)
    assert len(body) <= render.MAX_TEXT
    kept = body.split("\n\n---\n")[0]
    assert kept.rstrip().endswith("A line of the report.")
    assert f"[the report committed beside the chart]({URL})" in body

    check = render.check_output(_done(), "charts/api", report, URL)
    assert len(check.text) <= render.MAX_TEXT and URL in check.text


def test_a_draft_in_progress_links_to_its_committed_progress_report() -> None:
    waiting = RunOutcome("octo-org/shop#7", "waiting", {}, review={"question": "NodePort?"})
    report = render.progress_report(waiting) + _long_report()
    body = render.pr_body("octo-org/shop#7", 7, waiting, report, URL)
    assert len(body) <= render.MAX_TEXT and URL in body and "draft" in body
