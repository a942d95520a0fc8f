"""``.github/helm-bot.yml``: what a repository asks of the bot, every key with a default.

The file is read from the default branch, so only people who can merge decide how the bot
behaves. A broken file must not stop the bot or silently change what it does: the defaults
apply, and the problems are returned so the bot can say in the issue what is wrong.
"""

from __future__ import annotations

import re
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PATH = ".github/helm-bot.yml"
_KUBE_VERSION = re.compile(r"^1\.\d{2}$")


class RepoConfig(BaseModel):
    """The repository's settings for helm-bot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trigger_label: str = Field("helm-chart", min_length=1, max_length=50)
    chart_dir: str = Field("charts", description="where charts go, relative to the repository")
    branch_prefix: str = Field("helm-bot/", min_length=1, max_length=60)
    requesters: Literal["anyone", "collaborators"] = Field(
        "anyone", description="who may request a chart: anyone who can open an issue, or writers"
    )
    approvers: list[str] = Field(
        default_factory=list, description="logins allowed to decide, besides those with write"
    )
    kube_versions: list[str] | None = Field(
        None, description="versions to validate against; default: the server's setting"
    )
    environments: list[Literal["dev", "staging", "prod"]] = Field(
        default_factory=lambda: ["dev", "staging", "prod"], min_length=1
    )
    llm: bool | None = Field(None, description="use the model when the server has one (default)")
    allowed_exceptions: list[str] = Field(
        default_factory=list, description="elevated powers the security gate lets through"
    )
    pin_digests: bool = Field(
        False, description="look up each image tag's digest in its registry and pin it"
    )
    review_exposure: bool = Field(
        False,
        description="ask a human before a LoadBalancer or NodePort Service, even when the "
        "request asks for one (by default an exposure the request states is honoured)",
    )

    @field_validator("chart_dir")
    @classmethod
    def _relative_path(cls, value: str) -> str:
        cleaned = value.strip().rstrip("/")
        parts = cleaned.split("/")
        if (
            not cleaned
            or cleaned.startswith("/")
            or any(p in ("", ".", "..") for p in parts)
            or cleaned.startswith(".git")
        ):
            raise ValueError("must be a plain relative directory such as 'charts' or 'deploy/helm'")
        return cleaned

    @field_validator("branch_prefix")
    @classmethod
    def _ref_safe(cls, value: str) -> str:
        if re.search(r"[\s~^:?*\[\\]|\.\.|@\{|//", value) or value.startswith(("/", "-")):
            raise ValueError("is not usable in a git branch name")
        return value

    @field_validator("kube_versions")
    @classmethod
    def _versions(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [v for v in value if not _KUBE_VERSION.match(str(v))]
        if bad or not value:
            raise ValueError(f"needs quoted versions such as ''1.30'', got {bad or 'none'}")
        return value

    @field_validator("approvers")
    @classmethod
    def _logins(cls, value: list[str]) -> list[str]:
        return [v.strip().lstrip("@").lower() for v in value if v.strip()]


def parse(text: str | None) -> tuple[RepoConfig, list[str]]:
    """Return the configuration in ``text`` (None: no file) and what was wrong with it."""
    if text is None or not text.strip():
        return RepoConfig(), []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return RepoConfig(), [f"{PATH} is not valid YAML: {exc}"]
    if data is None:
        return RepoConfig(), []
    if not isinstance(data, dict):
        return RepoConfig(), [f"{PATH} must be a mapping of settings, not {type(data).__name__}"]
    # YAML spells some version numbers as floats (1.30 -> 1.3); a string keeps what was meant.
    if isinstance(data.get("kube_versions"), list):
        data["kube_versions"] = [str(v) for v in data["kube_versions"]]
    try:
        return RepoConfig.model_validate(data), []
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
            for err in exc.errors()
        ]
        return RepoConfig(), [f"{PATH}: {p}" for p in problems]
