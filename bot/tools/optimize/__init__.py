"""The optimizer agent's tools: explainable improvements to a generated chart's values.

Each rule reads the draft's structured values (``values`` merged with ``values-<env>``), never its
YAML, and proposes ``ValueChange`` edits with the reason in the optimization's description. A
rule only fires when the values violate it and its fix satisfies it, so a second pass over an
optimized draft proposes nothing new: that keeps the optimizer -> validator loop bounded.

Impact drives routing, so it follows one explicit rule (``change_impact``): retuning a number
the chart already renders under ``resources``, the HPA targets or the grace period is *minor*;
anything that adds, removes or switches a field or object, changes replica counts, probes, the
PDB or topology spread is *major* and sends the chart back to the validator.

The rules live in this package's modules, one per concern, with their thresholds in ``tables``;
this module only re-exports the names the rest of the bot and the tests import, so that they keep
importing them from ``bot.tools.optimize``.
"""

from __future__ import annotations

from bot.tools.cost import calculate_cost_estimate
from bot.tools.optimize.apply import apply_optimizations
from bot.tools.optimize.availability import check_ha_readiness
from bot.tools.optimize.best_practices import suggest_best_practices
from bot.tools.optimize.impact import change_impact
from bot.tools.optimize.resources import suggest_resource_optimization
from bot.tools.optimize.scaling import suggest_scaling_improvements

__all__ = [
    "apply_optimizations",
    "calculate_cost_estimate",
    "change_impact",
    "check_ha_readiness",
    "suggest_best_practices",
    "suggest_resource_optimization",
    "suggest_scaling_improvements",
]
