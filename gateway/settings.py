"""Gateway configuration: a TOML file plus environment overrides (prefix ``TEMPORAL_REVIEW_``).

The file is named by ``TEMPORAL_REVIEW_CONFIG``. Environment variables override it;
nested values use ``__`` (``TEMPORAL_REVIEW_TRUSTED_HEADERS__ENABLED=true``) and lists or
tables are JSON (``TEMPORAL_REVIEW_AGENT_KEYS='[{"name": "crm", "key": "..."}]'``).
Secrets are ``SecretStr`` (never printed) or stored as SHA-256 hex digests.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from temporal_review.worker.settings import GATEWAY_CONFIG_ENV, SharedFileSettings
from temporal_review.workflows import (
    ContentField,
    DecisionSpec,
    EscalationStep,
    Priority,
    ResponseSpec,
)
from temporal_review.workflows.names import TASK_QUEUE

CONFIG_ENV = GATEWAY_CONFIG_ENV

Scope = Literal["reviews:create", "reviews:read", "reviews:write"]
ALL_SCOPES: frozenset[Scope] = frozenset({"reviews:create", "reviews:read", "reviews:write"})


class _Secretive(BaseModel):
    """A credential given in clear (``key``/``token``) or as its SHA-256 hex digest."""

    model_config = ConfigDict(extra="forbid")

    def _check_one(self, clear: SecretStr | None, digest: str | None, what: str) -> None:
        if (clear is None) == (digest is None):
            raise ValueError(f"give exactly one of {what} or {what}_sha256")
        if clear is not None and len(clear.get_secret_value()) < 16:
            raise ValueError(f"{what} must be at least 16 characters")


class AgentKey(_Secretive):
    """An agent's API key and what it may do."""

    name: str = Field(min_length=1)
    key: SecretStr | None = None
    key_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    scopes: frozenset[Scope] = ALL_SCOPES

    @model_validator(mode="after")
    def _one_secret(self) -> AgentKey:
        self._check_one(self.key, self.key_sha256, "key")
        return self


class ReviewerToken(_Secretive):
    """A reviewer's bearer token, mapped to a user and groups. ``operator`` sees everything."""

    user: str = Field(min_length=1, max_length=200)
    groups: list[str] = Field(default_factory=list)
    operator: bool = False
    token: SecretStr | None = None
    token_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @model_validator(mode="after")
    def _one_secret(self) -> ReviewerToken:
        self._check_one(self.token, self.token_sha256, "token")
        return self


class TrustedHeaders(BaseModel):
    """Reviewer identity from an authenticating proxy. Off by default: only enable it when
    the gateway is reachable solely through that proxy."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    user_header: str = "X-Forwarded-User"
    groups_header: str = "X-Forwarded-Groups"  # comma-separated
    operator_group: str | None = None


class ReviewTemplate(BaseModel):
    """A reusable review form (gotoHuman style): fields, response and routing defaults.

    A request naming the template supplies field values (``values``) and may override the
    routing and timing.
    """

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    fields: list[ContentField] = Field(default_factory=list)
    response: ResponseSpec = Field(default_factory=DecisionSpec)
    queue: str | None = None
    users: list[str] | None = None
    groups: list[str] | None = None
    priority: Priority | None = None
    timeout: timedelta | None = None
    default_response: Any = None
    escalation: list[EscalationStep] | None = None
    claim_lease: timedelta | None = None
    remind_before: timedelta | None = None
    max_rounds: int | None = None


class GatewaySettings(SharedFileSettings):
    """Everything the gateway reads.

    Attributes:
        agent_keys: API keys for agents.
        reviewers: Reviewer tokens.
        trusted_headers: Proxy-provided reviewer identity.
        templates: Named review templates.
        task_queue: Where review workflows run.
        base_url: Public URL of the gateway (for links).
        max_wait_seconds: Cap of the outcome long-poll.
        action_timeout_seconds: How long an action waits for a worker before a 503.
        max_body_bytes: Request bodies above this are refused with 413.
        link_secret: Verifies the signed review links in notifications (shared with the
            worker, which signs them).
        log_format: ``text`` or ``json`` (one object per line).
        tracing: OpenTelemetry spans per request, joined to the review's workflow trace.
        session_secret: Signs web UI session cookies; set it when several gateways serve
            one site (unset: a random one per process).
    """

    agent_keys: list[AgentKey] = Field(default_factory=list)
    reviewers: list[ReviewerToken] = Field(default_factory=list)
    trusted_headers: TrustedHeaders = Field(default_factory=TrustedHeaders)
    templates: dict[str, ReviewTemplate] = Field(default_factory=dict)
    task_queue: str = TASK_QUEUE
    base_url: str | None = Field(default=None, pattern=r"^https?://")
    max_wait_seconds: int = Field(default=60, ge=0, le=300)
    action_timeout_seconds: float = Field(default=10.0, gt=0)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    link_secret: SecretStr | None = Field(default=None, min_length=32)
    session_secret: SecretStr | None = Field(default=None, min_length=32)
    log_format: Literal["text", "json"] = "text"
    tracing: bool = False
