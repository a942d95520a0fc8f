"""Which Kubernetes objects the chart holds, per workload, each with the sentence that says why.

The plan is shown to a human in the pull request, so every object comes with its reason. The
main workload and every further component get the same treatment: a workload kind, a Service
when they expose ports, an HPA and a PDB when they scale, claims for their volumes.
"""

from __future__ import annotations

from bot.tools.datastores import is_datastore_image
from bot.tools.models import (
    AppAnalysis,
    Architecture,
    Requirements,
    ResourceDecision,
    Workload,
    WorkloadKind,
)
from bot.tools.planning.analysis import (
    BATCH_KINDS,
    analyze_application_requirements,
    pdb_min_available,
)


def choose_workload(requirements: Workload, analysis: AppAnalysis) -> tuple[WorkloadKind, str]:
    """Return the workload kind and why it was chosen."""
    w = requirements
    if w.workload:
        return w.workload, f"{w.workload} requested explicitly"
    if w.hook:
        return "Job", f"a one-off step run as a Helm {w.hook} hook"
    if w.schedule:
        return "CronJob", f"runs on the schedule '{w.schedule}'"
    if w.app_type in ("job", "migration"):
        return "Job", "a one-off task that runs to completion"
    if w.app_type == "daemon":
        return "DaemonSet", "a node agent: one pod on every node"
    per_replica_disk = [
        v
        for v in w.volumes
        if v.persistent and v.access_mode in ("ReadWriteOnce", "ReadWriteOncePod")
    ]
    wants_many = w.replicas is not None and w.replicas.max > 1
    if w.app_type == "database" or is_datastore_image(w.image):
        return "StatefulSet", "a database: stable identity and one volume per replica"
    if per_replica_disk and wants_many:
        return "StatefulSet", (
            "several replicas each need their own ReadWriteOnce volume: volumeClaimTemplates"
        )
    if analysis.stateless:
        return "Deployment", "stateless service: interchangeable replicas"
    return "Deployment", "a single replica with its own persistent volume"


def autoscales(requirements: Workload, analysis: AppAnalysis, workload: str) -> bool:
    """Return True when the workload may scale out: stateless, or a stated range of replicas
    for a StatefulSet (each replica has its own volume, so more replicas are more volumes)."""
    stated = (
        requirements.replicas is not None and requirements.replicas.max > requirements.replicas.min
    )
    return analysis.horizontally_scalable or (stated and workload == "StatefulSet")


def prod_replica_range(
    requirements: Workload, analysis: AppAnalysis, workload: WorkloadKind
) -> tuple[int, int, str]:
    """Return the production replica floor and ceiling and where they come from."""
    if workload in ("DaemonSet", *BATCH_KINDS):
        return 1, 1, f"{workload}: replica count does not apply"
    stated = requirements.replicas
    if stated is not None:
        low = max(1, stated.min)
        high = max(low, stated.max)
        reason = f"replicas {stated.min}-{stated.max} as stated"
        if stated.min < 1:
            reason += " (scale to zero is not supported by the HPA: floor raised to 1)"
        if not autoscales(requirements, analysis, workload) and high > low:
            reason += f"; not horizontally scalable, so fixed at {low}"
            high = low
        return low, high, reason
    if analysis.horizontally_scalable:
        return 2, 2, "no replica count stated: 2 in production so one pod can be lost"
    return 1, 1, "no replica count stated and replicas are not interchangeable: 1"


def workload_objects(
    w: Workload, analysis: AppAnalysis, label: str
) -> tuple[WorkloadKind, list[ResourceDecision], list[str]]:
    """Return one workload's kind, its objects with reasons, and the decisions made on the way."""
    workload, why = choose_workload(w, analysis)
    prefix = f"{label}: " if label else ""
    decisions = [f"{prefix}{workload}: {why}"]
    resources = [ResourceDecision(kind=workload, reason=prefix + why)]
    exposed = [p for p in w.ports if p.expose]
    batch = workload in BATCH_KINDS
    if workload == "StatefulSet":
        resources.append(
            ResourceDecision(
                kind="Service",
                reason=f"{prefix}headless Service (clusterIP: None) governing the "
                "StatefulSet: stable per-pod DNS names",
            )
        )
    if exposed and not batch:
        kind = w.service_type or "ClusterIP"
        names = ", ".join(f"{p.name}:{p.port}" for p in exposed)
        resources.append(
            ResourceDecision(kind="Service", reason=f"{prefix}{kind} Service for {names}")
        )
    elif exposed and batch:
        decisions.append(f"{prefix}no Service: a run-to-completion workload is not an endpoint")
    low, high, _ = prod_replica_range(w, analysis, workload)
    if (
        high > low
        and autoscales(w, analysis, workload)
        and workload in ("Deployment", "StatefulSet")
    ):
        resources.append(
            ResourceDecision(
                kind="HorizontalPodAutoscaler",
                reason=f"{prefix}scales {low}-{high} replicas on CPU",
            )
        )
    if (low > 1 or w.disruption) and workload in ("Deployment", "StatefulSet"):
        kept = (
            f"{w.disruption.min_available or w.disruption.max_unavailable} as stated"
            if w.disruption
            else f"{pdb_min_available(low)} of {low} pods up"
        )
        resources.append(
            ResourceDecision(
                kind="PodDisruptionBudget", reason=f"{prefix}keeps {kept} during node drains"
            )
        )
    for volume in w.volumes:
        if not volume.persistent:
            continue
        where = (
            "volumeClaimTemplates, one claim per replica"
            if workload == "StatefulSet"
            else "one claim"
        )
        size = volume.size or "10Gi"
        resources.append(
            ResourceDecision(
                kind="PersistentVolumeClaim",
                reason=f"{prefix}{volume.name} ({size}, {volume.access_mode}) at "
                f"{volume.mount_path}: {where}",
            )
        )
    return workload, resources, decisions


def design_kubernetes_architecture(
    requirements: Requirements, analysis: AppAnalysis
) -> Architecture:
    """Choose the workload kinds and the Kubernetes objects around them, each with a reason."""
    workload, resources, decisions = workload_objects(requirements, analysis, "")
    for component in requirements.components:
        _, more, said = workload_objects(
            component, analyze_application_requirements(component), component.name
        )
        resources += more
        decisions += said
    ingress = requirements.ingress
    if ingress and ingress.hosts:
        hosts = ", ".join(ingress.hosts)
        served = any(r.kind == "Service" and "headless" not in r.reason for r in resources)
        if served:
            tls = " with TLS" if ingress.tls else ""
            routes = "".join(f", {r.path} to {r.component}" for r in ingress.routes)
            resources.append(
                ResourceDecision(kind="Ingress", reason=f"HTTP routing for {hosts}{tls}{routes}")
            )
        else:
            decisions.append(f"Ingress for {hosts} skipped: nothing exposes a Service port")
    if any(w.env for w in requirements.workloads()):
        count = sum(len(w.env) for w in requirements.workloads())
        resources.append(
            ResourceDecision(
                kind="ConfigMap",
                reason=f"{count} plain setting(s) kept out of the pod spec and changeable "
                "without a rebuild",
            )
        )
    token_users = [w for w in requirements.workloads() if w.needs_service_account_token]
    token = "mounted: the app calls the Kubernetes API" if token_users else "not mounted"
    resources.append(
        ResourceDecision(
            kind="ServiceAccount",
            reason=f"a dedicated identity instead of 'default'; token {token}",
        )
    )
    for w in requirements.workloads():
        if w.rbac and w.rbac.rules:
            kind = "ClusterRole" if w.rbac.cluster else "Role"
            verbs = "; ".join(f"{','.join(r.verbs)} {','.join(r.resources)}" for r in w.rbac.rules)
            resources.append(ResourceDecision(kind=kind, reason=f"the API access stated: {verbs}"))
            resources.append(
                ResourceDecision(
                    kind=f"{kind}Binding", reason=f"grants the {kind} to the ServiceAccount"
                )
            )
    resources.append(
        ResourceDecision(
            kind="NetworkPolicy",
            reason="default-deny with explicit ingress and egress allowances",
        )
    )
    decisions += _baseline_decisions(requirements, analysis)
    return Architecture(workload=workload, resources=resources, design_decisions=decisions)


def _baseline_decisions(requirements: Requirements, analysis: AppAnalysis) -> list[str]:
    decisions = [
        "Pod Security 'restricted': non-root, no privilege escalation, all capabilities "
        "dropped, RuntimeDefault seccomp",
        "read-only root filesystem with emptyDir mounts for " + ", ".join(analysis.writable_paths),
        f"probes: {analysis.probe.kind}"
        + (f" {analysis.probe.path}" if analysis.probe.kind == "http" else ""),
        f"terminationGracePeriodSeconds {analysis.graceful_shutdown_seconds} for graceful shutdown",
    ]
    if analysis.privileged_port:
        decisions.append(
            "port below 1024: the pod sets the safe sysctl net.ipv4.ip_unprivileged_port_start "
            "instead of adding NET_BIND_SERVICE"
        )
    secrets = sum(len(w.secrets) for w in requirements.workloads())
    if secrets:
        decisions.append(
            f"{secrets} secret value(s) read from existing Secrets; the chart never contains "
            "secret values"
        )
    if analysis.session_affinity:
        decisions.append("Service sessionAffinity ClientIP for sticky sessions")
    for dep in requirements.dependencies:
        if dep.external:
            decisions.append(
                f"{dep.kind} is managed outside this chart, as the request says: not bundled; "
                f"the NetworkPolicy lets the app out to its port (networkPolicy.extraEgress: "
                "narrow it to the server's address)"
            )
    return decisions
