"""The validator agent's gates: is this chart something Helm and Kubernetes will accept and run?

Each tool takes a chart directory on disk and returns a ``ValidationReport``; all of them look at
the chart under every values set (``values.yaml`` alone, then each ``values-<env>.yaml`` on top)
through the shared, cached ``bot.tools.helm`` context, so the chart is rendered once per run.

Severities — a report passes only when no finding is CRITICAL, HIGH or MEDIUM (and unaccepted):

- CRITICAL: nothing can be installed: the chart does not load, a template does not render, a
  values file cannot be read (rules ``HB-HELM-*``).
- HIGH: Helm or the API server would reject the release, or a wire cannot connect: lint errors
  (``HB-LINT-ERROR``), schema violations (``HB-SCHEMA``, ``HB-SCHEMA-KIND``), values schema
  (``HB-DRY-VALUES-SCHEMA``), invalid YAML, names, labels, duplicates, selectors, Service,
  Ingress, HPA and PDB targets (``HB-DRY-*``).
- MEDIUM: ``helm lint --strict`` warnings (``HB-LINT-WARNING``: strict lint fails on them), a
  PodDisruptionBudget that blocks every eviction (``HB-BP-PDB-BLOCKS``).
- LOW / INFO: best-practice advice (``HB-BP-*``), lint info, custom resources without a schema
  (``HB-SCHEMA-UNKNOWN``).

Rule ids (stable): ``HB-HELM-LOAD``/``-RENDER``/``-VALUES``/``-ERROR``; ``HB-LINT-ERROR``/
``-WARNING``/``-INFO``; ``HB-SCHEMA`` (violation), ``HB-SCHEMA-KIND`` (kind not served by that
Kubernetes version), ``HB-SCHEMA-UNKNOWN`` (custom resource); ``HB-DRY-VALUES-SCHEMA``,
``-YAML``, ``-IDENTITY``, ``-NAME``, ``-LABEL``, ``-DUPLICATE``, ``-SELECTOR``,
``-SERVICE-SELECTOR``, ``-TARGETPORT``, ``-INGRESS-BACKEND``, ``-HPA-TARGET``, ``-HPA-RANGE``,
``-PDB``, ``-PDB-TARGET``; ``HB-BP-LABELS``, ``-NAMESPACE``, ``-PROBES``, ``-RESOURCES``,
``-CPU-LIMIT``, ``-IMAGE-TAG``, ``-TERMINATION``, ``-PDB``, ``-PDB-BLOCKS``, ``-HPA-REPLICAS``,
``-SPREAD``.

A finding that a values edit can mend carries it in ``Finding.fix`` as ``values:`` followed by a
JSON object of dotted values paths and their new values, computed by the check that knows the
chart (it only proposes a path the chart's values actually have). ``suggest_fixes`` turns those
into ``ValueChange`` objects for the file the finding was rendered with.

The checks live in this package's modules, one per concern, with their constants in ``tables``;
this module only re-exports the names the rest of the bot and the tests import, so that they keep
importing them from ``bot.tools.validate``.
"""

from __future__ import annotations

from bot.tools.validate.best_practices import check_best_practices, image_tag_problem
from bot.tools.validate.dry_run import run_dry_run_validation
from bot.tools.validate.fixes import plan_fixes, suggest_fixes
from bot.tools.validate.lint import run_helm_lint
from bot.tools.validate.pods import (
    PodTemplate,
    containers,
    map_selects,
    pod_template,
    pod_templates,
    same_namespace,
    selector_matches,
)
from bot.tools.validate.resources import complete_resources, governing_key
from bot.tools.validate.run import merge_reports, package_chart, run_validation
from bot.tools.validate.schemas import (
    UnsupportedKubernetesVersion,
    _schema_errors,
    schema_version,
    validate_with_kubeconform,
)
from bot.tools.validate.shared import (
    decode_fix,
    dedupe,
    encode_fix,
    failing,
    finding,
    render_failures,
    values_fix,
    with_fix,
)

__all__ = [
    "PodTemplate",
    "UnsupportedKubernetesVersion",
    "_schema_errors",
    "check_best_practices",
    "complete_resources",
    "containers",
    "decode_fix",
    "dedupe",
    "encode_fix",
    "failing",
    "finding",
    "governing_key",
    "image_tag_problem",
    "map_selects",
    "merge_reports",
    "package_chart",
    "plan_fixes",
    "pod_template",
    "pod_templates",
    "render_failures",
    "run_dry_run_validation",
    "run_helm_lint",
    "run_validation",
    "same_namespace",
    "schema_version",
    "selector_matches",
    "suggest_fixes",
    "validate_with_kubeconform",
    "values_fix",
    "with_fix",
]
