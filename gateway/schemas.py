"""Request and response bodies of the HTTP API (separate from the domain models)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from temporal_review.workflows import (
    AgentContext,
    Callback,
    ContentField,
    EscalationStep,
    FieldChange,
    Priority,
    ResponseSpec,
    ReviewOutcome,
    ReviewStatus,
)
from temporal_review.workflows.content import JsonValue


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateReviewBody(_Body):
    """A review to create: a full request, or a template name plus field ``values``.

    Fields given here override the template's defaults.
    """

    title: str | None = Field(default=None, min_length=1, max_length=500)
    review_id: str | None = Field(
        default=None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$"
    )
    template: str | None = Field(default=None, max_length=200)
    values: dict[str, JsonValue] | None = Field(default=None, max_length=500)
    fields: list[ContentField] | None = Field(default=None, max_length=500)
    response: ResponseSpec | None = None
    queue: str | None = Field(default=None, min_length=1, max_length=200)
    users: list[str] | None = Field(default=None, max_length=500)
    groups: list[str] | None = Field(default=None, max_length=500)
    priority: Priority | None = None
    timeout: timedelta | None = None
    default_response: Any = None
    escalation: list[EscalationStep] | None = Field(default=None, max_length=50)
    claim_lease: timedelta | None = None
    remind_before: timedelta | None = None
    max_rounds: int | None = Field(default=None, ge=0, le=1000)
    meta: dict[str, Any] | None = None
    context: AgentContext | None = None
    callbacks: list[Callback] | None = Field(default=None, max_length=20)


class ReviewCreated(BaseModel):
    """The review that now exists (201), or already existed for this idempotency key (200)."""

    review_id: str
    workflow_id: str
    created: bool
    url: str | None = None


class OutcomeResponse(BaseModel):
    """The outcome once the review ended; ``done`` is false while it is still live."""

    review_id: str
    done: bool
    status: ReviewStatus
    outcome: ReviewOutcome | None = None


class ClaimBody(_Body):
    """Claim (or renew) at the revision you saw."""

    revision: int | None = Field(default=None, ge=1)


class ReleaseBody(ClaimBody):
    """Release a claim you hold."""


class RespondBody(_Body):
    """Answer the review."""

    revision: int = Field(ge=1)
    response: Any = None
    edits: dict[str, JsonValue] = Field(default_factory=dict, max_length=500)
    comment: str | None = Field(default=None, max_length=10_000)


class RequestChangesBody(_Body):
    """Ask the agent to redo fields."""

    revision: int = Field(ge=1)
    changes: list[FieldChange] = Field(min_length=1, max_length=500)
    comment: str | None = Field(default=None, max_length=10_000)


class EscalateBody(_Body):
    """Move the review to its next tier."""

    reason: str = Field(min_length=1, max_length=2_000)
    revision: int | None = Field(default=None, ge=1)


class ContentBody(_Body):
    """New content for the fields the reviewer asked to redo (the revision they asked on)."""

    revision: int = Field(ge=1)
    fields: dict[str, JsonValue] = Field(min_length=1, max_length=500)


class CancelBody(_Body):
    """Why the review is cancelled."""

    reason: str | None = Field(default=None, max_length=2_000)


class InboxItem(BaseModel):
    """One review in an inbox."""

    review_id: str
    title: str
    status: ReviewStatus
    queue: str
    priority: Priority
    claimed_by: str | None = None
    created_at: datetime
    deadline: datetime | None = None


class InboxPage(BaseModel):
    """A page of the inbox, ordered by priority (critical first) then age (oldest first)."""

    items: list[InboxItem]
    total: int
    next_page_token: str | None = None
