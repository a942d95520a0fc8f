"""The plan as a whole: the chart's name and description, its components, and the bundle.

Each further component is planned exactly as the main workload is (analysis, kind, sizing,
scaling) so the template agent can treat them alike; only the chart-level decisions (the
datastores, the ingress, the ServiceAccount) are made once.
"""

from __future__ import annotations

import re

from bot.tools.datastores import DATASTORES
from bot.tools.models import (
    AppAnalysis,
    Architecture,
    ComponentPlan,
    DependencyPlan,
    Plan,
    Requirements,
    ResourceEstimate,
    ScalingStrategy,
    Workload,
)
from bot.tools.planning.analysis import analyze_application_requirements
from bot.tools.planning.architecture import choose_workload, design_kubernetes_architecture
from bot.tools.planning.dependencies import check_dependencies, waits_for
from bot.tools.planning.runtimes import DATABASE, GENERIC, runtime_for
from bot.tools.planning.sizing import define_scaling_strategy, environments_of, estimate_resources

_ROLE_NAMES = {
    "web": "web",
    "api": "api",
    "frontend": "frontend",
    "worker": "worker",
    "scheduler": "scheduler",
    "job": "job",
    "migration": "migrate",
    "daemon": "agent",
    "database": "database",
}


def chart_name(requirements: Requirements) -> str:
    """Return a DNS-1123 chart name from the request's name or image."""
    raw = requirements.name
    if not raw and requirements.image:
        raw = requirements.image.repository.rsplit("/", 1)[-1]
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)[:53].strip("-")
    return name or "app"


def main_component(requirements: Requirements) -> str:
    """Return the main workload's component name: as stated, else from its role."""
    taken = {c.name for c in requirements.components}
    name = requirements.component or _ROLE_NAMES.get(requirements.app_type, "") or "app"
    return name if name not in taken else f"{name}-main"


def _stack(workload: Workload) -> str:
    label = runtime_for(workload).label
    return "" if label in (GENERIC.label, DATABASE.label) else label


def describe(requirements: Requirements, name: str) -> str:
    """Return Chart.yaml's one-line description: what the app is, from the facts, not the text."""
    kind = {"api": "API", "web": "web application", "frontend": "web frontend"}.get(
        requirements.app_type, requirements.app_type or "application"
    )
    stack = _stack(requirements)
    what = f"{stack} {kind}" if stack else kind
    text = f"{name}: {'an' if what[0].lower() in 'aeiou' else 'a'} {what}"
    parts = [c.name for c in requirements.components]
    if parts:
        text += " (" + _listed([main_component(requirements), *parts]) + ")"
    stores = [DATASTORES[d.kind].label for d in requirements.dependencies if not d.external]
    if stores:
        text += " with " + _listed(stores)
    return text[:200]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plan_components(
    requirements: Requirements, dependencies: DependencyPlan
) -> list[ComponentPlan]:
    """Plan each further component the way the main workload is planned."""
    envs = environments_of(requirements)
    plans = []
    for component in requirements.components:
        waits = waits_for(component, dependencies.helm_dependencies)
        hook_note = ""
        if "pre-install" in component.hook and waits:
            # A pre-install hook runs before the bundled datastore exists: it would wait forever.
            hook = component.hook.replace("pre-install", "post-install")
            hook_note = (
                f"hook {component.hook} runs as {hook}: the bundled datastore it needs is created "
                "by the install itself (with an external datastore, pre-install works)"
            )
            component = component.model_copy(update={"hook": hook})
        analysis = analyze_application_requirements(component)
        if hook_note:
            analysis.notes.append(hook_note)
        kind, _ = choose_workload(component, analysis)
        plans.append(
            ComponentPlan(
                name=component.name,
                requirements=component,
                analysis=analysis,
                workload=kind,
                resources=estimate_resources(component, analysis, envs),
                scaling=define_scaling_strategy(component, analysis, envs),
                init_containers=[*waits, *component.init_containers],
            )
        )
    return plans


def bundle_plan(
    requirements: Requirements,
    analysis: AppAnalysis,
    architecture: Architecture,
    resources: ResourceEstimate,
    scaling: ScalingStrategy,
    dependencies: DependencyPlan,
) -> Plan:
    """Put the planner's results together with the chart's name, versions and components."""
    name = chart_name(requirements)
    image = requirements.image
    return Plan(
        chart_name=name,
        app_version=image.tag if image and image.tag else "0.1.0",
        description=describe(requirements, name),
        component=main_component(requirements),
        requirements=requirements,
        analysis=analysis,
        architecture=architecture,
        resources=resources,
        scaling=scaling,
        dependencies=dependencies,
        components=plan_components(requirements, dependencies),
    )


def build_plan(requirements: Requirements) -> Plan:
    """Run the planner tools in order and assemble the plan."""
    analysis = analyze_application_requirements(requirements)
    return bundle_plan(
        requirements,
        analysis,
        design_kubernetes_architecture(requirements, analysis),
        estimate_resources(requirements, analysis),
        define_scaling_strategy(requirements, analysis),
        check_dependencies(requirements),
    )
