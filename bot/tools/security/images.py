"""Image rules concern the supply chain rather than what a pod may do at run time, so they live on
their own beside the other independent checks.
"""

from __future__ import annotations

from typing import Any

from bot.tools import helm
from bot.tools.helm import ChartContext, Rendering
from bot.tools.models import Finding, SecurityReport, Severity
from bot.tools.security.shared import _renderings, _report
from bot.tools.validate import (
    PodTemplate,
    containers,
    finding,
    image_tag_problem,
    pod_templates,
    render_failures,
)

# --------------------------------------------------------------------------- 6. images


def check_image_security(chart_dir: str, values_files: list[str] | None = None) -> SecurityReport:
    """Check that every image is pinned, comes from a named registry and is pulled sanely."""
    context = helm.open_chart(chart_dir, values_files)
    findings = render_failures(context, "images")
    for rendering in _renderings(context):
        for template in pod_templates(rendering):
            for group, index, container in containers(template.spec):
                findings.extend(_image(context, rendering, template, group, index, container))
    return _report("images", findings)


def _image(
    context: ChartContext,
    rendering: Rendering,
    template: PodTemplate,
    group: str,
    index: int,
    container: dict[str, Any],
) -> list[Finding]:
    """Check one container's image reference and pull policy."""
    image = str(container.get("image") or "")
    path: tuple[str | int, ...] = (*template.path, group, index)
    who = f"container {container.get('name', '?')!r} of {template.doc.resource}"

    def make(rule: str, severity: Severity, message: str, at: str) -> Finding:
        return finding(
            context,
            rendering,
            template.doc,
            (*path, at),
            source="images",
            rule=rule,
            severity=severity,
            message=message,
        )

    if not image:
        return [make("HB-IMG-001", "HIGH", f"{who} has no image", "image")]
    found: list[Finding] = []
    problem = image_tag_problem(image)
    if problem:
        found.append(
            make(
                "HB-IMG-001",
                "MEDIUM",
                f"{who}: image {image} {problem}; pin a version tag or a digest",
                "image",
            )
        )
    first = image.split("/", 1)[0]
    if "/" not in image or not ("." in first or ":" in first or first == "localhost"):
        found.append(
            make(
                "HB-IMG-002",
                "LOW",
                f"{who}: image {image} names no registry (Docker Hub is implied)",
                "image",
            )
        )
    policy = container.get("imagePullPolicy")
    if policy == "Never":
        found.append(
            make(
                "HB-IMG-003",
                "LOW",
                f"{who} never pulls its image: nodes must have it already",
                "imagePullPolicy",
            )
        )
    elif policy == "Always" and "@sha" in image:
        found.append(
            make(
                "HB-IMG-003",
                "INFO",
                f"{who} pulls a digest-pinned image on every start",
                "imagePullPolicy",
            )
        )
    return found
