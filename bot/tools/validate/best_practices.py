"""Best-practice advice reviews a chart rather than gating it; its entry point and the advice on
each object and container live apart from the failing checks so that advice can grow without
crowding the rules that decide a pass.
"""

from __future__ import annotations

from bot.tools import helm
from bot.tools.helm import ChartContext, Document, Rendering
from bot.tools.models import Finding, ValidationReport
from bot.tools.validate.availability import _availability
from bot.tools.validate.pods import PodTemplate, containers, pod_templates
from bot.tools.validate.resources import _resources
from bot.tools.validate.shared import _bp, render_failures, report, values_fix, with_fix
from bot.tools.validate.tables import _RECOMMENDED_LABELS

# --------------------------------------------------------------------------- 4. best practices


def check_best_practices(chart_dir: str, values_files: list[str] | None = None) -> ValidationReport:
    """Review labels, probes, resources, images, disruption budgets and scaling."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "best-practice")
    for rendering in context.renderings():
        if rendering.failure is not None:
            continue
        templates = pod_templates(rendering)
        for doc in rendering.objects:
            findings.extend(_labels(context, rendering, doc))
        for template in templates:
            findings.extend(_containers_advice(context, rendering, template))
        findings.extend(_availability(context, rendering, templates))
    return report("best-practices", context, findings)


def _labels(context: ChartContext, rendering: Rendering, doc: Document) -> list[Finding]:
    """Ask for the recommended app.kubernetes.io labels on every object."""
    labels = doc.metadata.get("labels")
    labels = labels if isinstance(labels, dict) else {}
    missing = [k for k in _RECOMMENDED_LABELS if k not in labels]
    found: list[Finding] = []
    if missing:
        found.append(
            _bp(
                context,
                rendering,
                doc,
                ("metadata",),
                "HB-BP-LABELS",
                "LOW",
                f"{doc.resource} lacks the recommended labels {', '.join(missing)}",
            )
        )
    if doc.namespace:
        found.append(
            _bp(
                context,
                rendering,
                doc,
                ("metadata", "namespace"),
                "HB-BP-NAMESPACE",
                "INFO",
                f"{doc.resource} hard-codes namespace {doc.namespace}; "
                "the release namespace is usually what users expect",
            )
        )
    return found


def _containers_advice(
    context: ChartContext, rendering: Rendering, template: PodTemplate
) -> list[Finding]:
    """Check probes, resources and image tags of every container of a pod template."""
    found: list[Finding] = []
    doc, values = template.doc, rendering.values
    for group, index, container in containers(template.spec):
        if group == "ephemeralContainers":
            continue
        path: tuple[str | int, ...] = (*template.path, group, index)
        cname = container.get("name", "?")
        where = f"container {cname!r} of {doc.resource}"
        if template.long_running and group == "containers":
            for probe in ("livenessProbe", "readinessProbe"):
                if probe not in container:
                    f = _bp(
                        context,
                        rendering,
                        doc,
                        path,
                        "HB-BP-PROBES",
                        "LOW",
                        f"{where} has no {probe}",
                    )
                    toggle = values.get(probe)
                    if isinstance(toggle, dict) and toggle.get("enabled") is False:
                        f = with_fix(f, values_fix(values, {f"{probe}.enabled": True}))
                    found.append(f)
        found.extend(_resources(context, rendering, template, path, container, where))
        image = str(container.get("image") or "")
        if image and image_tag_problem(image):
            found.append(
                _bp(
                    context,
                    rendering,
                    doc,
                    (*path, "image"),
                    "HB-BP-IMAGE-TAG",
                    "LOW",
                    f"{where}: image {image} {image_tag_problem(image)}",
                )
            )
    if template.long_running and "terminationGracePeriodSeconds" not in template.spec:
        found.append(
            _bp(
                context,
                rendering,
                doc,
                template.path,
                "HB-BP-TERMINATION",
                "INFO",
                f"{doc.resource} relies on the default 30 s terminationGracePeriodSeconds",
            )
        )
    return found


def image_tag_problem(image: str) -> str:
    """Say why an image reference is not pinned ('' when it has a fixed tag or a digest)."""
    if "@sha256:" in image or "@sha512:" in image:
        return ""
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (it means latest)"
    if last.rsplit(":", 1)[1] in ("latest", ""):
        return "uses the mutable latest tag"
    return ""
