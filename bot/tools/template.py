"""The template agent's tools: a chart from generic Go templates, with the plan in its values.

The templates in ``bot/chart_templates`` are real, values-driven Helm templates; nothing here
builds YAML manifests by string concatenation. What the request says goes into ``values.yaml``
(see ``values_layout``). The only textual step is naming: template definitions are shipped as
``chart.*`` / ``datastore.*`` and renamed to the chart's own name, as ``helm create`` does.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from bot.tools import values as values_tools
from bot.tools.models import ChartDraft, HelmDependency, Plan
from bot.tools.schema import values_schema

ICON = "https://raw.githubusercontent.com/cncf/artwork/main/projects/helm/icon/color/helm-icon-color.svg"
WORKLOAD_FILES = {
    "Deployment": "deployment.yaml",
    "StatefulSet": "statefulset.yaml",
    "DaemonSet": "daemonset.yaml",
    "CronJob": "cronjob.yaml",
    "Job": "job.yaml",
}
# How each bundled datastore runs under a restricted, read-only pod: data path, password env,
# extra environment, writable directories and arguments.
DATASTORES: dict[str, dict[str, Any]] = {
    "postgresql": {
        "mountPath": "/var/lib/postgresql/data",
        "passwordEnv": "POSTGRES_PASSWORD",
        "env": [{"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
        "writable": ["/tmp", "/var/run/postgresql"],
    },
    "mysql": {
        "mountPath": "/var/lib/mysql",
        "passwordEnv": "MYSQL_ROOT_PASSWORD",
        "writable": ["/tmp", "/var/run/mysqld"],
    },
    "mariadb": {
        "mountPath": "/var/lib/mysql",
        "passwordEnv": "MARIADB_ROOT_PASSWORD",
        "writable": ["/tmp", "/run/mysqld"],
    },
    "mongodb": {
        "mountPath": "/data/db",
        "passwordEnv": "MONGO_INITDB_ROOT_PASSWORD",
        "env": [{"name": "MONGO_INITDB_ROOT_USERNAME", "value": "root"}],
        "writable": ["/tmp"],
    },
    "redis": {
        "mountPath": "/data",
        "passwordEnv": "REDIS_PASSWORD",
        "args": ["--requirepass", "$(REDIS_PASSWORD)"],
        "writable": ["/tmp"],
    },
    "memcached": {
        "mountPath": "/var/cache/memcached",
        "passwordEnv": "",
        "persistent": False,
        "writable": ["/tmp"],
    },
    "rabbitmq": {
        "mountPath": "/var/lib/rabbitmq",
        "passwordEnv": "RABBITMQ_DEFAULT_PASS",
        "writable": ["/tmp"],
    },
    "kafka": {"mountPath": "/var/lib/kafka/data", "passwordEnv": "", "writable": ["/tmp"]},
    "elasticsearch": {
        "mountPath": "/usr/share/elasticsearch/data",
        "passwordEnv": "ELASTIC_PASSWORD",
        "env": [{"name": "discovery.type", "value": "single-node"}],
        "writable": ["/tmp"],
    },
    "nats": {
        "mountPath": "/data",
        "passwordEnv": "",
        "args": ["-js", "-sd", "/data"],
        "writable": ["/tmp"],
    },
}


def _package_file(*parts: str) -> str:
    """Read a template file shipped with helm-bot."""
    return resources.files("bot.chart_templates").joinpath(*parts).read_text(encoding="utf-8")


def _named(text: str, prefix: str, name: str) -> str:
    """Rename the shipped template definitions (``"chart.x"``) to the chart's own name."""
    return text.replace(f'"{prefix}.', f'"{name}.')


def _app_template(plan: Plan, filename: str) -> str:
    return _named(_package_file("app", "templates", filename), "chart", plan.chart_name)


# --------------------------------------------------------------------------- the ten tools


def generate_deployment_yaml(plan: Plan) -> str:
    """Return the workload template for the plan's workload kind."""
    return _app_template(plan, WORKLOAD_FILES[plan.architecture.workload])


def generate_service_yaml(plan: Plan) -> str:
    """Return the Service template (and, for a StatefulSet, its headless Service)."""
    text = _app_template(plan, "service.yaml")
    if plan.architecture.workload == "StatefulSet":
        text += "---\n" + _app_template(plan, "service-headless.yaml")
    return text


def generate_ingress_yaml(plan: Plan) -> str:
    """Return the Ingress template (TLS, class and cert-manager issuer from values)."""
    return _app_template(plan, "ingress.yaml")


def generate_configmap_yaml(plan: Plan) -> str:
    """Return the ConfigMap template for non-secret settings."""
    return _app_template(plan, "configmap.yaml")


def generate_hpa_yaml(plan: Plan) -> str:
    """Return the autoscaling/v2 HorizontalPodAutoscaler template."""
    return _app_template(plan, "hpa.yaml")


def generate_pdb_yaml(plan: Plan) -> str:
    """Return the policy/v1 PodDisruptionBudget template."""
    return _app_template(plan, "pdb.yaml")


def generate_network_policy_yaml(plan: Plan) -> str:
    """Return the default-deny NetworkPolicy template with explicit allowances."""
    return _app_template(plan, "networkpolicy.yaml")


def generate_values_yaml(plan: Plan) -> str:
    """Return values.yaml for the plan, documented with @section and @param lines."""
    base, _ = values_tools.build_values(plan)
    return values_tools.values_yaml(base)


def generate_helpers_tpl(plan: Plan) -> str:
    """Return _helpers.tpl: names, labels, image references and the shared pod spec."""
    return _app_template(plan, "_helpers.tpl")


def generate_readme(plan: Plan, files: dict[str, str]) -> str:
    """Return the chart's README: what it deploys, how to install it, and its values."""
    name = plan.chart_name
    req = plan.requirements
    lines = [
        f"# {name}",
        "",
        plan.description,
        "",
        'Generated by helm-bot: Pod Security Standards "restricted", pinned images, secrets only',
        "through existing Secrets, and per-environment values files.",
        "",
        "## What it deploys",
        "",
        "| Kind | Why |",
        "|---|---|",
        *[f"| {r.kind} | {r.reason.replace('|', '/')} |" for r in plan.architecture.resources],
    ]
    deps = plan.dependencies.helm_dependencies
    if deps:
        lines += [
            "",
            "Bundled dependencies (turn one off with `<name>.enabled=false` to use a",
            "managed service instead):",
            "",
        ]
        lines += [f"- `{d.name}` {d.app_version}: {d.reason}" for d in deps]
    secrets = _secret_commands(plan)
    lines += ["", "## Before installing", ""]
    if secrets:
        lines += [
            "Create the Secrets the chart reads (it never contains secret values):",
            "",
            "```sh",
            *secrets,
            "```",
        ]
    else:
        lines.append("Nothing: the chart needs no Secrets.")
    env_files = sorted(f for f in files if f.startswith("values-"))
    lines += [
        "",
        "## Install",
        "",
        "```sh",
        f"helm install {name} ./{name} --namespace {name} --create-namespace \\",
        f"  -f ./{name}/{env_files[-1] if env_files else 'values.yaml'}",
        f"helm test {name} --namespace {name}",
        "```",
        "",
        "Environments: "
        + ", ".join(f"`{f}`" for f in env_files)
        + " hold only what differs from `values.yaml`.",
    ]
    if req.ingress and req.ingress.hosts:
        scheme = "https" if req.ingress.tls else "http"
        lines += ["", "Reachable at " + ", ".join(f"{scheme}://{h}" for h in req.ingress.hosts)]
    lines += [
        "",
        "## Values",
        "",
        values_tools.TABLE_START,
        values_tools.values_table(files.get("values.yaml", "")),
        values_tools.TABLE_END,
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- assembly


def _secret_commands(plan: Plan) -> list[str]:
    """Return kubectl commands that create the Secrets the chart reads, with placeholders."""
    by_secret: dict[str, list[str]] = {}
    default = f"{plan.chart_name}-secrets"
    for ref in plan.requirements.secrets:
        by_secret.setdefault(ref.secret_name or default, []).append(ref.key)
    for dep in plan.dependencies.helm_dependencies:
        if DATASTORES.get(dep.kind, {}).get("passwordEnv"):
            by_secret.setdefault(f"{plan.chart_name}-{dep.name}", []).append("password")
    return [
        f"kubectl create secret generic {secret} --namespace {plan.chart_name} "
        + " ".join(f"--from-file={key}=./{key}.txt" for key in keys)
        for secret, keys in by_secret.items()
    ]


def chart_yaml(plan: Plan) -> str:
    """Return Chart.yaml, declaring each bundled datastore as a conditional dependency."""
    req = plan.requirements
    keywords = [
        k
        for k in (plan.chart_name, req.language, req.framework, plan.architecture.workload.lower())
        if k
    ]
    chart: dict[str, Any] = {
        "apiVersion": "v2",
        "name": plan.chart_name,
        "description": plan.description,
        "type": "application",
        "version": plan.chart_version,
        "appVersion": plan.app_version,
        "kubeVersion": ">=1.29.0-0",
        "icon": ICON,
        "keywords": list(dict.fromkeys(keywords)),
        "annotations": {"helm-bot/workload": plan.architecture.workload},
    }
    if plan.dependencies.helm_dependencies:
        chart["dependencies"] = [
            {
                "name": d.name,
                "version": d.version,
                "repository": f"file://charts/{d.name}",
                "condition": d.condition,
            }
            for d in plan.dependencies.helm_dependencies
        ]
    return values_tools.dump(chart)


def _datastore_files(dep: HelmDependency) -> dict[str, str]:
    """Instantiate the bundled datastore subchart for one dependency."""
    settings = DATASTORES.get(dep.kind, DATASTORES["redis"])
    uid = 10001
    values = {
        "enabled": True,
        "image": {
            "registry": dep.image.registry or "docker.io",
            "repository": dep.image.repository,
            "tag": dep.image.tag,
            "digest": dep.image.digest,
        },
        "port": dep.port,
        "args": settings.get("args", []),
        "env": settings.get("env", []),
        "auth": {"existingSecret": "", "key": "password", "envVar": settings["passwordEnv"]},
        "persistence": {
            "enabled": settings.get("persistent", True),
            "size": "8Gi",
            "storageClass": "",
            "mountPath": settings["mountPath"],
        },
        "writableDirs": [
            {"name": f"scratch-{i}", "mountPath": p} for i, p in enumerate(settings["writable"])
        ],
        "resources": {
            "requests": {"cpu": "100m", "memory": "256Mi"},
            "limits": {"cpu": "500m", "memory": "512Mi"},
        },
        "podSecurityContext": {
            "runAsNonRoot": True,
            "runAsUser": uid,
            "runAsGroup": uid,
            "fsGroup": uid,
            "fsGroupChangePolicy": "OnRootMismatch",
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containerSecurityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": uid,
            "runAsGroup": uid,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    chart = {
        "apiVersion": "v2",
        "name": dep.name,
        "description": f"Bundled {dep.kind} for development and small deployments",
        "type": "application",
        "version": dep.version,
        "appVersion": dep.app_version,
        "icon": ICON,
    }
    root = f"charts/{dep.name}"
    files = {
        f"{root}/Chart.yaml": values_tools.dump(chart),
        f"{root}/values.yaml": "# Password comes from an existing Secret (auth.existingSecret, "
        "default <release>-<name>).\n" + values_tools.dump(values),
        f"{root}/.helmignore": _package_file("datastore", ".helmignore"),
    }
    for template in ("_helpers.tpl", "statefulset.yaml", "service.yaml", "networkpolicy.yaml"):
        text = _package_file("datastore", "templates", template)
        files[f"{root}/templates/{template}"] = _named(text, "datastore", dep.name)
    return files


def assemble_chart(plan: Plan) -> ChartDraft:
    """Run the template tools in order and return the whole chart in memory."""
    base, environments = values_tools.build_values(plan)
    kinds = {r.kind for r in plan.architecture.resources}
    templates = {
        "_helpers.tpl": generate_helpers_tpl(plan),
        WORKLOAD_FILES[plan.architecture.workload]: generate_deployment_yaml(plan),
        "serviceaccount.yaml": _app_template(plan, "serviceaccount.yaml"),
        "networkpolicy.yaml": generate_network_policy_yaml(plan),
        "NOTES.txt": _app_template(plan, "NOTES.txt"),
    }
    if base["service"]["enabled"]:
        templates["service.yaml"] = _app_template(plan, "service.yaml")
        templates["tests/test-connection.yaml"] = _app_template(plan, "tests/test-connection.yaml")
        if "Ingress" in kinds or base["ingress"]["enabled"]:
            templates["ingress.yaml"] = generate_ingress_yaml(plan)
    if plan.architecture.workload == "StatefulSet":
        templates["service-headless.yaml"] = _app_template(plan, "service-headless.yaml")
    if "autoscaling" in base:
        templates["hpa.yaml"] = generate_hpa_yaml(plan)
        templates["pdb.yaml"] = generate_pdb_yaml(plan)
    templates["configmap.yaml"] = generate_configmap_yaml(plan)
    if plan.architecture.workload in ("Deployment", "DaemonSet", "CronJob", "Job"):
        templates["pvc.yaml"] = _app_template(plan, "pvc.yaml")

    files = {f"templates/{name}": text for name, text in templates.items()}
    files["Chart.yaml"] = chart_yaml(plan)
    files[".helmignore"] = _package_file("app", ".helmignore")
    files["values.yaml"] = values_tools.values_yaml(base)
    for env, overrides in environments.items():
        files[f"values-{env}.yaml"] = values_tools.environment_yaml(env, overrides)
    files["values.schema.json"] = json.dumps(values_schema(base), indent=2) + "\n"
    for dep in plan.dependencies.helm_dependencies:
        files |= _datastore_files(dep)
    files["README.md"] = generate_readme(plan, files)
    return ChartDraft(
        name=plan.chart_name, files=files, values=base, environment_values=environments
    )
