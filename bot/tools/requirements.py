"""The coordinator's tools: understand a chart request without an LLM, rate it, and check it.

``parse_requirements`` accepts the shapes people actually write (prose, bullet lists, GitHub
issue forms, pasted docker-compose YAML) and always redacts secret values first.
``classify_complexity`` rates the request with an explicit, weighted rule list and says when a
human should look. ``validate_requirements`` refuses nonsense and invalid facts with concrete
questions, and states every default it assumes for facts the request left out.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.tools.models import Complexity, Image, Port, Requirements, RequirementsCheck
from bot.tools.parsing import compose, issue_form, stack
from bot.tools.parsing.access import INSTRUCTION_NOTE
from bot.tools.parsing.draft import INVALID, RANK_EXPLICIT, Draft
from bot.tools.parsing.fields import apply_field, field_for
from bot.tools.parsing.lexicon import DEFAULT_PORT, DEPENDENCY_BY_KIND, FRAMEWORKS, LANGUAGES
from bot.tools.parsing.prose import read_prose
from bot.tools.parsing.quantities import QUANTITY
from bot.tools.parsing.schedule import cron_error
from bot.tools.parsing.secrets import redact_secrets
from bot.tools.parsing.text import dns_name, normalize

__all__ = [
    "classify_complexity",
    "parse_requirements",
    "redact_secrets",
    "validate_requirements",
]


# ----------------------------------------------------------------------------- parse


def parse_requirements(user_input: str) -> Requirements:
    """Turn a chart request in any supported shape into ``Requirements`` (secrets redacted)."""
    draft, count = _read(user_input)
    return draft.build(count)


def parse_edit(instruction: str) -> Requirements:
    """Read a human's ``/edit`` instruction as a request that keeps the chart's name.

    Only an instruction that names the chart ("call it billing-api", "name: billing-api",
    a quoted name) renames it: the name a request would get from "the worker service needs
    1Gi" (worker-app) is a guess, and a renamed chart is a new directory and a new branch.
    """
    draft, count = _read(instruction)
    if draft.name_rank < RANK_EXPLICIT:
        draft.name = ""
    return draft.build(count)


def _read(user_input: str) -> tuple[Draft, int]:
    """Gather the facts of ``user_input``; return them with the number of secrets redacted."""
    redacted, count = redact_secrets(user_input)
    draft = Draft()
    docs, rest = compose.extract(redacted)
    for doc in docs:
        compose.apply(doc, draft)
    text = normalize(rest)
    form = issue_form.sections(text)
    if form is not None:
        for label, value in form:
            if label:
                apply_field(label, value, draft)
        text = "\n".join(f"{label}: {value}" if label else value for label, value in form if value)
    else:
        pairs, _ = issue_form.labelled_lines(text, lambda label: field_for(label) is not None)
        for label, value in pairs:
            apply_field(label, value, draft)
    read_prose(text, draft)
    _finish(draft)
    return draft, count


def _finish(draft: Draft) -> None:
    """Apply the rules that need every fact: the app is not its own dependency, a fallback name."""
    if draft.image is not None:
        base = draft.image.repository.rsplit("/", 1)[-1]
        for kind, backing in DEPENDENCY_BY_KIND.items():
            if base in backing.images:
                draft.dependencies.pop(kind, None)
    stack.read_env_cues(draft)
    if draft.tls and not (draft.ingress or draft.hosts):
        draft.note(
            "TLS is requested but no ingress host is given: terminate TLS in the app or "
            "add an ingress host"
        )
    if draft.workload in ("CronJob", "Job") and draft.app_type in ("", "api", "web", "worker"):
        draft.app_type = "job"
    if not draft.name and (draft.framework or draft.language or draft.app_type):
        draft.name = dns_name(f"{draft.framework or draft.language or draft.app_type}-app")


# ----------------------------------------------------------------------------- classify
#
# Complexity is a weighted sum; each rule that applies adds its weight and a consideration:
#   +1 per backing service            +1 per sidecar or init container
#   +2 state on disk (StatefulSet or persistent volume)
#   +1 CronJob, Job or DaemonSet      +1 autoscaling (max > min)      +1 min replicas >= 2
#   +1 ingress with TLS               +1 two or more ports            +1 secrets from Secrets
#   +1 LoadBalancer or NodePort       +1 port below 1024              +2 Kubernetes API access
#   +3 elevated access
# simple: 0-2, medium: 3-6, complex: 7+.
#
# A human reviews the request when it asks for elevated access (privileged, host namespaces,
# hostPath, cluster-admin, root, capabilities), Kubernetes API access (RBAC to confirm), a
# public LoadBalancer without TLS, a NodePort, contains instructions addressed to the bot, or
# carried secret values (now redacted, but leaked: they must be rotated).


def _factors(req: Requirements) -> list[tuple[int, str]]:
    factors: list[tuple[int, str]] = []
    if req.dependencies:
        kinds = ", ".join(d.kind for d in req.dependencies)
        factors.append((len(req.dependencies), f"backing services: {kinds}"))
    extras = [c.name for c in [*req.sidecars, *req.init_containers]]
    if extras:
        factors.append((len(extras), f"extra containers: {', '.join(extras)}"))
    if req.workload == "StatefulSet" or any(v.persistent for v in req.volumes):
        factors.append((2, "stateful: data on persistent volumes"))
    if req.workload in ("CronJob", "Job", "DaemonSet"):
        detail = f" on schedule '{req.schedule}'" if req.schedule else ""
        factors.append((1, f"{req.workload} workload{detail}"))
    if req.replicas and req.replicas.max > req.replicas.min:
        factors.append((1, f"autoscaling {req.replicas.min}-{req.replicas.max} replicas"))
    if req.replicas and req.replicas.min >= 2:
        factors.append((1, "high availability: PodDisruptionBudget and spread across nodes"))
    if req.ingress and req.ingress.tls:
        issuer = f" via {req.ingress.cluster_issuer}" if req.ingress.cluster_issuer else ""
        factors.append((1, f"TLS ingress{issuer}"))
    if len(req.ports) >= 2:
        factors.append((1, "several ports: " + ", ".join(f"{p.name} {p.port}" for p in req.ports)))
    if req.secrets:
        factors.append((1, "secrets read from existing Kubernetes Secrets"))
    if req.service_type in ("LoadBalancer", "NodePort"):
        factors.append((1, f"{req.service_type} Service"))
    low = [p.port for p in req.ports if p.port < 1024]
    if low:
        factors.append((1, f"port {low[0]} is below 1024: needs NET_BIND_SERVICE or remapping"))
    if req.needs_service_account_token:
        factors.append((2, "Kubernetes API access: ServiceAccount token and RBAC"))
    if req.elevated.requested():
        factors.append((3, "elevated access: " + ", ".join(req.elevated.requested())))
    if req.ingress and req.ingress.hosts and not req.ingress.tls:
        factors.append((0, "public ingress without TLS"))
    return factors


def _review_reasons(req: Requirements) -> list[str]:
    reasons = [f"elevated access requested: {power}" for power in req.elevated.requested()]
    if req.needs_service_account_token:
        reasons.append("the app calls the Kubernetes API: confirm the RBAC permissions it needs")
    tls = bool(req.ingress and req.ingress.tls)
    if req.service_type == "LoadBalancer" and not tls:
        reasons.append("public LoadBalancer Service without TLS")
    if req.service_type == "NodePort":
        reasons.append("NodePort Service opens a port on every node")
    if any(note.startswith(INSTRUCTION_NOTE) for note in req.notes):
        reasons.append("the request contains instructions addressed to the bot")
    if req.redactions:
        reasons.append(
            f"{req.redactions} secret value(s) were pasted into the request and "
            "redacted: rotate them"
        )
    return reasons


def classify_complexity(requirements: Requirements) -> Complexity:
    """Rate the request simple/medium/complex and say whether a human must review it."""
    factors = _factors(requirements)
    score = sum(weight for weight, _ in factors)
    level: Literal["simple", "medium", "complex"] = (
        "simple" if score <= 2 else "medium" if score <= 6 else "complex"
    )
    components = (
        1
        + len(requirements.dependencies)
        + len(requirements.sidecars)
        + len(requirements.init_containers)
    )
    considerations = [text for _, text in factors]
    reasoning = f"score {score}: " + ("; ".join(considerations) or "a single stateless component")
    reasons = _review_reasons(requirements)
    return Complexity(
        level=level,
        reasoning=reasoning,
        components_count=components,
        special_considerations=considerations,
        requires_human_review=bool(reasons),
        review_reasons=reasons,
    )


# ----------------------------------------------------------------------------- validate

_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
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


def _default_port(req: Requirements) -> int:
    """Return the port the request's framework (else language) listens on by default."""
    for entry in FRAMEWORKS:
        if req.framework and entry.framework == req.framework:
            return entry.port or DEFAULT_PORT
    for entry in LANGUAGES:
        if entry.language == req.language:
            return entry.port
    return DEFAULT_PORT


def _errors(req: Requirements) -> list[str]:
    errors = [note[len(INVALID) :] for note in req.notes if note.startswith(INVALID)]
    image = req.image
    if image and image.tag.lower() == "latest":
        errors.append(
            f"image {image.reference} uses the 'latest' tag: pin a version tag or a "
            "digest so every install runs the same code"
        )
    elif image and not image.tag and not image.digest:
        errors.append(
            f"image {image.repository} has no tag (that means 'latest'): pin a version "
            "tag or a digest"
        )
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


def _defaults(req: Requirements) -> list[tuple[str, dict[str, object]]]:
    """Return each default the request leaves to helm-bot: what is said, and what it sets."""
    out: list[tuple[str, dict[str, object]]] = []
    if req.image is None and req.name:
        out.append(
            (
                f"no image given: image repository '{req.name}', tag 0.1.0 (set image.registry,"
                " image.repository and image.tag)",
                {"image": Image(repository=req.name, tag="0.1.0")},
            )
        )
    runs_server = req.workload in (None, "Deployment", "StatefulSet") and req.app_type not in (
        "worker",
        "job",
        "daemon",
    )
    if not req.ports and runs_server:
        port = _default_port(req)
        if req.framework in ("nginx", "httpd", "caddy") or req.app_type == "frontend":
            port = 8080
            said = (
                "no port given: 8080, as unprivileged web server images listen (port 80 "
                "would need NET_BIND_SERVICE)"
            )
        else:
            stack_name = req.framework or req.language
            said = f"no port given: {port} (http)" + (
                f", the {stack_name} default" if stack_name else ""
            )
        out.append((said, {"ports": [Port(name="http", port=port)]}))
    if req.replicas is None and req.workload not in ("DaemonSet", "CronJob", "Job"):
        note = "no replica count given: 1 replica in dev; staging and prod are sized by the planner"
        out.append((note, {}))
    if req.replicas and req.workload in ("DaemonSet", "CronJob", "Job"):
        out.append((f"replica count does not apply to a {req.workload}: ignored", {}))
    sized = [
        v.model_copy(update={"size": "10Gi"}) if v.persistent and not v.size else v
        for v in req.volumes
    ]
    for volume in req.volumes:
        if volume.persistent and not volume.size:
            out.append((f"volume {volume.name} has no size: 10Gi assumed", {"volumes": sized}))
    if req.ingress and not req.ingress.hosts:
        out.append(
            (
                "ingress requested without a host name: set ingress.hosts at install time "
                "(placeholder chart-example.local)",
                {"ingress": req.ingress.model_copy(update={"hosts": ["chart-example.local"]})},
            )
        )
    if req.workload in ("CronJob", "Job") and (req.ports or req.ingress):
        out.append(
            (f"a {req.workload} runs to completion: its ports and ingress are not exposed", {})
        )
    out += [(note, {}) for note in req.notes if "assumed" in note and not note.startswith(INVALID)]
    return out


def _assumptions(req: Requirements) -> list[str]:
    return [said for said, _ in _defaults(req)]


def apply_assumptions(requirements: Requirements) -> Requirements:
    """Return the requirements with every default that validate_requirements announces set."""
    updates: dict[str, object] = {}
    for _, update in _defaults(requirements):
        updates |= update
    return requirements.model_copy(update=updates)


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
    return RequirementsCheck(
        valid=not errors and not clarifications,
        missing_fields=missing_fields,
        clarifications_needed=clarifications,
        validation_errors=errors,
        assumptions=_assumptions(req),
    )
