"""values.yaml as a whole: the main workload at the top, the chart-wide keys, the components.

The generic templates in ``bot/chart_templates`` read exactly these keys; the plan decides their
values. Production sizes are the defaults; ``values-<env>.yaml`` holds only what differs, and
never overrides a stated fact.
"""

from __future__ import annotations

from bot.tools.datastores import DATASTORES
from bot.tools.models import Image, Plan, Route
from bot.tools.planning.dependencies import connections_for
from bot.tools.values_layout.claims import share_claims
from bot.tools.values_layout.workload import (
    Part,
    Values,
    container_security_context,
    environment_values,
    image_values,
    low_port,
    pod_security_context,
    workload_values,
)

_CONTROLLER_NAMESPACES = {
    "nginx": "ingress-nginx",
    "traefik": "traefik",
    "haproxy": "haproxy-controller",
    "contour": "projectcontour",
    "kong": "kong",
}
_TEST_IMAGE = {
    "registry": "docker.io",
    "repository": "library/busybox",
    "tag": "1.37.0",
    "digest": "",
}


def parts(plan: Plan) -> list[Part]:
    """Return the main workload and each further component as ``Part`` s."""
    deps = plan.dependencies.helm_dependencies
    main = Part(
        name=plan.component,
        w=plan.requirements,
        analysis=plan.analysis,
        kind=plan.architecture.workload,
        resources=plan.resources,
        scaling=plan.scaling,
        connections=connections_for(plan.requirements, deps, main=True),
        init_containers=list(plan.dependencies.init_containers),
        sidecars=list(plan.dependencies.sidecars),
    )
    others = [
        Part(
            name=c.name,
            w=c.requirements,
            analysis=c.analysis,
            kind=c.workload,
            resources=c.resources,
            scaling=c.scaling,
            connections=connections_for(c.requirements, deps, main=False),
            init_containers=list(c.init_containers),
            sidecars=list(c.requirements.sidecars),
        )
        for c in plan.components
    ]
    return [main, *others]


def default_env(plan: Plan) -> str:
    """The environment whose sizes are values.yaml's defaults: production, as stated."""
    envs = plan.resources.environments
    return "prod" if "prod" in envs else next(iter(envs))


def _ingress(plan: Plan, main_port: str, ports: dict[str, str]) -> Values:
    ingress = plan.requirements.ingress
    if ingress is None or not ingress.hosts:
        return {
            "enabled": False,
            "className": "",
            "annotations": {},
            "clusterIssuer": "",
            "hosts": [],
            "tls": [],
        }
    secret = ingress.tls_secret or f"{plan.chart_name}-tls"

    def path(route_path: str, component: str) -> Values:
        return {
            "path": route_path,
            "pathType": "Prefix",
            "servicePort": ports[component],
            "component": component,
        }

    main_path = {"path": ingress.path or "/", "pathType": "Prefix", "servicePort": main_port}
    main_names = {plan.requirements.component, plan.component}
    shared = [
        path(r.path, r.component)
        if r.component in ports
        # "path `/ws` → port 3003": the main Service's port the path was said to go to
        else {
            "path": r.path,
            "pathType": "Prefix",
            "servicePort": _port_name(plan, "", r.port) or main_port,
        }
        for r in ingress.routes
        if not r.host and (r.component in ports or (r.component in main_names and main_port))
    ]
    by_host = {r.host: r for r in ingress.routes if r.host and r.component in ports}
    # "`a.example` → port 3000 and `b.example` → port 3100": the main Service, port by port
    to_main = {
        r.host: {"path": "/", "pathType": "Prefix", "servicePort": name}
        for r in ingress.routes
        if r.host and r.component in main_names and (name := _port_name(plan, "", r.port))
    }

    def host_path(route: Route) -> Values:
        said = _port_name(plan, route.component, route.port)
        return path("/", route.component) | ({"servicePort": said} if said else {})

    hosts = [
        {
            "host": host,
            "paths": [host_path(by_host[host])]
            if host in by_host
            else [to_main[host]]
            if host in to_main
            else shared
            + (
                [main_path]
                if main_port and main_path["path"] not in {p["path"] for p in shared}
                else []
            ),
        }
        for host in ingress.hosts
    ]
    paths = [p for h in hosts for p in h["paths"]]
    return {
        "enabled": bool(paths),
        "className": ingress.class_name,
        "annotations": {},
        "clusterIssuer": ingress.cluster_issuer,
        "hosts": [h for h in hosts if h["paths"]],
        "tls": [{"secretName": secret, "hosts": list(ingress.hosts)}] if ingress.tls else [],
    }


def _port_name(plan: Plan, component: str, number: int) -> str:
    """The name of the port ``number`` (container or Service port) of a workload ('' = main)."""
    req = plan.requirements
    workload = next((c for c in req.components if c.name == component), None) if component else req
    if not number or workload is None:
        return ""
    return next((p.name for p in workload.ports if number in (p.port, p.service_port)), "")


def _rbac(plan: Plan) -> Values:
    stated = [w.rbac for w in plan.requirements.workloads() if w.rbac and w.rbac.rules]
    rules = [
        {"apiGroups": r.api_groups, "resources": r.resources, "verbs": r.verbs}
        | ({"resourceNames": r.resource_names} if r.resource_names else {})
        for rbac in stated
        for r in rbac.rules
    ]
    return {
        "create": bool(rules),
        "clusterWide": any(r.cluster for r in stated),
        "rules": rules,
    }


def _datastore_values(plan: Plan) -> Values:
    """Each bundled datastore's switch and connection settings, shared with the app's env."""
    out: Values = {}
    stated = {d.kind: d for d in plan.requirements.dependencies}
    for dep in plan.dependencies.helm_dependencies:
        store = DATASTORES[dep.kind]
        said = stated.get(dep.kind)
        values: Values = {"enabled": True}
        if store.password_env:
            auth: Values = {
                "existingSecret": (said.existing_secret if said else "") or "",
                "key": (said.password_key if said else "") or "password",
            }
            user = (said.user if said else "") or store.default_user
            if user and store.user_env:
                auth["username"] = user
            elif store.default_user:
                auth["username"] = store.default_user
            if store.database_env:
                auth["database"] = (said.database if said else "") or plan.chart_name.replace(
                    "-", "_"
                )
            values["auth"] = auth
        out[dep.name] = values
    return out


def base_values(plan: Plan) -> Values:
    """Return values.yaml's content for a plan (production sizes are the defaults)."""
    env = default_env(plan)
    main, *others = parts(plan)
    image = plan.requirements.image or Image(repository=plan.chart_name, tag=plan.app_version)
    deps = plan.dependencies.helm_dependencies
    workload = workload_values(main, deps, image, env)
    values: Values = {
        "nameOverride": "",
        "fullnameOverride": "",
        "commonLabels": {},
        "commonAnnotations": {},
        "image": {**image_values(image), "pullPolicy": "IfNotPresent"},
        "imagePullSecrets": [],
        "component": main.name,
    }
    for key in ("replicaCount", "updateStrategy"):
        if key in workload:
            values[key] = workload.pop(key)
    secrets = [s for p in [main, *others] for s in [*p.w.secrets, *p.w.secret_mounts]]
    values |= {
        "command": workload.pop("command"),
        "args": workload.pop("args"),
        "containerPorts": workload.pop("containerPorts"),
        "env": workload.pop("env"),
        "existingSecret": f"{plan.chart_name}-secrets" if secrets else "",
        "secretEnv": workload.pop("secretEnv"),
        "config": {},
        "configMounts": workload.pop("configMounts"),
        "secretMounts": workload.pop("secretMounts"),
        "hostMounts": workload.pop("hostMounts"),
        "extraEnvFrom": [],
        "connections": workload.pop("connections"),
        "peers": workload.pop("peers"),
        "livenessProbe": workload.pop("livenessProbe"),
        "readinessProbe": workload.pop("readinessProbe"),
        "startupProbe": workload.pop("startupProbe"),
        "resources": workload.pop("resources"),
        "podSecurityContext": pod_security_context(low_port(main)),
        "containerSecurityContext": container_security_context(),
        "writableDirs": workload.pop("writableDirs"),
        "terminationGracePeriodSeconds": workload.pop("terminationGracePeriodSeconds"),
        "podAnnotations": workload.pop("podAnnotations"),
        "podLabels": workload.pop("podLabels"),
        "nodeSelector": workload.pop("nodeSelector"),
        "tolerations": workload.pop("tolerations"),
        "affinity": workload.pop("affinity"),
        "topologySpreadConstraints": workload.pop("topologySpreadConstraints"),
        "priorityClassName": "",
        "initContainers": workload.pop("initContainers"),
        "sidecars": workload.pop("sidecars"),
    }
    if "cronjob" in workload:
        values["cronjob"] = workload.pop("cronjob")
    service = workload.pop("service")
    components = {p.name: _component_values(p, deps, image, env) for p in others}
    ports = {
        name: c["service"]["ports"][0]["name"]
        for name, c in components.items()
        if c["service"]["enabled"] and c["service"]["ports"]
    }
    main_port = service["ports"][0]["name"] if service["enabled"] and service["ports"] else ""
    values |= {
        "serviceAccount": {
            "create": True,
            "name": "",
            "annotations": {},
            "automountServiceAccountToken": main.w.needs_service_account_token,
        },
        "rbac": _rbac(plan),
        "service": service,
        "ingress": _ingress(plan, main_port, ports),
    }
    for key in ("autoscaling", "podDisruptionBudget"):
        if key in workload:
            values[key] = workload.pop(key)
    values["networkPolicy"] = {
        "enabled": True,
        "allowSameNamespace": True,
        "ingressControllerNamespace": _controller_namespace(plan),
        "allowHttpsEgress": True,
        "extraIngress": [],
        "extraEgress": [
            {"ports": [{"port": store.port, "protocol": "TCP"}]}
            for store in plan.dependencies.external
        ],
    }
    values["persistence"] = workload.pop("persistence")
    values["extraVolumes"] = workload.pop("extraVolumes")
    share_claims(
        plan.chart_name,
        [
            ("", main.kind, main.w.volumes, values),
            *((p.name, p.kind, p.w.volumes, components[p.name]) for p in others),
        ],
    )
    values["tests"] = {
        "enabled": service["enabled"] or bool(values["connections"]),
        "image": dict(_TEST_IMAGE),
        "securityContext": container_security_context(),
    }
    values["components"] = components
    values |= _datastore_values(plan)
    return values


def _component_values(part: Part, deps: list, fallback: Image, env: str) -> Values:
    values: Values = {
        "enabled": True,
        "kind": part.kind,
        "hook": part.w.hook if part.kind == "Job" else "",
        "image": image_values(part.w.image) | {"pullPolicy": "IfNotPresent"}
        if part.w.image
        else {},
        "automountServiceAccountToken": part.w.needs_service_account_token,
    }
    port = low_port(part)
    if port is not None:
        values["podSecurityContext"] = pod_security_context(port)
    return values | workload_values(part, deps, fallback, env)


def _controller_namespace(plan: Plan) -> str:
    ingress = plan.requirements.ingress
    name = (ingress.class_name if ingress else "") or "nginx"
    return _CONTROLLER_NAMESPACES.get(name, name)


def environment_overrides(plan: Plan) -> dict[str, Values]:
    """Return each environment's overrides: sizes, replicas, autoscaling and PDB left open."""
    main, *others = parts(plan)
    overrides: dict[str, Values] = {}
    for env in plan.resources.environments:
        values = environment_values(main, env)
        components = {p.name: environment_values(p, env) for p in others}
        components = {name: v for name, v in components.items() if v}
        if components:
            values["components"] = components
        overrides[env] = values
    return overrides
