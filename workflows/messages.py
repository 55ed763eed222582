"""Inputs and results of the review workflow's updates and signals: one model each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # Activity modules reach workflow code only through the sandbox passthrough.
    from temporal_review.activities.events import (
        Notification,
        NotificationNotice,
        ReviewEvent,
        WebhookDelivery,
    )

from temporal_review.workflows.content import JsonValue
from temporal_review.workflows.request import ReviewRequest
from temporal_review.workflows.state import (
    Actor,
    ChangeRequest,
    FieldChange,
    ReviewState,
    ReviewStatus,
)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimInput(_Input):
    """Take a review; claiming one you hold renews the lease."""

    reviewer: Actor
    revision: int | None = None


class ReleaseInput(_Input):
    """Give a claimed review back to its queue."""

    reviewer: Actor
    revision: int | None = None


class RespondInput(_Input):
    """Answer the review at ``revision``; ``edits`` change editable fields."""

    reviewer: Actor
    revision: int
    response: Any = None
    edits: dict[str, JsonValue] = Field(default_factory=dict)
    comment: str | None = Field(default=None, max_length=10_000)


class RequestChangesInput(_Input):
    """Ask the agent to redo fields (rerun, or rerun with instructions)."""

    reviewer: Actor
    revision: int
    changes: list[FieldChange] = Field(min_length=1)
    comment: str | None = Field(default=None, max_length=10_000)


class UpdateContentInput(_Input):
    """The agent's new content for the fields it was asked to redo.

    ``revision`` is the revision the change request was made on; the review moves to
    ``revision + 1``.
    """

    actor: Actor
    revision: int
    fields: dict[str, JsonValue]


class EscalateInput(_Input):
    """Move the review to its next tier now, or end it ``escalated`` past the last."""

    actor: Actor
    reason: str = Field(min_length=1, max_length=2_000)
    revision: int | None = None


class CancelInput(_Input):
    """End the review ``cancelled``."""

    actor: Actor
    reason: str | None = Field(default=None, max_length=2_000)


class ActionResult(BaseModel):
    """What an accepted action left behind: enough to answer "did my claim win"."""

    review_id: str
    status: ReviewStatus
    revision: int
    tier: int
    claimed_by: str | None = None
    lease_expires_at: datetime | None = None

    @classmethod
    def of(cls, state: ReviewState) -> ActionResult:
        """The result as ``state`` stands."""
        return cls(
            review_id=state.review_id,
            status=state.status,
            revision=state.revision,
            tier=state.tier,
            claimed_by=state.claimed_by,
            lease_expires_at=state.lease_expires_at,
        )


class ContentSubmission(_Input):
    """Signal from a parent agent: content for the revision after ``revision``."""

    revision: int
    fields: dict[str, JsonValue]
    actor_id: str = "agent"


class ActionQuery(_Input):
    """Ask what an earlier action (by update id) answered; ``None`` if it never acted."""

    update_id: str = Field(min_length=1, max_length=400)


class EventsQuery(_Input):
    """Ask for the review's recent events after sequence number ``after_seq``."""

    after_seq: int = Field(default=0, ge=0)


class ReviewInput(BaseModel):
    """The review workflow's input: the request, and on continue-as-new what it carries."""

    request: ReviewRequest
    carried: CarriedState | None = None


class OutboxItem(BaseModel):
    """A side effect waiting its turn: a webhook delivery, a notice to the parent agent, an
    event to plan notifications for, or one planned notification. Exactly one is set."""

    webhook: WebhookDelivery | None = None
    parent_notice: ChangeRequest | None = None
    notice: NotificationNotice | None = None
    notification: Notification | None = None

    def lane(self) -> str:
        """Items of one lane go out in order; lanes do not wait for each other, so a
        receiver that is down holds up only its own deliveries."""
        if self.webhook is not None:
            return f"webhook:{self.webhook.format}:{self.webhook.url}"
        if self.notification is not None:
            return f"notify:{self.notification.destination}"
        if self.notice is not None:
            return "plan"
        return "parent"


class CarriedState(BaseModel):
    """Live state handed across continue-as-new so nothing is lost."""

    state: ReviewState
    tier_started_at: datetime
    event_seq: int
    update_results: dict[str, ActionResult]
    outbox: list[OutboxItem]
    recent_events: list[ReviewEvent] = Field(default_factory=list)


ReviewInput.model_rebuild()
