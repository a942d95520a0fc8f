"""The planner agent's tools: from normalised requirements to a chart plan.

Every decision is read from a small table or rule and comes with a sentence that says why,
because the plan is shown to a human in the pull request and must be arguable. The tools are
deterministic: the same requirements always give the same plan, so an LLM policy can call them
and the report stays reproducible. One module per step: ``analysis`` (what a workload's pods
need), ``architecture`` (which objects), ``sizing`` (requests, limits, replicas),
``dependencies`` (bundled datastores) and ``bundle`` (the plan as a whole); ``runtimes`` and
``quantities`` are the tables and units they share.
"""

from bot.tools.datastores import DATASTORES, Datastore
from bot.tools.planning.analysis import (
    analyze_application_requirements,
    cpu_limit_floor_m,
    pdb_min_available,
)
from bot.tools.planning.architecture import (
    choose_workload,
    design_kubernetes_architecture,
    prod_replica_range,
)
from bot.tools.planning.bundle import build_plan, bundle_plan, chart_name, plan_components
from bot.tools.planning.dependencies import check_dependencies
from bot.tools.planning.quantities import format_cpu, format_memory, parse_cpu_m, parse_memory_mi
from bot.tools.planning.runtimes import FRAMEWORKS, LANGUAGES, Runtime, runtime_for
from bot.tools.planning.sizing import (
    CPU_LIMIT_FACTOR,
    MEMORY_LIMIT_FACTOR,
    cpu_limit_m,
    define_scaling_strategy,
    estimate_resources,
    memory_limit_mi,
)

__all__ = [
    "CPU_LIMIT_FACTOR",
    "DATASTORES",
    "FRAMEWORKS",
    "LANGUAGES",
    "MEMORY_LIMIT_FACTOR",
    "Datastore",
    "Runtime",
    "analyze_application_requirements",
    "build_plan",
    "bundle_plan",
    "chart_name",
    "check_dependencies",
    "choose_workload",
    "cpu_limit_floor_m",
    "cpu_limit_m",
    "define_scaling_strategy",
    "design_kubernetes_architecture",
    "estimate_resources",
    "format_cpu",
    "format_memory",
    "memory_limit_mi",
    "parse_cpu_m",
    "parse_memory_mi",
    "pdb_min_available",
    "plan_components",
    "prod_replica_range",
    "runtime_for",
]
