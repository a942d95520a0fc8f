"""The coordinator's tools: understand a chart request without an LLM, rate it, and check it.

``parse_requirements`` accepts the shapes people actually write (prose, bullet lists, GitHub
issue forms, pasted docker-compose YAML) and always redacts secret values first.
``classify_complexity`` rates the request with an explicit, weighted rule list and says when a
human should look. ``validate_requirements`` refuses nonsense and invalid facts with concrete
questions, and states every default it assumes for facts the request left out.
"""

from __future__ import annotations

from bot.tools.coordination.assumptions import apply_assumptions
from bot.tools.coordination.checks import host_error, validate_requirements
from bot.tools.coordination.complexity import classify_complexity
from bot.tools.models import Requirements
from bot.tools.parsing import request
from bot.tools.parsing.draft import RANK_EXPLICIT, Draft
from bot.tools.parsing.secrets import redact_secrets

__all__ = [
    "apply_assumptions",
    "host_error",
    "classify_complexity",
    "parse_requirements",
    "redact_secrets",
    "validate_requirements",
]


# ----------------------------------------------------------------------------- parse


def parse_requirements(user_input: str) -> Requirements:
    """Turn a chart request in any supported shape into ``Requirements`` (secrets redacted)."""
    draft, count = _read(user_input)
    return draft.build(count)


def parse_edit(instruction: str) -> Requirements:
    """Read a human's ``/edit`` instruction as a request that keeps the chart's name.

    Only an instruction that names the chart ("call it billing-api", "name: billing-api",
    a quoted name) renames it: the name a request would get from "the worker service needs
    1Gi" (worker-app) is a guess, and a renamed chart is a new directory and a new branch.
    """
    draft, count = _read(instruction)
    if draft.name_rank < RANK_EXPLICIT:
        draft.name = ""
    return draft.build(count)


def _read(user_input: str) -> tuple[Draft, int]:
    """Gather the facts of ``user_input``; return them with the number of secrets redacted."""
    return request.read(user_input)
