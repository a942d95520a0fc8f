"""Check a request to GitHub against GitHub's published REST description.

The fake GitHub answers whatever it is sent, so without this check a test could pass while the
bot sends a body the real GitHub rejects (a wrong type, a missing field, an unknown enum value).
The operations come from ``fixtures/github/openapi-operations.json``, a small extract written by
``fixtures/github/extract.py``; a route the bot calls but the extract lacks is reported too, so
the operation list in the extract script stays the complete list of what the bot calls.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

FIXTURE = Path(__file__).parent / "fixtures" / "github" / "openapi-operations.json"
ENTERPRISE_PREFIX = "/api/v3"
# Only these parameters may span several path segments (a file path, a branch such as heads/a/b).
MULTI_SEGMENT = {"path", "ref"}
_MAX_MESSAGE = 200


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    pattern: re.Pattern[str]
    body_required: bool
    validator: jsonschema.Draft4Validator | None
    responses: frozenset[int]


def _nullable(schema: Any) -> Any:
    """Turn OpenAPI 3.0 ``nullable: true`` into the JSON Schema spelling, ``type: [T, "null"]``."""
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: _nullable(value) for key, value in schema.items() if key != "nullable"}
    if schema.get("nullable") is True:
        if "type" in result:
            result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result


def _is_datetime(value: object) -> bool:
    # GitHub rejects timestamps that are not ISO 8601; fromisoformat is strict enough for that.
    if isinstance(value, str):
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


_formats = jsonschema.FormatChecker([])
_formats.checks("date-time", raises=ValueError)(_is_datetime)


def _pattern(template: str, params: dict[str, str]) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = ""
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        elif part in MULTI_SEGMENT:
            regex += f"(?P<{part}>.+)"
        elif params.get(part) == "integer":
            regex += f"(?P<{part}>[0-9]+)"
        else:
            regex += f"(?P<{part}>[^/]+)"
    return re.compile(regex)


@functools.cache
def operations() -> tuple[Operation, ...]:
    """The extracted operations, most literal template first, so specific routes win."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    ops = []
    for op in data["operations"]:
        schema = op["body_schema"]
        validator = None
        if schema is not None:
            validator = jsonschema.Draft4Validator(_nullable(schema), format_checker=_formats)
        ops.append(
            Operation(
                method=op["method"],
                template=op["path"],
                operation_id=op["operationId"],
                pattern=_pattern(op["path"], op["path_params"]),
                body_required=op["body_required"],
                validator=validator,
                responses=frozenset(int(code) for code in op["responses"]),
            )
        )
    literal = lambda op: len(re.sub(r"\{\w+\}", "", op.template))  # noqa: E731
    return tuple(sorted(ops, key=literal, reverse=True))


@functools.cache
def not_checkable() -> dict[tuple[str, str], str]:
    """Calls the REST description cannot describe (GraphQL), with the reason."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {(n["method"], n["path"]): n["reason"] for n in data["not_checkable"]}


def normalize_path(path: str) -> str:
    """Drop the query string and GitHub Enterprise's ``/api/v3`` prefix (``/api/graphql`` too)."""
    path = path.split("?", 1)[0]
    if path == "/api/graphql":
        return "/graphql"
    if path.startswith(ENTERPRISE_PREFIX + "/"):
        return path[len(ENTERPRISE_PREFIX) :]
    return path


def find_operation(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """Return the operation whose template matches the concrete path, with its path params."""
    path = normalize_path(path)
    for op in operations():
        if op.method == method.upper() and (match := op.pattern.fullmatch(path)):
            return op, match.groupdict()
    return None


def _describe(error: jsonschema.ValidationError) -> str:
    """One line per error; for anyOf/oneOf, the reasons each branch failed (else it says little)."""
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + "..."
    reasons = dict.fromkeys(sub.message[:_MAX_MESSAGE] for sub in error.context or [])
    return f"{message} ({'; '.join(reasons)})" if reasons else message


def check_request(method: str, path: str, body: Any) -> list[str]:
    """Return what is wrong with this request by GitHub's description; [] when it is valid.

    ``body`` is the decoded JSON body, or None when the request has none.
    """
    method = method.upper()
    route = f"{method} {normalize_path(path)}"
    if (method, normalize_path(path)) in not_checkable():
        return []
    found = find_operation(method, path)
    if found is None:
        return [f"{route}: not in the extracted operations (add it to extract.py's OPERATIONS)"]
    op, _ = found
    where = f"{route} ({op.operation_id})"
    if op.validator is None:
        return [] if body is None else [f"{where}: this operation takes no request body"]
    if body is None:
        return [f"{where}: a request body is required"] if op.body_required else []
    errors = sorted(op.validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    return [
        f"{where}: body{''.join(f'[{p!r}]' for p in e.absolute_path)}: {_describe(e)}"
        for e in errors
    ]
