"""Disruption budgets, HPAs and replica spreading weigh several objects of a rendering against one
workload at once, unlike the per-container advice, so this part of the best-practice review
lives in a module of its own.
"""

from __future__ import annotations

from typing import Any

from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding
from bot.tools.validate.pods import PodTemplate, same_namespace, selector_matches
from bot.tools.validate.shared import _bp, values_fix, with_fix

# --------------------------------------------------------------------------- 4. best practices


def _availability(
    context: ChartContext, rendering: Rendering, templates: list[PodTemplate]
) -> list[Finding]:
    """Check PDBs against replica counts and HPAs against fixed replica fields."""
    found: list[Finding] = []
    values = rendering.values
    hpas = [d for d in rendering.objects if d.kind == "HorizontalPodAutoscaler"]
    pdbs = [d for d in rendering.objects if d.kind == "PodDisruptionBudget"]
    for template in templates:
        if template.kind not in ("Deployment", "StatefulSet", "ReplicaSet"):
            continue
        doc = template.doc
        spec = (doc.obj or {}).get("spec") or {}
        hpa = next((h for h in hpas if _scales(h, doc)), None)
        replicas = _min_replicas(spec, hpa)
        if hpa is not None and "replicas" in spec:
            found.append(
                _bp(
                    context,
                    rendering,
                    doc,
                    ("spec", "replicas"),
                    "HB-BP-HPA-REPLICAS",
                    "LOW",
                    f"{doc.resource} sets spec.replicas although "
                    f"{hpa.resource} scales it: every upgrade resets the replica count",
                )
            )
        guards = [
            p
            for p in pdbs
            if same_namespace(p, doc)
            and selector_matches(((p.obj or {}).get("spec") or {}).get("selector"), template.labels)
        ]
        if replicas > 1 and not guards:
            f = _bp(
                context,
                rendering,
                doc,
                ("spec",),
                "HB-BP-PDB",
                "LOW",
                f"{doc.resource} runs {replicas} replicas without a PodDisruptionBudget",
            )
            found.append(with_fix(f, values_fix(values, {"podDisruptionBudget.enabled": True})))
        for pdb in guards:
            problem = _pdb_blocks(pdb, replicas)
            if problem:
                f = _bp(
                    context,
                    rendering,
                    pdb,
                    ("spec",),
                    "HB-BP-PDB-BLOCKS",
                    "MEDIUM",
                    f"{pdb.resource} {problem} for {doc.resource} with {replicas} "
                    "replica(s): node drains can never evict its pods",
                )
                change = (
                    {"podDisruptionBudget.enabled": False}
                    if replicas <= 1
                    else {
                        "podDisruptionBudget.minAvailable": replicas - 1,
                        "podDisruptionBudget.maxUnavailable": None,
                    }
                )
                found.append(with_fix(f, values_fix(values, change)))
        if replicas > 1 and not _spread(template.spec):
            found.append(
                _bp(
                    context,
                    rendering,
                    doc,
                    template.path,
                    "HB-BP-SPREAD",
                    "INFO",
                    f"{doc.resource} runs {replicas} replicas with no "
                    "topologySpreadConstraints or pod anti-affinity",
                )
            )
    return found


def _scales(hpa: Document, doc: Document) -> bool:
    """Tell whether an HPA targets a given workload."""
    ref = ((hpa.obj or {}).get("spec") or {}).get("scaleTargetRef") or {}
    return ref.get("kind") == doc.kind and ref.get("name") == doc.name and same_namespace(hpa, doc)


def _min_replicas(spec: dict[str, Any], hpa: Document | None) -> int:
    """Return the fewest replicas a workload runs with (its HPA's minimum when scaled)."""
    if hpa is not None:
        low = ((hpa.obj or {}).get("spec") or {}).get("minReplicas", 1)
        return low if isinstance(low, int) else 1
    replicas = spec.get("replicas", 1)
    return replicas if isinstance(replicas, int) else 1


def _pdb_blocks(pdb: Document, replicas: int) -> str:
    """Say how a PDB forbids every voluntary eviction ('' when it allows some)."""
    spec = (pdb.obj or {}).get("spec") or {}
    if "maxUnavailable" in spec:
        value = spec["maxUnavailable"]
        return "sets maxUnavailable 0" if value in (0, "0", "0%") else ""
    value = spec.get("minAvailable")
    if isinstance(value, int) and value >= replicas:
        return f"requires minAvailable {value}"
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        needed = -(-replicas * int(value[:-1]) // 100)
        return f"requires minAvailable {value}" if needed >= replicas else ""
    return ""


def _spread(spec: dict[str, Any]) -> bool:
    """Tell whether a pod spec spreads its replicas across nodes or zones."""
    affinity = spec.get("affinity") or {}
    return bool(spec.get("topologySpreadConstraints")) or bool(
        isinstance(affinity, dict) and affinity.get("podAntiAffinity")
    )
