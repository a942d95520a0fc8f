"""The defaults helm-bot takes for what a request leaves open, each said in words.

Every default is returned with the sentence the report shows and the change it makes, so what
is announced and what is applied can never differ.
"""

from __future__ import annotations

from bot.tools.models import Component, Image, Port, Requirements
from bot.tools.parsing.draft import INVALID
from bot.tools.parsing.lexicon import DEFAULT_PORT, FRAMEWORKS, LANGUAGES
from bot.tools.planning.runtimes import runtime_for


def _default_port(req: Requirements) -> int:
    """Return the port the request's framework (else language) listens on by default."""
    for entry in FRAMEWORKS:
        if req.framework and entry.framework == req.framework:
            return entry.port or DEFAULT_PORT
    for entry in LANGUAGES:
        if entry.language == req.language:
            return entry.port
    return DEFAULT_PORT


def _unpinned(req: Requirements) -> list[tuple[str, dict[str, object]]]:
    """An image the request leaves unpinned keeps the tag it names, and the report says so."""
    out: list[tuple[str, dict[str, object]]] = []
    pinned: list[Component] = []
    changed = False
    for component in req.components:
        image = component.image
        if image and not image.tag and not image.digest:
            component = component.model_copy(
                update={"image": image.model_copy(update={"tag": "latest"})}
            )
            changed = True
        pinned.append(component)
    for w in [req, *pinned]:
        image = w.image
        if image and image.tag.lower() in ("latest", "") and not image.digest:
            out.append(
                (
                    f"image {image.repository} is not pinned (tag '{image.tag or 'latest'}', as "
                    "the request says): pin a version or a digest so every install runs the "
                    "same code",
                    {},
                )
            )
    if req.image and not req.image.tag and not req.image.digest:
        out.append(("", {"image": req.image.model_copy(update={"tag": "latest"})}))
    if changed:
        out.append(("", {"components": pinned}))
    return out


def _migrations(req: Requirements) -> list[tuple[str, dict[str, object]]]:
    """Migrations the request mentions without saying how: a Helm hook Job with the framework's
    own command, run before every install and upgrade."""
    text = " ".join([req.description, *req.notes]).lower()
    if "migrat" not in text:
        return []
    stated = [c.name for w in req.workloads() for c in w.init_containers]
    stated += [c.name for c in req.components]
    if any("migrat" in name for name in stated):
        return []
    command = runtime_for(req).migrate_command
    if not command or req.image is None:
        return [
            (
                "migrations are mentioned but no command is known for this stack: add a "
                "migration Job (components.<name> with hook pre-install,pre-upgrade)",
                {},
            )
        ]
    hook = Component(
        name="migrate",
        app_type="migration",
        workload="Job",
        hook="pre-install,pre-upgrade",
        args=list(command),
    )
    return [
        (
            f"migrations run as a pre-install,pre-upgrade hook Job: {' '.join(command)} (the "
            "framework's command, assumed)",
            {"components": [*req.components, hook]},
        )
    ]


def _defaults(req: Requirements) -> list[tuple[str, dict[str, object]]]:
    """Return each default the request leaves to helm-bot: what is said, and what it sets."""
    out: list[tuple[str, dict[str, object]]] = _migrations(req)
    if req.image is None and req.name:
        out.append(
            (
                f"no image given: image repository '{req.name}', tag 0.1.0 (set image.registry,"
                " image.repository and image.tag)",
                {"image": Image(repository=req.name, tag="0.1.0")},
            )
        )
    out += _unpinned(req)
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
        v.model_copy(update={"size": "10Gi"}) if v.persistent and not v.claimed else v
        for v in req.volumes
    ]
    for volume in req.volumes:
        if volume.persistent and not volume.claimed:
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


def assumptions_of(req: Requirements) -> list[str]:
    """Return the sentences announcing each default the request leaves to helm-bot."""
    return [said for said, _ in _defaults(req) if said]


def apply_assumptions(requirements: Requirements) -> Requirements:
    """Return the requirements with every default that validate_requirements announces set."""
    updates: dict[str, object] = {}
    components = {c.name: c for c in requirements.components}
    for _, update in _defaults(requirements):
        for key, value in update.items():
            if key == "components" and isinstance(value, list):
                components |= {c.name: c for c in value}
            else:
                updates[key] = value
    updates["components"] = list(components.values())
    return requirements.model_copy(update=updates)
