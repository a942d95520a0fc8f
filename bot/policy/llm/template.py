"""The template agent's model: customisations the generic templates don't cover.

Its tools edit values (checked by ``guards``), read existing ConfigMaps or Secrets into the
environment, or add a template file. A new file is rendered with the chart and put through the
validation and security checks at once (Trivy is left to the gate); a call that adds a failing
file is refused with the findings, so the model can correct it. Whatever it adds goes through
the full validator and security gates afterwards like every other file.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.llm.react import ModelTool, ToolRejected, as_json
from bot.policy.base import Templated
from bot.policy.llm import guards, prompts
from bot.policy.llm.turn import Turn
from bot.tools import security, validate
from bot.tools.models import ChartDraft, Finding, Plan, ValueChange
from bot.tools.workspace import workspace

MAX_FILE_BYTES = 20_000
MAX_EXTRA_FILES = 3
_FORBIDDEN_TEXT = re.compile(
    r"privileged:\s*true|host(Network|PID|IPC):\s*true|hostPath:|"
    r"kind:\s*(ClusterRole|ClusterRoleBinding|Secret)\b",
)


class SetValue(BaseModel):
    path: str = Field(
        ..., description="Dotted values key, e.g. podAnnotations.prometheus\\.io/scrape"
    )
    value: Any = Field(None, description="New value (any JSON); null removes the key")
    environment: Literal["", "dev", "staging", "prod"] = Field(
        "", description="'' edits values.yaml, else values-<env>.yaml"
    )
    reason: str = Field(..., max_length=300)


class AddEnvFrom(BaseModel):
    kind: Literal["configMap", "secret"]
    name: str = Field(..., description="Name of an existing ConfigMap or Secret")
    optional: bool = False


class AddTemplateFile(BaseModel):
    name: str = Field(
        ..., pattern=r"^[a-z0-9][a-z0-9-]{0,50}\.yaml$", description="e.g. cleanup-cronjob.yaml"
    )
    content: str = Field(
        ..., description="A Go-template Kubernetes manifest using the chart's helpers"
    )
    reason: str = Field(..., max_length=300)


class ShowFile(BaseModel):
    path: str = Field(..., description="Chart-relative path, e.g. templates/deployment.yaml")


def _key(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.rule, finding.file, finding.resource, finding.message)


class Tailoring:
    """The draft a model is tailoring, and what it changed."""

    def __init__(self, draft: ChartDraft, files: dict[str, str], kube_versions: list[str]) -> None:
        self.draft = draft
        self.files = dict(files)
        self.changes: list[ValueChange] = []
        self.kube_versions = kube_versions

    def _apply(self, change: ValueChange) -> str:
        self.draft = guards.check_change(self.draft, change)
        self.changes.append(change)
        where = f"values-{change.environment}.yaml" if change.environment else "values.yaml"
        return f"{change.path} set in {where}"

    def set_value(self, args: SetValue) -> str:
        return self._apply(
            ValueChange(
                path=args.path, value=args.value, environment=args.environment, reason=args.reason
            )
        )

    def add_env_from(self, args: AddEnvFrom) -> str:
        ref = "configMapRef" if args.kind == "configMap" else "secretRef"
        entry = {ref: {"name": args.name, **({"optional": True} if args.optional else {})}}
        current = list(self.draft.values.get("extraEnvFrom") or [])
        if entry in current:
            raise ToolRejected(f"{args.kind} {args.name} is already read")
        return self._apply(
            ValueChange(
                path="extraEnvFrom",
                value=[*current, entry],
                reason=f"environment from {args.kind} {args.name}",
            )
        )

    def add_template_file(self, args: AddTemplateFile) -> str:
        path = f"templates/{args.name}"
        if path in self.draft.files:
            raise ToolRejected(f"{path} already exists; choose another name")
        if len(self.files) >= MAX_EXTRA_FILES:
            raise ToolRejected(f"at most {MAX_EXTRA_FILES} added template files")
        if len(args.content.encode()) > MAX_FILE_BYTES:
            raise ToolRejected(f"the file is larger than {MAX_FILE_BYTES} bytes")
        if match := _FORBIDDEN_TEXT.search(args.content):
            raise ToolRejected(f"{match.group(0)!r} is not allowed in a generated chart")
        before = {_key(f) for f in self._failing(self.draft)}
        candidate = self.draft.model_copy(
            update={"files": {**self.draft.files, path: args.content}}
        )
        new = [f for f in self._failing(candidate) if _key(f) not in before]
        if new:
            raise ToolRejected(
                f"{path} fails the chart's checks: "
                + "; ".join(f"{f.rule} {f.file}: {f.message}" for f in new[:5])
            )
        self.draft = candidate
        self.files[path] = args.content
        return f"{path} added; it renders and passes validation and the security checks"

    def show_file(self, args: ShowFile) -> str:
        if args.path not in self.draft.files:
            raise ToolRejected(f"no file {args.path}; files: {', '.join(sorted(self.draft.files))}")
        return self.draft.files[args.path]

    def _failing(self, draft: ChartDraft) -> list[Finding]:
        """Return the failing findings of every check but Trivy."""
        with workspace(draft) as (chart_dir, env_files):
            reports = [
                validate.run_validation(chart_dir, env_files, self.kube_versions),
                security.check_pod_security_policies(chart_dir, env_files),
                security.detect_hardcoded_secrets(chart_dir, env_files),
                security.validate_rbac_configuration(chart_dir, env_files),
                security.scan_network_policies(chart_dir, env_files),
            ]
        return [f for report in reports for f in validate.failing(report.findings)]

    def tools(self) -> list[ModelTool]:
        return [
            ModelTool("set_value", "Set one values key of the chart.", SetValue, self.set_value),
            ModelTool(
                "add_env_from",
                "Expose every key of an existing ConfigMap or Secret as environment variables.",
                AddEnvFrom,
                self.add_env_from,
            ),
            ModelTool(
                "add_template_file",
                "Add a template file, e.g. an extra CronJob, checked at once.",
                AddTemplateFile,
                self.add_template_file,
            ),
            ModelTool(
                "show_file", "Show one of the chart's files.", ShowFile, self.show_file, query=True
            ),
        ]


def _context(plan: Plan, draft: ChartDraft) -> str:
    name = draft.name
    return (
        f"The chart {name} (values.yaml as JSON):\n{as_json(draft.values)}\n\n"
        f"Files: {', '.join(sorted(draft.files))}\n"
        f'Helpers for new templates: include "{name}.fullname" ., include "{name}.labels" ., '
        f'include "{name}.selectorLabels" ., include "{name}.imageRef" .Values.image, '
        f'include "{name}.serviceAccountName" ., '
        f'include "{name}.podSpec" (dict "root" $ "v" $.Values "component" "<component>" '
        f'"name" (printf "%s-<component>" (include "{name}.fullname" $)) "main" false '
        f'"claim" false). A further workload is better added as values: '
        f"components.<component> with the keys values.yaml documents.\n"
        f"Workload: {plan.architecture.workload}."
    )


def tailor(
    turn: Turn, plan: Plan, baseline: Templated, request: str, kube_versions: list[str]
) -> Templated:
    """Let the model tailor the baseline draft; return it with the changes to replay."""
    work = Tailoring(baseline.draft, baseline.files, kube_versions)
    turn.loop(prompts.messages("template", _context(plan, baseline.draft), request), work.tools())
    return Templated(work.draft, [*baseline.changes, *work.changes], work.files)
