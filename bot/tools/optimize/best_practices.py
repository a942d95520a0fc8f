"""Best-practice advice needs a human decision and never changes values, unlike every other
rule; it lives on its own so that advice can grow without touching the rules whose changes are
applied and routed.
"""

from __future__ import annotations

from bot.tools.cost import draft_workload, effective_values, get_path
from bot.tools.models import ChartDraft, Optimization, OptimizationReport
from bot.tools.optimize.helpers import Values, _int, _label, _optimization, _prod_env
from bot.tools.optimize.tables import _HANDLERS, SLOW_START_SECONDS

# --------------------------------------------------------------------------- best practices


def suggest_best_practices(draft: ChartDraft) -> OptimizationReport:
    """Give advice that needs a human decision: digests, startup probes, priority, TLS."""
    env = _prod_env(draft)
    values = effective_values(draft, env)
    label = _label(env)
    found: list[Optimization] = []

    def advise(ident: str, text: str) -> None:
        found.append(_optimization(draft, f"best-practice.{ident}", "best-practice", text))

    if not get_path(values, "image.digest"):
        advise(
            "image-digest",
            "pin the image by digest (image.digest): a tag can be moved to "
            "different content, a digest cannot; `helm-bot generate --pin-digests` (or "
            "`pin_digests: true` in .github/helm-bot.yml) looks it up in the registry",
        )
    liveness = values.get("livenessProbe")
    delay = _int(get_path(values, "livenessProbe.initialDelaySeconds")) or 0
    if delay >= SLOW_START_SECONDS and get_path(values, "startupProbe.enabled") is not True:
        advise(
            "startup-probe",
            f"liveness waits {delay}s before the first check; a startupProbe "
            "(startupProbe.enabled) protects the slow start and lets liveness react quickly "
            "afterwards",
        )
    if not values.get("priorityClassName") and draft_workload(draft) != "CronJob":
        advise(
            "priority-class",
            f"{label}: set priorityClassName so these pods are not the "
            "first preempted when the cluster is full",
        )
    readiness = values.get("readinessProbe")
    if isinstance(liveness, dict) and isinstance(readiness, dict):
        same = [k for k in _HANDLERS if k in liveness and liveness.get(k) == readiness.get(k)]
        if same and liveness.get("enabled", True) is not False:
            advise(
                "liveness-endpoint",
                "liveness and readiness hit the same endpoint; if it "
                "checks dependencies, a database outage restarts every pod. Give liveness an "
                "endpoint that only proves the process is alive",
            )
    if get_path(values, "ingress.enabled") is True and not get_path(values, "ingress.tls"):
        advise(
            "ingress-tls",
            "the Ingress serves plain HTTP; add ingress.tls (cert-manager can "
            "issue the certificate)",
        )
    if _exposes_metrics(values) and not _scraped(values):
        advise(
            "metrics-scrape",
            "a metrics port is exposed but nothing scrapes it; add a "
            "ServiceMonitor or prometheus.io/* pod annotations",
        )
    if get_path(values, "tests.enabled") is False and get_path(values, "service.enabled"):
        advise("helm-test", "enable tests.enabled so `helm test` checks a release end to end")
    return OptimizationReport(optimizations=found)


def _exposes_metrics(values: Values) -> bool:
    ports = values.get("containerPorts")
    return any(
        isinstance(p, dict) and "metrics" in str(p.get("name", ""))
        for p in (ports if isinstance(ports, list) else [])
    )


def _scraped(values: Values) -> bool:
    annotations = values.get("podAnnotations")
    names = annotations if isinstance(annotations, dict) else {}
    return any(str(k).startswith("prometheus.io/") for k in names) or bool(
        get_path(values, "metrics.serviceMonitor.enabled")
    )
