"""Worker configuration: the shared TOML file plus environment overrides (``TEMPORAL_REVIEW_``).

The worker and the gateway read one file, named by ``TEMPORAL_REVIEW_CONFIG``; each takes
the tables it needs. The Temporal connection itself comes from temporalio's environment
configuration (``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``, TLS
settings, ``TEMPORAL_PROFILE`` and the config file), so Temporal Cloud works unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from temporal_review.activities.channels import NotificationSettings
from temporal_review.workflows.names import TASK_QUEUE

GATEWAY_CONFIG_ENV = "TEMPORAL_REVIEW_CONFIG"
"""Environment variable naming the shared TOML configuration (the dev stack sets it)."""


class ReviewerMembership(BaseModel):
    """The part of a gateway reviewer entry the worker reads: who is in which group."""

    model_config = ConfigDict(extra="ignore")

    user: str
    groups: list[str] = Field(default_factory=list)


class SharedFileSettings(BaseSettings):
    """Settings read from arguments, then ``TEMPORAL_REVIEW_*`` variables (nested with
    ``__``), then the TOML file ``TEMPORAL_REVIEW_CONFIG`` names: the worker and the
    gateway each read their tables from that one file."""

    model_config = SettingsConfigDict(
        env_prefix="TEMPORAL_REVIEW_", env_nested_delimiter="__", extra="ignore"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the shared TOML file."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = os.environ.get(GATEWAY_CONFIG_ENV)
        if path:
            if not Path(path).is_file():
                raise ValueError(f"{GATEWAY_CONFIG_ENV} names {path}, which is not a file")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(path)))
        return tuple(sources)


class WorkerSettings(SharedFileSettings):
    """What the ``temporal-review worker`` process reads.

    Attributes:
        task_queue: Task queue to poll.
        webhook_secrets: Secret reference -> secret
            (``TEMPORAL_REVIEW_WEBHOOK_SECRETS='{"crm": "..."}'``). Never logged.
        max_cached_workflows: Workflow cache size: bounds memory with many open reviews.
        example_agent: Also run the example agent workflow.
        ensure_search_attributes: Register missing search attributes at start.
        notifications: Channels, reviewer contacts and the mail server.
        base_url: The gateway's public URL (shared with the gateway): links point there.
        link_secret: Signs per-reviewer review links (shared with the gateway).
        reviewers: The gateway's reviewer entries; only users and groups are read.
        metrics_bind_address: ``host:port`` of a Prometheus endpoint with the SDK's and the
            reviews' metrics (``0.0.0.0:9464`` in a container); none when unset.
        log_format: ``text`` or ``json`` (one object per line; never secrets or content).
        tracing: OpenTelemetry traces over OTLP/HTTP (``OTEL_EXPORTER_OTLP_ENDPOINT``).
    """

    task_queue: str = TASK_QUEUE
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    max_cached_workflows: int = Field(default=1000, ge=0)
    example_agent: bool = False
    ensure_search_attributes: bool = True
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    base_url: str | None = Field(default=None, pattern=r"^https?://")
    link_secret: SecretStr | None = Field(default=None, min_length=32)
    reviewers: list[ReviewerMembership] = Field(default_factory=list)
    metrics_bind_address: str | None = Field(default=None, pattern=r"^[^:\s]+:\d{1,5}$")
    log_format: Literal["text", "json"] = "text"
    tracing: bool = False

    def secrets(self) -> dict[str, str]:
        """The webhook secrets in clear, for the plugin only."""
        return {ref: secret.get_secret_value() for ref, secret in self.webhook_secrets.items()}

    def notification_settings(self) -> NotificationSettings:
        """Notifications, with contacts' groups filled in from the reviewer entries."""
        groups: dict[str, list[str]] = {}
        for entry in self.reviewers:
            groups.setdefault(entry.user, [])
            groups[entry.user] += [g for g in entry.groups if g not in groups[entry.user]]
        return self.notifications.with_groups(groups)
