"""What a review is now (``ReviewState``) and how it ended (``ReviewOutcome``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from temporal_review.workflows.content import ContentField, JsonValue
from temporal_review.workflows.request import AgentContext, Priority
from temporal_review.workflows.response_spec import ResponseSpec


class ReviewStatus(StrEnum):
    """Where a review is in its lifecycle."""

    PENDING = "pending"
    CLAIMED = "claimed"
    CHANGES_REQUESTED = "changes_requested"
    COMPLETED = "completed"
    TIMED_OUT = "timed_out"
    ESCALATED = "escalated"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """Whether the review has ended."""
        return self in _TERMINAL


_TERMINAL = {
    ReviewStatus.COMPLETED,
    ReviewStatus.TIMED_OUT,
    ReviewStatus.ESCALATED,
    ReviewStatus.CANCELLED,
}

SYSTEM_ACTOR_ID = "system"


class Actor(BaseModel):
    """Who acts: a reviewer (with groups), an agent, an operator, or the system (timers).

    The workflow trusts these claims: only authenticated callers (the gateway, an agent
    workflow, an operator's client) can send updates to it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200)
    groups: tuple[str, ...] = ()
    operator: bool = False


SYSTEM = Actor(id=SYSTEM_ACTOR_ID)


class AuditEntry(BaseModel):
    """One transition, as it appears in the audit trail."""

    at: datetime
    actor: str
    action: str
    revision: int
    detail: str = ""


class FieldChange(BaseModel):
    """A reviewer's request to redo one field: a plain rerun, or a rerun with instructions."""

    model_config = ConfigDict(extra="forbid")

    field: str
    instruction: str | None = Field(default=None, max_length=10_000)


class ChangeRequest(BaseModel):
    """What the agent must redo for the next revision (sent to agents on changes requested).

    ``all_text_instructions`` maps each field to every instruction given for it so far,
    oldest first (gotoHuman's ``allTextInstructions``).
    """

    review_id: str
    revision: int
    reviewer: str
    changes: list[FieldChange]
    comment: str | None = None
    all_text_instructions: dict[str, list[str]] = Field(default_factory=dict)
    fields: list[ContentField] = Field(default_factory=list)


class FieldOutcome(BaseModel):
    """A content field as it stood when the review ended."""

    name: str
    value: JsonValue = None
    was_edited: bool = False


class ReviewOutcome(BaseModel):
    """How a review ended: the result an agent awaits."""

    review_id: str
    status: ReviewStatus
    response: Any = None
    default_applied: bool = False
    responded_by: str | None = None
    responded_at: datetime | None = None
    comment: str | None = None
    fields: list[FieldOutcome] = Field(default_factory=list)
    revision: int = 1
    rounds: int = 0
    meta: dict[str, Any] = Field(default_factory=dict)
    audit: list[AuditEntry] = Field(default_factory=list)

    @property
    def approved(self) -> bool:
        """True for a completed decision of approve or modify."""
        return (
            self.status is ReviewStatus.COMPLETED
            and isinstance(self.response, dict)
            and self.response.get("decision") in ("approve", "modify")
        )


class ReviewState(BaseModel):
    """Everything a reviewer page or an operator needs (the ``state`` query)."""

    review_id: str
    title: str
    template: str | None
    status: ReviewStatus
    revision: int
    rounds: int
    fields: list[ContentField]
    previous_fields: list[ContentField] = Field(default_factory=list)
    response_spec: ResponseSpec
    queue: str
    priority: Priority
    tier: int
    users: list[str]
    groups: list[str]
    claimed_by: str | None = None
    lease_expires_at: datetime | None = None
    created_at: datetime
    tier_deadline: datetime | None = None
    deadline: datetime | None = None
    pending_changes: ChangeRequest | None = None
    reminded_for: datetime | None = None  # the deadline reviewers were last reminded of
    all_text_instructions: dict[str, list[str]] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)
    context: AgentContext = Field(default_factory=AgentContext)
    audit: list[AuditEntry] = Field(default_factory=list)
    outcome: ReviewOutcome | None = None
