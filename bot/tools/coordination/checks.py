"""Whether a request identifies a service and states only valid facts.

A request that names nothing deployable gets at most five precise questions; a stated fact that
cannot be valid (a port above 65535, a host that is no DNS name) is named with what is wrong.
Everything else is not a reason to stop: what the request leaves open is assumed, and said.
"""

from __future__ import annotations

import re

from bot.tools.coordination.assumptions import assumptions_of
from bot.tools.models import Requirements, RequirementsCheck
from bot.tools.parsing.draft import INVALID
from bot.tools.parsing.quantities import QUANTITY
from bot.tools.parsing.schedule import cron_error

_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# At most this many questions or problems go back to the person who asked.
MAX_PROBLEMS = 5
_QUESTIONS = (
    ("name", "What is the service called? (a short lowercase name such as payments-api)"),
    (
        "image",
        "Which container image runs it, with a pinned version tag? (e.g. "
        "ghcr.io/acme/payments:1.4.2)",
    ),
    (
        "app_type",
        "What kind of application is it: language or framework (e.g. Node.js/Express, "
        "Django, Go), and is it a web service, a background worker or a scheduled job?",
    ),
)


def host_error(host: str) -> str:
    """Return why ``host`` cannot be an Ingress host, or '' when it can."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        return f"ingress host '{host}' is an IP address: Ingress rules need a DNS name"
    name = host[2:] if host.startswith("*.") else host
    labels = name.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return (
            f"ingress host '{host}' is not a valid DNS name (lowercase letters, digits, '-', '.')"
        )
    return ""


def _errors(req: Requirements) -> list[str]:
    errors = [note[len(INVALID) :] for note in req.notes if note.startswith(INVALID)]
    if req.replicas and req.replicas.min > req.replicas.max:
        errors.append(f"replicas: minimum {req.replicas.min} is above maximum {req.replicas.max}")
    if req.replicas and req.replicas.max == 0 and req.workload not in ("CronJob", "Job"):
        errors.append("replicas: a maximum of 0 would never run the service")
    if req.schedule and (problem := cron_error(req.schedule)):
        errors.append(f"schedule '{req.schedule}': {problem}")
    for host in req.ingress.hosts if req.ingress else []:
        if problem := host_error(host):
            errors.append(problem)
    for volume in req.volumes:
        if not volume.mount_path.startswith("/"):
            errors.append(f"volume {volume.name}: mount path '{volume.mount_path}' is not absolute")
        if volume.size and not QUANTITY.match(volume.size):
            errors.append(f"volume {volume.name}: size '{volume.size}' is not a quantity (20Gi)")
    hint = req.resources
    for label, value in (
        ("cpu", hint.cpu if hint else ""),
        ("memory", hint.memory if hint else ""),
    ):
        if value and not QUANTITY.match(value):
            errors.append(f"{label} '{value}' is not a Kubernetes quantity")
    return errors


def validate_requirements(requirements: Requirements) -> RequirementsCheck:
    """Check the request identifies a service and states valid facts; list defaults assumed."""
    req = requirements
    identified = bool(req.name or req.image or req.language or req.framework or req.app_type)
    if not identified:
        missing = [field for field, _ in _QUESTIONS]
        return RequirementsCheck(
            valid=False,
            missing_fields=missing,
            clarifications_needed=[question for _, question in _QUESTIONS],
            validation_errors=["the request does not describe a service to deploy"],
        )
    clarifications: list[str] = []
    missing_fields: list[str] = []
    if req.workload == "CronJob" and not req.schedule:
        missing_fields.append("schedule")
        clarifications.append(
            "When should the CronJob run? (e.g. 'every day at 3am' or a cron "
            "expression such as '0 3 * * *')"
        )
    errors = _errors(req)
    room = max(1, MAX_PROBLEMS - len(clarifications))
    if len(errors) > room:
        # A long request never answers with a wall of errors: the first few, and how many more.
        rest = len(errors) - room + 1
        errors = [*errors[: room - 1], f"{errors[room - 1]} (and {rest - 1} more like it)"]
    return RequirementsCheck(
        valid=not errors and not clarifications,
        missing_fields=missing_fields,
        clarifications_needed=clarifications,
        validation_errors=errors,
        assumptions=assumptions_of(req),
    )
