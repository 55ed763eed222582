"""Pure builders of a review's records: its state when created, a change request, its
outcome, and the data of the events they make."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporal_review.workflows.request import ReviewRequest
from temporal_review.workflows.routing import final_deadline, tier_deadline, tier_routing
from temporal_review.workflows.state import (
    ChangeRequest,
    FieldChange,
    FieldOutcome,
    ReviewOutcome,
    ReviewState,
    ReviewStatus,
)


def initial_state(request: ReviewRequest, review_id: str, created_at: datetime) -> ReviewState:
    """A new review: pending at revision 1, routed to the first tier."""
    tier = tier_routing(request, 0)
    return ReviewState(
        review_id=review_id,
        title=request.title,
        template=request.template,
        status=ReviewStatus.PENDING,
        revision=1,
        rounds=0,
        fields=list(request.fields),
        response_spec=request.response,
        queue=tier.queue,
        priority=request.priority,
        tier=0,
        users=tier.users,
        groups=tier.groups,
        created_at=created_at,
        tier_deadline=tier_deadline(request, 0, created_at),
        deadline=final_deadline(request, created_at),
        meta=request.meta,
        context=request.context,
    )


def outcome_of(
    state: ReviewState,
    status: ReviewStatus,
    *,
    responded_by: str | None,
    response: Any = None,
    default_applied: bool = False,
    edited: set[str] | None = None,
    comment: str | None = None,
    responded_at: datetime | None = None,
) -> ReviewOutcome:
    """How the review in ``state`` ended (the audit trail is added when it is returned)."""
    return ReviewOutcome(
        review_id=state.review_id,
        status=status,
        response=response,
        default_applied=default_applied,
        responded_by=responded_by,
        responded_at=responded_at,
        comment=comment,
        fields=[
            FieldOutcome(name=f.name, value=f.value, was_edited=f.name in (edited or set()))
            for f in state.fields
        ],
        revision=state.revision,
        rounds=state.rounds,
        meta=state.meta,
    )


def ended_event_data(outcome: ReviewOutcome) -> dict[str, Any]:
    """The ``data`` of the event that ends a review."""
    data: dict[str, Any] = {
        "response": outcome.response,
        "default_applied": outcome.default_applied,
        "fields": [f.model_dump(mode="json") for f in outcome.fields],
    }
    edited = sorted(f.name for f in outcome.fields if f.was_edited)
    if edited:
        data["edited_fields"] = edited
    if outcome.comment:
        data["comment"] = outcome.comment
    return data


def change_request_for(
    state: ReviewState, reviewer: str, changes: list[FieldChange], comment: str | None
) -> ChangeRequest:
    """What the agent is asked to redo, with every instruction given so far per field."""
    return ChangeRequest(
        review_id=state.review_id,
        revision=state.revision,
        reviewer=reviewer,
        changes=changes,
        comment=comment,
        all_text_instructions={k: list(v) for k, v in state.all_text_instructions.items()},
        fields=list(state.fields),
    )


def changes_event_data(asked: ChangeRequest) -> dict[str, Any]:
    """The ``data`` of ``review.changes_requested``: the request and the asked fields' values."""
    data = asked.model_dump(mode="json", exclude={"fields"})
    values = {f.name: f.value for f in asked.fields}
    data["field_values"] = {c.field: values.get(c.field) for c in asked.changes}
    return data
