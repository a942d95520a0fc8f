"""The pod-security checks and the Trivy mapping must propose the very same values edit for the
same problem, and every check must judge a pass the same way; these helpers sit below all the
checks so that none of them imports another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.tools.helm import ChartContext, Rendering
from bot.tools.models import Finding, SecurityReport
from bot.tools.security.tables import _WRITABLE_TMP
from bot.tools.validate import (
    PodTemplate,
    complete_resources,
    dedupe,
    failing,
    governing_key,
    values_fix,
)

# --------------------------------------------------------------------------- reports


def _report(
    check: str,
    findings: Iterable[Finding],
    *,
    checks: dict[str, str] | None = None,
    refused: Sequence[str] = (),
) -> SecurityReport:
    """Build one check's report: it passes only if nothing unaccepted and failing was found."""
    unique = dedupe(findings)
    passed = not failing(unique)
    outcome = {check: "passed" if passed else "failed"}
    return SecurityReport(
        passed=passed, findings=unique, checks={**outcome, **(checks or {})}, refused=list(refused)
    )


def _renderings(context: ChartContext) -> list[Rendering]:
    """Return the renderings a check can look at."""
    return [r for r in context.renderings() if r.failure is None]


# --------------------------------------------------------------------------- values fixes


def _context_fix(
    context: ChartContext,
    rendering: Rendering,
    template: PodTemplate,
    container: dict[str, Any] | None,
    fields: dict[str, Any],
    *,
    pod_level: bool = False,
) -> dict[str, Any]:
    """Propose securityContext value edits for a container (or its pod) the values govern."""
    values = rendering.values
    if pod_level:
        key = governing_key(
            context,
            rendering,
            template.doc,
            ("podSecurityContext",),
            template.spec.get("securityContext"),
        )
        if key:
            return values_fix(values, {f"{key}.{k}": v for k, v in fields.items()})
    if container is None:
        return {}
    key = governing_key(
        context,
        rendering,
        template.doc,
        ("containerSecurityContext", "securityContext"),
        container.get("securityContext"),
    )
    if not key:
        return {}
    changes = {f"{key}.{k}": v for k, v in fields.items()}
    if fields.get("readOnlyRootFilesystem") is True and values.get("writableDirs") == []:
        changes["writableDirs"] = _WRITABLE_TMP
    return values_fix(values, changes)


def _resources_fix(
    context: ChartContext, rendering: Rendering, template: PodTemplate, container: dict[str, Any]
) -> dict[str, Any]:
    """Propose complete resources when the values' resources block governs the container."""
    current = container.get("resources") if isinstance(container.get("resources"), dict) else {}
    key = governing_key(context, rendering, template.doc, ("resources",), current)
    if key:
        return {key: complete_resources(current or {})}
    return {}
