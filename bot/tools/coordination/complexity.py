"""How hard a request is, and whether a human must look before a chart is made.

The rating is a weighted list of rules, each adding a sentence to the reasons, so the level
shown in the pull request can be argued with; the review reasons are the ones a team lead
would want to see before anything is generated (elevated access, API access, an exposure the
request asks for, pasted secrets that must be rotated).
"""

from __future__ import annotations

from typing import Literal

from bot.tools.models import Complexity, Requirements
from bot.tools.parsing.access import INSTRUCTION_NOTE

#
# Complexity is a weighted sum; each rule that applies adds its weight and a consideration:
#   +1 per backing service            +1 per sidecar or init container
#   +2 state on disk (StatefulSet or persistent volume)
#   +1 CronJob, Job or DaemonSet      +1 autoscaling (max > min)      +1 min replicas >= 2
#   +1 ingress with TLS               +1 two or more ports            +1 secrets from Secrets
#   +1 LoadBalancer or NodePort       +1 port below 1024              +2 Kubernetes API access
#   +3 elevated access
# simple: 0-2, medium: 3-6, complex: 7+.
#
# A human reviews the request when it asks for elevated access (privileged, host namespaces,
# hostPath, cluster-admin, root, capabilities), Kubernetes API access (RBAC to confirm),
# contains instructions addressed to the bot, or carried secret values (now redacted, but
# leaked: they must be rotated). An exposure outside the cluster (LoadBalancer, NodePort) the
# request asks for itself is honoured and called out in the report; it waits for a human only
# when the repository says so (``review_exposure: true`` in .github/helm-bot.yml).


def _factors(req: Requirements) -> list[tuple[int, str]]:
    factors: list[tuple[int, str]] = []
    if req.dependencies:
        kinds = ", ".join(d.kind for d in req.dependencies)
        factors.append((len(req.dependencies), f"backing services: {kinds}"))
    extras = [c.name for c in [*req.sidecars, *req.init_containers]]
    if extras:
        factors.append((len(extras), f"extra containers: {', '.join(extras)}"))
    if req.workload == "StatefulSet" or any(v.persistent for v in req.volumes):
        factors.append((2, "stateful: data on persistent volumes"))
    if req.workload in ("CronJob", "Job", "DaemonSet"):
        detail = f" on schedule '{req.schedule}'" if req.schedule else ""
        factors.append((1, f"{req.workload} workload{detail}"))
    if req.replicas and req.replicas.max > req.replicas.min:
        factors.append((1, f"autoscaling {req.replicas.min}-{req.replicas.max} replicas"))
    if req.replicas and req.replicas.min >= 2:
        factors.append((1, "high availability: PodDisruptionBudget and spread across nodes"))
    if req.ingress and req.ingress.tls:
        issuer = f" via {req.ingress.cluster_issuer}" if req.ingress.cluster_issuer else ""
        factors.append((1, f"TLS ingress{issuer}"))
    if len(req.ports) >= 2:
        factors.append((1, "several ports: " + ", ".join(f"{p.name} {p.port}" for p in req.ports)))
    if req.secrets:
        factors.append((1, "secrets read from existing Kubernetes Secrets"))
    if req.service_type in ("LoadBalancer", "NodePort"):
        factors.append((1, f"{req.service_type} Service"))
    low = [p.port for p in req.ports if p.port < 1024]
    if low:
        factors.append((1, f"port {low[0]} is below 1024: allowed by a safe sysctl, no capability"))
    if req.needs_service_account_token:
        factors.append((2, "Kubernetes API access: ServiceAccount token and RBAC"))
    if req.elevated.requested():
        factors.append((3, "elevated access: " + ", ".join(req.elevated.requested())))
    if req.ingress and req.ingress.hosts and not req.ingress.tls:
        factors.append((0, "public ingress without TLS"))
    return factors


def _review_reasons(req: Requirements) -> list[str]:
    reasons = [f"elevated access requested: {power}" for power in req.elevated.requested()]
    # With its rules stated, the permissions are the request's own (listed in the report);
    # without them, a human says what the app may do.
    if any(
        w.needs_service_account_token and not (w.rbac and w.rbac.rules) for w in req.workloads()
    ):
        reasons.append("the app calls the Kubernetes API: confirm the RBAC permissions it needs")
    if any(note.startswith(INSTRUCTION_NOTE) for note in req.notes):
        reasons.append("the request contains instructions addressed to the bot")
    if req.redactions:
        reasons.append(
            f"{req.redactions} secret value(s) were pasted into the request and "
            "redacted: rotate them"
        )
    return reasons


def exposures(req: Requirements) -> list[str]:
    """Return each Service the request exposes outside the cluster, as the report states it."""
    tls = bool(req.ingress and req.ingress.tls)
    out: list[str] = []
    for workload in req.workloads():
        name = getattr(workload, "name", "") or req.name
        ports = ", ".join(str(p.service_port or p.port) for p in workload.ports if p.expose)
        if workload.service_type == "LoadBalancer":
            out.append(
                f"{name}: LoadBalancer Service (as requested) on port(s) {ports or 'none'}, "
                "reachable from outside the cluster" + ("" if tls else ", without TLS")
            )
        elif workload.service_type == "NodePort":
            out.append(
                f"{name}: NodePort Service (as requested) opens port(s) {ports or 'none'} on "
                "every node"
            )
    return out


def classify_complexity(requirements: Requirements) -> Complexity:
    """Rate the request simple/medium/complex and say whether a human must review it."""
    factors = _factors(requirements)
    score = sum(weight for weight, _ in factors)
    level: Literal["simple", "medium", "complex"] = (
        "simple" if score <= 2 else "medium" if score <= 6 else "complex"
    )
    components = (
        1
        + len(requirements.dependencies)
        + len(requirements.sidecars)
        + len(requirements.init_containers)
    )
    considerations = [text for _, text in factors]
    reasoning = f"score {score}: " + ("; ".join(considerations) or "a single stateless component")
    reasons = _review_reasons(requirements)
    return Complexity(
        level=level,
        reasoning=reasoning,
        components_count=components,
        special_considerations=considerations,
        requires_human_review=bool(reasons),
        exposures=exposures(requirements),
        review_reasons=reasons,
    )
