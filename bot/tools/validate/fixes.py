"""The validator and the security gate plan their fixes through one rule (first proposal of a path
wins), so turning the value edits findings carry into ``ValueChange`` objects lives alone,
depending on neither agent's checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.tools.helm import environment_of
from bot.tools.models import Finding, FixPlan, ValueChange
from bot.tools.validate.shared import decode_fix

# --------------------------------------------------------------------------- 5. fixes


def suggest_fixes(findings: list[Finding]) -> FixPlan:
    """Turn the value edits findings carry into changes; list the findings no edit can mend."""
    return plan_fixes(findings)


def plan_fixes(findings: Iterable[Finding]) -> FixPlan:
    """Collect value edits per values file, first proposal of a path wins."""
    plan = FixPlan()
    chosen: dict[tuple[str, str], ValueChange] = {}
    for f in findings:
        edits = decode_fix(f.fix)
        if not edits:
            plan.unfixable.append(f)
            continue
        environment = environment_of(f.values_file)
        for path, value in edits.items():
            key = (environment, path)
            if key not in chosen:
                chosen[key] = ValueChange(
                    path=path,
                    value=value,
                    environment=environment,
                    reason=f"{f.rule}: {f.message}",
                )
    plan.changes = list(chosen.values())
    return plan
