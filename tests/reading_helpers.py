"""Short views of parsed requirements, for the reading-rule tests.

The reading tests state a sentence and check what the parser made of it; these helpers turn the
parts they look at (a workload, its env, its Secret references) into plain dicts and lists so each
assertion reads like the fact the sentence says.
"""

from __future__ import annotations

from bot.tools.models import Requirements
from bot.tools.requirements import parse_requirements


def read(text: str) -> Requirements:
    return parse_requirements(text)


def part(requirements: Requirements, name: str):  # noqa: ANN201 - Requirements or a Workload
    """The main app when it carries `name`, else the listed part of that name."""
    if requirements.component == name:
        return requirements
    return next(c for c in requirements.components if c.name == name)


def names_of(requirements: Requirements) -> list[str]:
    return [c.name for c in requirements.components]


def env_of(workload) -> dict[str, str]:  # noqa: ANN001 - Requirements or a Workload
    return {e.name: e.value for e in workload.env}


def secrets_of(workload) -> dict[str, tuple[str, str]]:  # noqa: ANN001 - Requirements or a Workload
    return {s.env: (s.secret_name, s.key) for s in workload.secrets}


def wired_of(workload) -> dict[str, str]:  # noqa: ANN001 - Requirements or a Workload
    return {x.env: x.dependency for x in workload.connections}


def workloads(requirements: Requirements) -> dict[str, object]:
    """Every workload by name, the main app under its component name (or the app's name)."""
    return {
        requirements.component or requirements.name: requirements,
        **{c.name: c for c in requirements.components},
    }
