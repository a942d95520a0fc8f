"""This check reads the request, not the chart, and is the only one that refuses outright; it lives
on its own so that the refusal policy never mixes with what the rendered chart happens to do.
"""

from __future__ import annotations

from bot.tools.models import Finding, Requirements, SecurityReport
from bot.tools.security.shared import _report
from bot.tools.security.tables import _ALWAYS_ALLOWED, _REFUSALS

# --------------------------------------------------------------------------- 8. refusals


def check_elevated_requests(
    requirements: Requirements, allowed: list[str] | None = None
) -> SecurityReport:
    """Refuse each elevated power the request asks for that the repository does not allow.

    ``allowed`` holds the repository's exceptions, named as ``ElevatedAccess.requested()`` names
    them (``hostPath /var/log``, ``capability NET_ADMIN``) or by family (``hostPath``,
    ``capability``). NET_BIND_SERVICE needs no exception: the restricted profile grants it.
    """
    permitted = {a.strip().lower() for a in allowed or []} | _ALWAYS_ALLOWED
    findings: list[Finding] = []
    refused: list[str] = []
    for power in requirements.elevated.requested():
        family = power.split(" ", 1)[0] if power.startswith(("hostPath ", "capability ")) else power
        refusal = _REFUSALS[family]
        if power.lower() in permitted or family.lower() in permitted:
            findings.append(
                Finding(
                    source="elevated",
                    rule=refusal.rule,
                    severity="INFO",
                    accepted=True,
                    message=f"{power} is requested and allowed by the repository's settings",
                    explanation=f"allowed exception; risk: {refusal.why}",
                )
            )
            continue
        text = (
            f"{power}: refused — {refusal.why}. Instead: {refusal.instead}. If it is truly "
            f"needed, allow it: `allowed_exceptions: [{power!r}]` in .github/helm-bot.yml, or "
            f"`helm-bot generate --allow {power!r}`."
        )
        refused.append(text)
        findings.append(
            Finding(source="elevated", rule=refusal.rule, severity="CRITICAL", message=text)
        )
    return _report("elevated", findings, refused=refused)
