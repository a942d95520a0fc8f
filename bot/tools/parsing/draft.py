"""The facts gathered from a request while it is read, before they become ``Requirements``.

Several readers (issue form, labelled lines, compose YAML, prose) see the same request. The
draft lets each add what it found without overwriting a more reliable reader: the first value
of a single fact wins, lists are merged without duplicates, and a name carries a rank so that
"name: payments-api" beats a name guessed from the image.

Facts about one workload (its image, ports, command, probes...) go to a ``ComponentDraft``: the
main one, or a further component ("a worker running `rq worker`") while a reader has it in
``focus``. Facts about the chart (its name, datastores, ingress, environments) stay on the
``Draft``. Facts that are stated but invalid (a port above 65535) cannot live in the typed model;
they are kept as notes starting with ``INVALID`` so that validation can report them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.tools.models import (
    Component,
    Dependency,
    ElevatedAccess,
    Environment,
    Ingress,
    Requirements,
    Route,
)
from bot.tools.parsing.text import dns_name
from bot.tools.parsing.workload_draft import INVALID, ComponentDraft

__all__ = ["INVALID", "ComponentDraft", "Draft"]


# How much a name source is trusted; a higher rank replaces a lower one.
RANK_LABEL = 6  # "name: payments-api", "### Service name"
RANK_EXPLICIT = 5  # "called payments-api", "`payments-api`"
RANK_PATTERN = 4  # "API payments-api", "the orders-api service"
RANK_COMPOSE = 3  # a docker-compose service key
RANK_IMAGE = 2  # the image repository's last segment
RANK_WEAK = 1  # "our billing service", a generic compose key such as "web"


@dataclass
class Draft:
    """Mutable facts of the whole request; ``build`` turns them into ``Requirements``."""

    name: str = ""
    name_rank: int = 0
    component: str = ""
    description: str = ""
    main: ComponentDraft = field(default_factory=ComponentDraft)
    components: dict[str, ComponentDraft] = field(default_factory=dict)
    dependencies: dict[str, Dependency] = field(default_factory=dict)
    not_dependencies: set[str] = field(default_factory=set)
    versions_said: set[str] = field(default_factory=set)  # datastore versions the prose states
    bundled_said: set[str] = field(default_factory=set)  # datastores said to run in the chart
    hosts: list[str] = field(default_factory=list)
    ingress: bool = False
    ingress_declined: bool = False  # "no ingress": hosts named are places the app talks to
    tls: bool | None = None
    path: str = ""
    routes: dict[str, str] = field(default_factory=dict)
    host_routes: dict[str, str] = field(default_factory=dict)
    host_ports: dict[str, int] = field(default_factory=dict)  # "`api.x` → port 3100"
    path_ports: dict[str, int] = field(default_factory=dict)  # "path `/ws` → port 3003"
    class_name: str = ""
    issuer: str = ""
    tls_secret: str = ""
    elevated: ElevatedAccess = field(default_factory=ElevatedAccess)
    environments: list[Environment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unapplied: list[str] = field(default_factory=list)
    focused: str = ""
    # Per compose service: each variable of its environment and the variable its value
    # interpolates whole ("DB_PASS: ${POSTGRES_PASSWORD}"), or "" for a literal value.
    compose_env: dict[str, dict[str, str]] = field(default_factory=dict)
    # Per compose service: the env files it loads ("env_file: .env.production").
    env_files: dict[str, list[str]] = field(default_factory=dict)
    # The Secrets the whole request names for the app's variables ("there is already a secret
    # `leantime-secrets`"): a part that gives only keys reads them from the one named.
    named_secrets: set[str] = field(default_factory=set)

    @property
    def target(self) -> ComponentDraft:
        """The workload the reader at work is filling: the main one unless one is in focus."""
        return self.components[self.focused] if self.focused else self.main

    @contextlib.contextmanager
    def focus(self, name: str) -> Iterator[ComponentDraft]:
        """Direct workload facts to the component ``name`` (created on first use)."""
        component = self.component_named(name)
        before, self.focused = self.focused, ("" if component is self.main else component.name)
        try:
            yield component
        finally:
            self.focused = before

    def component_named(self, name: str) -> ComponentDraft:
        """Return the further component called ``name``, creating it the first time."""
        key = dns_name(name, 30) or f"component-{len(self.components) + 1}"
        if key == self.component:
            return self.main
        if key not in self.components:
            self.components[key] = ComponentDraft(name=key)
        return self.components[key]

    def rename(self, old: str, new: str) -> None:
        """Call the workload ``old`` by ``new`` wherever the draft names it."""
        if old == self.component:
            self.component = new
        elif old in self.components:
            self.components = {new if k == old else k: c for k, c in self.components.items()}
            self.components[new].name = new
        else:
            return
        for table in (self.compose_env, self.env_files):
            if old in table:
                table[new] = table.pop(old)  # type: ignore[index]
        self.routes = {path: new if n == old else n for path, n in self.routes.items()}
        self.host_routes = {host: new if n == old else n for host, n in self.host_routes.items()}
        for c in [self.main, *self.components.values()]:
            c.depends_on = [new if n == old else n for n in c.depends_on]

    # ------------------------------------------------------------------ adders

    def set_name(self, value: str, rank: int) -> None:
        """Keep ``value`` as the name unless a more reliable source already named the app."""
        name = dns_name(value)
        if name and rank > self.name_rank:
            self.name, self.name_rank = name, rank

    def note(self, text: str) -> None:
        """Record something seen but not placed (once)."""
        text = " ".join(text.split())
        if text and text not in self.notes:
            self.notes.append(text)

    def invalid(self, text: str) -> None:
        """Record a stated fact that cannot be valid, for validation to report."""
        self.note(INVALID + text)

    def not_applied(self, text: str) -> None:
        """Record a stated fact the chart will not carry, with the reason (once)."""
        text = " ".join(text.split())
        if text and text not in self.unapplied:
            self.unapplied.append(text)

    def add_dependency(self, kind: str, version: str = "", purpose: str = "") -> None:
        """Add a backing service once, keeping the first version and purpose stated."""
        if kind in self.not_dependencies:
            return
        known = self.dependencies.get(kind)
        if known is None:
            self.dependencies[kind] = Dependency.model_validate(
                {"kind": kind, "version": version, "purpose": purpose}
            )
            return
        if not known.version or known.version.lower() in ("latest", "stable", "lts"):
            known.version = version or known.version  # "version 16 rather than `latest`"
        known.purpose = known.purpose or purpose

    def add_host(self, host: str) -> None:
        """Add an ingress host name once (kept as written: validation checks it)."""
        host = host.strip().strip("`\"'<>").rstrip(".,;:)").lower()
        if host and host not in self.hosts:
            self.hosts.append(host)
        self.ingress = True

    # ------------------------------------------------------------------ build

    def _ingress(self) -> Ingress | None:
        said = self.class_name or self.issuer or self.tls_secret or self.routes
        if not (self.ingress or self.hosts) or (self.ingress_declined and not said):
            return None
        routes = [
            Route(path=path, component=component)
            for path, component in self.routes.items()
            if component in self.components
        ]
        routes += [
            Route(path="/", component=component, host=host, port=self.host_ports.get(host, 0))
            for host, component in self.host_routes.items()
            if component in self.components and host in self.hosts
        ]
        # "`a.example` → port 3000 and `b.example` → port 3100": each host to its port of the
        # main workload's Service
        routes += [
            Route(path="/", component=self.component, host=host, port=port)
            for host, port in self.host_ports.items()
            if host in self.hosts and host not in self.host_routes and len(self.host_ports) > 1
        ]
        main_paths = [p for p, component in self.routes.items() if component not in self.components]
        main_path = main_paths[0] if main_paths else ""
        # "/console/api, /api, /v1 and /files to api": every path of the main workload after
        # its first is a route to it.
        routes += [Route(path=p, component=self.component) for p in main_paths[1:]]
        # "path `/` → port 3000, path `/ws` → port 3003": the main workload's further paths,
        # each to its Service port
        first = self.path or main_path or "/"
        routes += [
            Route(path=p, component=self.component, port=port)
            for p, port in self.path_ports.items()
            if len(self.path_ports) > 1 and p != first and p not in self.routes
        ]
        return Ingress(
            hosts=self.hosts,
            path=self.path or main_path or "/",
            routes=routes,
            # "TLS from the existing secret `zulip-tls`": a certificate's Secret means TLS
            tls=bool(self.tls if self.tls is not None else self.tls_secret),
            class_name=self.class_name,
            cluster_issuer=self.issuer,
            tls_secret=self.tls_secret,
        )

    def build(self, redactions: int) -> Requirements:
        """Return the gathered facts as ``Requirements``."""
        invalid = [*self.main.invalid_notes]
        components = []
        for name, part in self.components.items():
            invalid += part.invalid_notes
            components.append(Component.model_validate({"name": name, **part.fields()}))
        notes = [*self.notes, *(n for n in invalid if n not in self.notes)]
        main = self.main.fields()
        main["needs_service_account_token"] = (
            main["needs_service_account_token"] or self.elevated.cluster_admin
        )
        # model_validate checks the free-text app_type / service_type against their literals.
        return Requirements.model_validate(
            dict(
                **main,
                name=self.name,
                component=self.component,
                description=self.description,
                components=components,
                dependencies=list(self.dependencies.values()),
                ingress=self._ingress(),
                elevated=self.elevated,
                environments=self.environments or ["dev", "staging", "prod"],
                notes=notes,
                unapplied=self.unapplied,
                redactions=redactions,
            )
        )
