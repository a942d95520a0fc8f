"""values.schema.json for a generated chart: strict where a typo would silently do nothing.

Helm validates every install and upgrade against this schema, so ``replicaCont: 3`` or
``image.tag: latest`` fails loudly instead of deploying something else. Objects of the chart's own
layout reject unknown keys; objects that carry Kubernetes fields (security contexts, probes,
affinity) or user data (labels, annotations, config) stay open.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

# Objects whose keys are the chart's own: an unknown key there is a typo.
CLOSED = {
    "",
    "image",
    "service",
    "ingress",
    "autoscaling",
    "podDisruptionBudget",
    "networkPolicy",
    "persistence",
    "serviceAccount",
    "tests",
    "tests.image",
    "cronjob",
    "resources",
    "resources.requests",
    "resources.limits",
}
QUANTITY = {"type": ["string", "integer", "number"], "pattern": r"^[0-9.]+[a-zA-Z]*$"}
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"
SPECIAL: dict[str, Schema] = {
    "image.tag": {
        "type": "string",
        "not": {"const": "latest"},
        "description": "Pinned tag; 'latest' is refused",
    },
    "image.pullPolicy": {"type": "string", "enum": ["IfNotPresent", "Always", "Never"]},
    "replicaCount": {"type": "integer", "minimum": 0},
    "autoscaling.minReplicas": {"type": "integer", "minimum": 1},
    "autoscaling.maxReplicas": {"type": "integer", "minimum": 1},
    "autoscaling.targetCPUUtilizationPercentage": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": 100,
    },
    "autoscaling.targetMemoryUtilizationPercentage": {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": 100,
    },
    "podDisruptionBudget.minAvailable": {"type": ["integer", "string"]},
    "podDisruptionBudget.maxUnavailable": {"type": ["integer", "string"]},
    "service.type": {"type": "string", "enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
    # empty beside an existingClaim: the claim is mounted as it is, nothing is sized
    "persistence.size": {**QUANTITY, "pattern": r"^(?:[0-9.]+[a-zA-Z]*)?$"},
    "fullnameOverride": {"type": "string", "maxLength": 63},
    "nameOverride": {"type": "string", "maxLength": 63},
    "containerPorts": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "containerPort"],
            "properties": {
                "name": {"type": "string", "pattern": DNS_LABEL, "maxLength": 15},
                "containerPort": {"type": "integer", "minimum": 1, "maximum": 65535},
                "protocol": {"type": "string", "enum": ["TCP", "UDP", "SCTP"]},
            },
        },
    },
    "secretEnv": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "key"],
            "properties": {
                "name": {"type": "string"},
                "secretName": {"type": "string"},
                "key": {"type": "string"},
            },
        },
    },
    "env": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}},
        },
    },
    "config": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
    "extraEnvFrom": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {
                "prefix": {"type": "string"},
                **{
                    ref: {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string", "pattern": DNS_SUBDOMAIN},
                            "optional": {"type": "boolean"},
                        },
                    }
                    for ref in ("configMapRef", "secretRef")
                },
            },
        },
    },
}


def _leaf(value: object) -> Schema:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array"}
    return {}


def _infer(value: object, path: str) -> Schema:
    if path == "image.tag" and value == "latest":
        return {"type": "string", "description": "The request asks for latest: pin it"}
    if path in SPECIAL:
        return SPECIAL[path]
    if path.startswith(("resources.requests.", "resources.limits.")):
        return QUANTITY
    if not isinstance(value, dict):
        return _leaf(value)
    schema: Schema = {"type": "object"}
    if path in CLOSED:
        schema["additionalProperties"] = False
        schema["properties"] = {
            key: _infer(child, f"{path}.{key}" if path else key) for key, child in value.items()
        }
    return schema


def values_schema(values: dict[str, Any]) -> Schema:
    """Return a JSON schema (draft-07) for a chart's values, derived from its defaults."""
    schema = _infer(values, "")
    # Optional keys a user may set that the defaults leave out.
    props = schema["properties"]
    props["global"] = {"type": "object"}  # Helm passes global values to every chart
    if "podDisruptionBudget" in props:
        props["podDisruptionBudget"]["properties"]["maxUnavailable"] = SPECIAL[
            "podDisruptionBudget.maxUnavailable"
        ]
    if "resources" in props:
        for part in ("requests", "limits"):
            props["resources"]["properties"].setdefault(
                part, {"type": "object", "additionalProperties": False, "properties": {}}
            )
            props["resources"]["properties"][part]["properties"].update(
                {"cpu": QUANTITY, "memory": QUANTITY, "ephemeral-storage": QUANTITY}
            )
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Chart values", **schema}
