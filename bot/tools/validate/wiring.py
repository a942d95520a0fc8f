"""Whether rendered objects connect to one another (selectors, Service ports, Ingress backends, HPA
and PDB targets) can only be judged against the whole rendering; those checks live apart from
the per-object rules so that each module is about one kind of mistake.
"""

from __future__ import annotations

from typing import Any

from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding
from bot.tools.validate.pods import (
    PodTemplate,
    containers,
    map_selects,
    same_namespace,
    selector_matches,
)
from bot.tools.validate.shared import finding

# --------------------------------------------------------------------------- 3. dry run


def _workload_selector(
    context: ChartContext, rendering: Rendering, template: PodTemplate
) -> list[Finding]:
    """Check that a controller's selector selects its own pod template (the API requires it)."""
    if template.kind in ("Pod", "CronJob", "Job"):
        return []
    selector = (template.doc.obj or {}).get("spec", {}).get("selector")
    if selector_matches(selector, template.labels):
        return []
    return [
        finding(
            context,
            rendering,
            template.doc,
            ("spec", "selector"),
            source="dry-run",
            rule="HB-DRY-SELECTOR",
            severity="HIGH",
            message=f"{template.doc.resource}: spec.selector does not match the pod template's "
            "labels",
        )
    ]


def _service(
    context: ChartContext, rendering: Rendering, doc: Document, templates: list[PodTemplate]
) -> list[Finding]:
    """Check that a Service selects pods and that its target ports exist on them."""
    spec = (doc.obj or {}).get("spec") or {}
    selector = spec.get("selector")
    if spec.get("type") == "ExternalName" or not selector:
        return []
    selected = [
        t
        for t in templates
        if same_namespace(t.doc, doc) and not t.doc.is_hook and map_selects(selector, t.labels)
    ]
    if not selected:
        return [
            finding(
                context,
                rendering,
                doc,
                ("spec", "selector"),
                source="dry-run",
                rule="HB-DRY-SERVICE-SELECTOR",
                severity="HIGH",
                message=f"{doc.resource} selects no pods rendered by the chart",
            )
        ]
    port_names = {
        str(p.get("name"))
        for t in selected
        for _, _, c in containers(t.spec)
        for p in c.get("ports") or []
        if isinstance(p, dict) and p.get("name")
    }
    port_numbers = {
        p.get("containerPort")
        for t in selected
        for _, _, c in containers(t.spec)
        for p in c.get("ports") or []
        if isinstance(p, dict)
    }
    found: list[Finding] = []
    for i, port in enumerate(spec.get("ports") or []):
        if not isinstance(port, dict):
            continue
        target = port.get("targetPort", port.get("port"))
        if isinstance(target, str) and not target.isdigit() and target not in port_names:
            found.append(
                finding(
                    context,
                    rendering,
                    doc,
                    ("spec", "ports", i, "targetPort"),
                    source="dry-run",
                    rule="HB-DRY-TARGETPORT",
                    severity="HIGH",
                    message=f'{doc.resource} targets port "{target}", which no selected container '
                    "names",
                )
            )
        elif not isinstance(target, str) and target not in port_numbers:
            found.append(
                finding(
                    context,
                    rendering,
                    doc,
                    ("spec", "ports", i),
                    source="dry-run",
                    rule="HB-DRY-TARGETPORT",
                    severity="LOW",
                    message=f"{doc.resource} targets port {target}, which no selected container "
                    "declares",
                )
            )
    return found


def _objects(rendering: Rendering, kind: str, namespace: str) -> dict[str, Document]:
    """Index a rendering's objects of one kind in one namespace by name."""
    return {d.name: d for d in rendering.objects if d.kind == kind and d.namespace == namespace}


def _ingress(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Check that every Ingress backend is a Service of the chart with that port."""
    services = _objects(rendering, "Service", doc.namespace)
    spec = (doc.obj or {}).get("spec") or {}
    backends: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(spec.get("defaultBackend"), dict):
        backends.append((("spec", "defaultBackend"), spec["defaultBackend"]))
    for r, rule in enumerate(spec.get("rules") or []):
        paths = ((rule or {}).get("http") or {}).get("paths") or []
        for p, entry in enumerate(paths):
            if isinstance(entry, dict):
                backends.append(
                    (("spec", "rules", r, "http", "paths", p, "backend"), entry.get("backend"))
                )
    found: list[Finding] = []
    for path, backend in backends:
        problem = _backend_problem(backend, services)
        if problem:
            found.append(
                finding(
                    context,
                    rendering,
                    doc,
                    path,
                    source="dry-run",
                    rule="HB-DRY-INGRESS-BACKEND",
                    severity="HIGH",
                    message=f"{doc.resource}: {problem}",
                )
            )
    return found


def _backend_problem(backend: Any, services: dict[str, Document]) -> str:
    """Say what is wrong with one Ingress backend ('' when it is wired)."""
    if not isinstance(backend, dict):
        return "a path has no backend"
    if "resource" in backend:
        return ""
    service = backend.get("service") or {}
    name = service.get("name")
    target = services.get(str(name))
    if target is None:
        return f'backend Service "{name}" is not rendered by the chart'
    port = service.get("port") or {}
    ports = [
        p for p in ((target.obj or {}).get("spec") or {}).get("ports") or [] if isinstance(p, dict)
    ]
    if "name" in port and port["name"] not in {p.get("name") for p in ports}:
        return f'backend Service "{name}" has no port named "{port["name"]}"'
    if "number" in port and port["number"] not in {p.get("port") for p in ports}:
        return f'backend Service "{name}" has no port {port["number"]}'
    return ""


def _hpa(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Check that an HPA scales a workload of the chart within a sane range."""
    spec = (doc.obj or {}).get("spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    found: list[Finding] = []
    if str(ref.get("name")) not in _objects(rendering, str(ref.get("kind")), doc.namespace):
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "scaleTargetRef"),
                source="dry-run",
                rule="HB-DRY-HPA-TARGET",
                severity="HIGH",
                message=f"{doc.resource} scales {ref.get('kind')}/{ref.get('name')}, "
                "which the chart does not render",
            )
        )
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "minReplicas"),
                source="dry-run",
                rule="HB-DRY-HPA-RANGE",
                severity="HIGH",
                message=f"{doc.resource}: minReplicas {low} is above maxReplicas {high}",
            )
        )
    return found


def _pdb(
    context: ChartContext, rendering: Rendering, doc: Document, templates: list[PodTemplate]
) -> list[Finding]:
    """Check that a PDB protects some workload of the chart and is well formed."""
    spec = (doc.obj or {}).get("spec") or {}
    found: list[Finding] = []
    if "minAvailable" in spec and "maxUnavailable" in spec:
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "maxUnavailable"),
                source="dry-run",
                rule="HB-DRY-PDB",
                severity="HIGH",
                message=f"{doc.resource} sets both minAvailable and maxUnavailable",
            )
        )
    if not any(
        same_namespace(t.doc, doc)
        and not t.doc.is_hook
        and selector_matches(spec.get("selector"), t.labels)
        for t in templates
    ):
        found.append(
            finding(
                context,
                rendering,
                doc,
                ("spec", "selector"),
                source="dry-run",
                rule="HB-DRY-PDB-TARGET",
                severity="HIGH",
                message=f"{doc.resource} selects no pods rendered by the chart",
            )
        )
    return found
