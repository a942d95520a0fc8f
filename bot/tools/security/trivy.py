"""Mapping Trivy's check ids to template lines, values edits and accepted exceptions is the gate's
own policy, unlike running the process; it lives apart so that the mapping can change without
touching the process handling.
"""

from __future__ import annotations

from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Document
from bot.tools.models import Finding, SecurityReport
from bot.tools.security.scan_files import Located
from bot.tools.security.shared import _context_fix, _renderings, _report, _resources_fix
from bot.tools.security.tables import (
    _CONTAINER_IN_MESSAGE,
    _KSV_CONTEXT_FIXES,
    _KSV_RESOURCES,
    _SAFE_SYSCTLS,
    _TRIVY_SEVERITY,
)
from bot.tools.security.trivy_process import trivy_run
from bot.tools.validate import (
    containers,
    dedupe,
    failing,
    pod_template,
    render_failures,
    with_fix,
)

# --------------------------------------------------------------------------- 1. Trivy


def trivy_scan_templates(chart_dir: str, values_files: list[str] | None = None) -> SecurityReport:
    """Scan every values set's render with Trivy's Kubernetes misconfiguration checks."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "trivy")
    if not _renderings(context):
        return _report("trivy", findings)
    run = trivy_run(context)
    if isinstance(run, str):
        return _skipped("trivy", run, findings)
    result = run.wait()
    if result is None:
        return _trivy_failed("trivy", run.error, findings)
    for target, item in _results(result):
        if not target.startswith("rendered/"):
            continue  # the chart's own files are there for the secret scanner
        for misconf in item.get("Misconfigurations") or []:
            if misconf.get("Status") == "FAIL":
                line = (misconf.get("CauseMetadata") or {}).get("StartLine")
                where = run.tree.locate(context, target, int(line) if line else None)
                findings.append(_misconfiguration(context, where, misconf))
    return _report("trivy", findings)


def _skipped(check: str, reason: str, findings: list[Finding]) -> SecurityReport:
    """Report a Trivy check that could not run because Trivy is absent."""
    note = Finding(
        source="trivy",
        rule="HB-TRIVY-SKIPPED",
        severity="INFO",
        message=f"Trivy scan skipped: {reason}",
    )
    unique = dedupe([*findings, note])
    return SecurityReport(passed=not failing(unique), findings=unique, checks={check: "skipped"})


def _trivy_failed(check: str, error: str, findings: list[Finding]) -> SecurityReport:
    """Report a Trivy run that failed: the gate cannot pass on a scan that did not happen."""
    return _report(
        check,
        [*findings, Finding(source="trivy", rule="HB-TRIVY-ERROR", severity="HIGH", message=error)],
    )


def _results(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Return (target, result) pairs of a Trivy report."""
    return [
        (str(item.get("Target") or ""), item)
        for item in result.get("Results") or []
        if isinstance(item, dict)
    ]


def _misconfiguration(context: ChartContext, where: Located, misconf: dict[str, Any]) -> Finding:
    """Turn one failed Trivy check into a finding on the template line that caused it."""
    message = str(misconf.get("Message") or misconf.get("Title") or "")
    rule = str(misconf.get("ID") or misconf.get("AVDID") or "trivy")
    doc, rendering = where.doc, where.rendering
    f = Finding(
        source="trivy",
        rule=rule,
        severity=_TRIVY_SEVERITY.get(str(misconf.get("Severity")), "INFO"),
        message=f"{misconf.get('Title')}: {message}" if misconf.get("Title") else message,
        file=where.file,
        line=where.line,
        resource=doc.resource if doc else "",
        values_file=where.values_file,
    )
    if doc is None or rendering is None:
        return f
    if rule == "KSV117":
        return _privileged_port(f, doc)
    if rule == "KSV026":
        return _safe_sysctls(f, doc)
    template = pod_template(doc)
    match = _CONTAINER_IN_MESSAGE.search(message)
    container = next(
        (c for _, _, c in containers(template.spec if template else {})
         if match and c.get("name") == match[1]),
        None,
    )  # fmt: skip
    if template is None or container is None:
        return f
    if rule in _KSV_RESOURCES:
        return with_fix(f, _resources_fix(context, rendering, template, container))
    fields = _KSV_CONTEXT_FIXES.get(rule)
    if fields:
        pod_level = "seccompProfile.type" in fields and len(fields) == 1
        return with_fix(
            f, _context_fix(context, rendering, template, container, fields, pod_level=pod_level)
        )
    return f


def _privileged_port(f: Finding, doc: Document) -> Finding:
    """Accept KSV117 when a container really listens below 1024 (the request asked for it)."""
    template = pod_template(doc)
    low = sorted(
        {
            int(p["containerPort"])
            for _, _, c in containers(template.spec if template else {})
            for p in c.get("ports") or []
            if isinstance(p, dict)
            and isinstance(p.get("containerPort"), int)
            and p["containerPort"] < 1024
        }
    )
    if not low:
        return f
    return f.model_copy(
        update={
            "accepted": True,
            "explanation": f"the application listens on port {', '.join(map(str, low))}, "
            "below 1024; the pod lowers net.ipv4.ip_unprivileged_port_start for its own network "
            "namespace instead of adding NET_BIND_SERVICE",
        }
    )


def _safe_sysctls(f: Finding, doc: Document) -> Finding:
    """Accept KSV026 when every sysctl the pod sets is on the Pod Security safe list.

    ``ip_unprivileged_port_start`` is on it since Kubernetes 1.22; Trivy's KSV026 list is older.
    """
    template = pod_template(doc)
    context = (template.spec if template else {}).get("securityContext") or {}
    names = {str(s.get("name")) for s in context.get("sysctls") or [] if isinstance(s, dict)}
    if not names or not names <= _SAFE_SYSCTLS:
        return f
    return f.model_copy(
        update={
            "accepted": True,
            "explanation": f"sysctl(s) {', '.join(sorted(names))} are on the Pod Security "
            "Standards' safe list (allowed by the baseline and restricted profiles); Trivy's "
            "KSV026 predates that list",
        }
    )
