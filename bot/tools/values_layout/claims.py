"""One claim for a volume that several workloads of the app mount.

A compose file that mounts the named volume ``nextcloud`` in both ``app`` and ``cron``, or a
request that says "`/var/www/html` is shared by app and cron", means one set of files that both
see. Separate claims would give each workload its own empty copy, so the first workload that
owns a claim keeps it and every other one mounts that claim through ``existingClaim``, written
as a template of the owner's claim name so that it follows the release name.
"""

from __future__ import annotations

from typing import Any

from bot.tools.models import Volume

Values = dict[str, Any]


def _claim_name(chart: str, component: str, volume: str) -> str:
    """The template of the claim name the chart gives a volume (see chart.pvc's callers)."""
    fullname = f'include "{chart}.fullname" .'
    workload = fullname if not component else _joined(f"({fullname})", f'"{component}"')
    if not volume:
        return "{{ " + workload + " }}"
    return "{{ " + _joined(f"({workload})", f'"{volume}"') + " }}"


def _joined(left: str, right: str) -> str:
    return f'printf "%s-%s" {left} {right} | trunc 63 | trimSuffix "-"'


def _claimed(volumes: list[Volume], values: Values) -> list[tuple[Volume, str, Values]]:
    """Pair each claimed volume with its values entry and its name in the claim ('' for the
    first one, ``persistence``), in the order ``persistence_values`` lays them out."""
    sized = [v for v in volumes if v.claimed]
    entries = [values.get("persistence") or {}, *(values.get("extraVolumes") or [])]
    out = []
    for i, (volume, entry) in enumerate(zip(sized, entries, strict=False)):
        if entry.get("enabled", True):
            out.append((volume, "" if i == 0 else entry["name"], entry))
    return out


def share_claims(chart: str, workloads: list[tuple[str, str, list[Volume], Values]]) -> None:
    """Point every later mount of a shared volume at the first workload's claim.

    ``chart`` names the chart's templates; ``workloads`` are (component key, '' for the main
    one; kind; volumes; values). A volume is
    shared when two workloads mount one of the same name at the same path.
    """
    owners: dict[tuple[str, str], tuple[str, str]] = {}
    for component, kind, volumes, values in workloads:
        for volume, name, entry in _claimed(volumes, values):
            if entry.get("existingClaim"):
                continue
            key = (volume.name, volume.mount_path)
            owner = owners.get(key)
            if owner is not None:
                entry["existingClaim"] = _claim_name(chart, *owner)
            elif kind != "StatefulSet":  # its claims are per pod: nothing to share
                owners[key] = (component, name)
