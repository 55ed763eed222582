"""The review request: what an agent asks a person to review, who may answer, and until when."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from temporal_review.workflows.content import ContentField
from temporal_review.workflows.response_spec import DecisionSpec, ResponseSpec
from temporal_review.workflows.validation import validate_response


class Priority(StrEnum):
    """How urgent a review is; inboxes order by it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for critical up to 3 for low: smaller sorts first."""
        return [Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW].index(self)


class EventType(StrEnum):
    """Events a review emits, one per transition."""

    CREATED = "review.created"
    CLAIMED = "review.claimed"
    RELEASED = "review.released"
    CHANGES_REQUESTED = "review.changes_requested"
    UPDATED = "review.updated"
    ESCALATED = "review.escalated"
    REMINDER = "review.reminder"
    COMPLETED = "review.completed"
    TIMED_OUT = "review.timed_out"
    CANCELLED = "review.cancelled"


MAX_DURATION = timedelta(days=3650)
"""Longer than any review should wait; bounds deadline arithmetic far from the calendar's end."""

Duration = Annotated[timedelta, Field(le=MAX_DURATION)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class EscalationStep(BaseModel):
    """A tier of the escalation chain: after ``after`` at the previous tier, route here."""

    model_config = ConfigDict(extra="forbid")

    after: Duration
    users: list[Name] = Field(default_factory=list, max_length=100)
    groups: list[Name] = Field(default_factory=list, max_length=100)
    queue: str | None = Field(default=None, min_length=1, max_length=200)  # None: keep it

    @model_validator(mode="after")
    def _sane(self) -> EscalationStep:
        if self.after <= timedelta(0):
            raise ValueError("escalation 'after' must be positive")
        if not self.users and not self.groups:
            raise ValueError("an escalation step names users or groups")
        return self


class Callback(BaseModel):
    """A webhook the review delivers its events to.

    The secret is never part of the request: ``secret_ref`` names a secret the worker
    resolves from its own configuration when it signs a delivery.
    """

    model_config = ConfigDict(extra="forbid")

    url: str = Field(pattern=r"^https?://", max_length=2048)
    secret_ref: str | None = None
    events: list[EventType] | None = None  # None: every event
    format: Literal["native", "gotohuman", "hitl"] = "native"  # see activities/formats.py

    def wants(self, event: EventType) -> bool:
        """Whether this callback subscribed to ``event``."""
        return self.events is None or event in self.events


class AgentContext(BaseModel):
    """What the agent thinks of its own output, shown to the reviewer."""

    model_config = ConfigDict(extra="forbid")

    confidence: float | None = Field(default=None, ge=0, le=1)
    reasoning: str | None = None
    flags: list[str] = Field(default_factory=list)


class ReviewRequest(BaseModel):
    """Everything a review needs. Models only ever gain optional fields.

    Attributes:
        title: One line naming what is reviewed.
        review_id: Caller-chosen id (workflow id ``review-<id>``); generated when absent.
        template: Name of the review template this request was built from, if any.
        fields: Ordered content under review.
        response: What the reviewer must answer.
        queue: Reviewer group the review lands in (a HITL.sh "loop").
        users, groups: Candidate reviewers of the first tier; the queue is the group
            when both are empty.
        priority: Inbox ordering.
        timeout: Final deadline, counted from creation.
        default_response: Applied at the final deadline (status ``timed_out``); without
            one the review ends ``escalated``.
        escalation: Tiers after the first, each reached after a delay at the previous.
        claim_lease: A claim lapses back to pending after this long without renewal.
        remind_before: Emit ``review.reminder`` this long before each tier or final
            deadline (once per deadline).
        max_rounds: Cap on change-request rounds.
        meta: Caller data echoed back in every event and in the outcome.
        context: Agent analysis shown to the reviewer.
        callbacks: Webhooks for events.
        notify_parent: Signal the parent workflow on change requests (set by ReviewSession).
        signal_outcome: Signal the outcome to the parent the moment the review ends, before
            its webhooks are delivered (set by ReviewSession).
        review_url: Link to the review's page, shown to operators in the Temporal UI.
    """

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    review_id: str | None = Field(
        default=None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$"
    )
    template: str | None = None
    fields: list[ContentField] = Field(default_factory=list, max_length=200)
    response: ResponseSpec = Field(default_factory=DecisionSpec)
    queue: str = Field(default="default", min_length=1, max_length=200)
    users: list[Name] = Field(default_factory=list, max_length=100)
    groups: list[Name] = Field(default_factory=list, max_length=100)
    priority: Priority = Priority.MEDIUM
    timeout: Duration | None = None
    default_response: Any = None
    escalation: list[EscalationStep] = Field(default_factory=list, max_length=20)
    claim_lease: Duration | None = None
    remind_before: Duration | None = None
    max_rounds: int = Field(default=10, ge=0, le=1000)
    meta: dict[str, Any] = Field(default_factory=dict)
    context: AgentContext = Field(default_factory=AgentContext)
    callbacks: list[Callback] = Field(default_factory=list, max_length=20)
    notify_parent: bool = False
    signal_outcome: bool = False
    review_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2048)

    @model_validator(mode="after")
    def _consistent(self) -> ReviewRequest:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("content field names must be unique")
        if self.timeout is not None and self.timeout <= timedelta(0):
            raise ValueError("timeout must be positive")
        if self.claim_lease is not None and self.claim_lease <= timedelta(0):
            raise ValueError("claim_lease must be positive")
        if self.remind_before is not None and self.remind_before <= timedelta(0):
            raise ValueError("remind_before must be positive")
        if self.default_response is not None:
            if self.timeout is None:
                raise ValueError("default_response needs a timeout")
            self.default_response = validate_response(self.response, self.default_response)
        return self

    def field(self, name: str) -> ContentField | None:
        """Return the content field called ``name``, if any."""
        return next((f for f in self.fields if f.name == name), None)
