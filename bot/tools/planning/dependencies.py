"""Bundled datastores: pinned subcharts, the waits that order start-up, and egress.

A datastore the request names becomes a subchart with a pinned image. Each workload that
depends on one (by ``depends_on``, by a connection variable, or, when it states neither, every
long-running workload) gets an init container that blocks until the datastore accepts
connections: Kubernetes has no start-up order, so this is how compose's ``depends_on`` holds.
"""

from __future__ import annotations

import re

from bot.tools.datastores import DATASTORES, Datastore
from bot.tools.models import (
    Connection,
    ConnectionPart,
    Dependency,
    DependencyPlan,
    ExternalStore,
    ExtraContainer,
    HelmDependency,
    Requirements,
    Workload,
)


def pick_tag(dependency: Dependency, store: Datastore) -> tuple[str, str]:
    """Return the image tag for the requested version and a note when it had to fall back."""
    wanted = dependency.version.strip().lstrip("vV")
    if not wanted:
        return store.image.tag, ""
    if wanted in store.tags:
        return store.tags[wanted], ""
    if re.fullmatch(r"\d+\.\d+\.\d+", wanted) or (
        re.fullmatch(r"\d+\.\d+", wanted) and dependency.kind == "postgresql"
    ):
        # A full version is specific already; keep the image flavour (e.g. -alpine).
        suffix = store.image.tag.split("-", 1)[1] if "-" in store.image.tag else ""
        return f"{wanted}-{suffix}" if suffix else wanted, ""
    major = wanted.split(".")[0]
    if major in store.tags:
        # An unlisted minor release keeps the major version asked for.
        return store.tags[major], (
            f"{dependency.kind} {dependency.version} is not in the pinned-tag table: using "
            f"{store.tags[major]} (same major version); set {dependency.kind}.image.tag to pin "
            "another release"
        )
    # Another release line ("the bundled MongoDB has to be 4.4"): the image's own tag for that
    # line, never a newer major the app may not run on.
    suffix = store.image.tag.split("-", 1)[1] if "-" in store.image.tag else ""
    tag = f"{wanted}-{suffix}" if suffix else wanted
    return tag, (
        f"{dependency.kind} {dependency.version} is not in the pinned-tag table: using the "
        f"image's `{tag}` tag, which moves within that release line; set "
        f"{dependency.kind}.image.tag to pin one release"
    )


def _wait_container(dep: HelmDependency) -> ExtraContainer:
    store = DATASTORES[dep.kind]
    host = "{{ .Release.Name }}-" + dep.name
    check = store.ready_command.format(host=host, port=dep.port)
    return ExtraContainer(
        name=f"wait-for-{dep.name}",
        image=dep.image,
        purpose=f"block start-up until {dep.name} accepts connections",
        command=["sh", "-c", f"until {check}; do echo waiting for {dep.name}; sleep 2; done"],
    )


def waits_for(workload: Workload, deps: list[HelmDependency]) -> list[ExtraContainer]:
    """Return the init containers that hold ``workload`` until the datastores it uses are up."""
    named = {*workload.depends_on, *(c.dependency for c in workload.connections)}
    used = [d for d in deps if d.name in named or d.kind in named] if named else deps
    return [_wait_container(d) for d in used if DATASTORES[d.kind].ready_command]


def check_dependencies(requirements: Requirements) -> DependencyPlan:
    """Turn requested backing services into pinned subcharts, init containers and egress ports."""
    plan = DependencyPlan()
    names: dict[str, int] = {}
    for dependency in requirements.dependencies:
        store = DATASTORES[dependency.kind]
        if dependency.external:
            plan.external.append(ExternalStore(kind=dependency.kind, port=store.port))
            continue  # reached with the settings the request gives; egress in the values
        count = names.get(dependency.kind, 0) + 1
        names[dependency.kind] = count
        name = dependency.kind if count == 1 else f"{dependency.kind}-{count}"
        tag, fallback = pick_tag(dependency, store)
        if fallback:
            plan.notes.append(fallback)
        image = store.image.model_copy(update={"tag": tag})
        purpose = dependency.purpose or ("data store" if store.is_database else "backing service")
        plan.helm_dependencies.append(
            HelmDependency(
                name=name,
                kind=dependency.kind,
                version="0.1.0",
                app_version=tag.split("-", 1)[0],
                condition=f"{name}.enabled",
                port=store.port,
                image=image,
                reason=f"{purpose}: bundled {dependency.kind} {tag} on port {store.port}, "
                f"disable with {name}.enabled=false to use a managed service",
            )
        )
        plan.egress_ports.append(store.port)
    plan.init_containers = waits_for(requirements, plan.helm_dependencies)
    if plan.helm_dependencies:
        plan.notes.append(
            "init containers and sidecars are rendered through tpl: {{ .Release.Name }} resolves "
            "to the subchart's Service host"
        )
    plan.init_containers += requirements.init_containers
    plan.sidecars = list(requirements.sidecars)
    for w in requirements.workloads():
        for extra in [*w.init_containers, *w.sidecars]:
            if extra.image is None:
                plan.notes.append(f"container '{extra.name}' has no image: set it before install")
    if any(w.needs_service_account_token for w in requirements.workloads()):
        plan.egress_ports.append(443)
        plan.notes.append("egress 443 for the Kubernetes API (the app uses its token)")
    plan.egress_ports = sorted(set(plan.egress_ports))
    plan.notes.append("DNS egress (53 TCP/UDP) is part of the NetworkPolicy baseline")
    return plan


def _prefix(dep: HelmDependency) -> str:
    return dep.name.upper().replace("-", "_")


def default_connections(dep: HelmDependency, first_database: bool) -> list[Connection]:
    """Return the variables a workload gets for a datastore when the request names none."""
    store = DATASTORES[dep.kind]
    prefix = _prefix(dep)
    parts: list[tuple[str, ConnectionPart]] = [
        (f"{prefix}_HOST", "host"),
        (f"{prefix}_PORT", "port"),
    ]
    if store.default_user:
        parts.append((f"{prefix}_USER", "user"))
    if store.password_env:
        parts.append((f"{prefix}_PASSWORD", "password"))
    if store.database_env:
        parts.append((f"{prefix}_DATABASE", "database"))
    if store.url_scheme:
        url = "DATABASE_URL" if first_database else f"{prefix}_URL"
        parts.append((url, "url"))
    return [
        Connection(dependency=dep.name, env=env, part=part, url_scheme=store.url_scheme)
        for env, part in parts
    ]


def connections_for(
    workload: Workload, deps: list[HelmDependency], *, main: bool
) -> list[Connection]:
    """Return how ``workload`` reaches the bundled datastores: as stated, else by default.

    Stated variables (``DATABASE_URL``, ``DB_HOST``...) are kept; a datastore the workload uses
    but names no variable for gets the default set. The main workload uses every datastore; a
    further component those it depends on, or every one when it runs the main image and states
    no dependency (a queue worker of the same app).
    """
    stated = list(workload.connections)
    named = {*workload.depends_on, *(c.dependency for c in stated)}
    if main or (not named and workload.image is None):
        used = deps
    else:
        used = [d for d in deps if d.name in named or d.kind in named]
    covered = {c.dependency for c in stated}
    databases = [d for d in deps if DATASTORES[d.kind].is_database]
    # A variable the request gives its own value or Secret keeps it: it is a stated fact.
    own = {e.name for e in workload.env} | {s.env for s in workload.secrets}
    out = stated
    for dep in used:
        if dep.name in covered or dep.kind in covered:
            continue
        first = (
            bool(databases)
            and dep is databases[0]
            and not any(c.env == "DATABASE_URL" for c in stated)
        )
        out += [c for c in default_connections(dep, first) if c.env not in own]
    return out
