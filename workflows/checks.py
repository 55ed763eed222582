"""What each reviewer or agent action requires of the review. Pure; validators call these.

Each check raises the rejection (see ``errors.py``) or returns what the handler needs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporal_review.workflows.content import ContentField, check_field_value
from temporal_review.workflows.errors import (
    CLAIMED_BY_OTHER,
    INVALID_CONTENT,
    INVALID_RESPONSE,
    NOT_ROUTED,
    REVIEW_ENDED,
    ROUND_LIMIT,
    STALE_REVISION,
    WRONG_STATUS,
    rejected,
)
from temporal_review.workflows.messages import (
    ClaimInput,
    ReleaseInput,
    RequestChangesInput,
    RespondInput,
    UpdateContentInput,
)
from temporal_review.workflows.request import ReviewRequest
from temporal_review.workflows.routing import Tier, is_candidate
from temporal_review.workflows.state import Actor, ReviewState, ReviewStatus
from temporal_review.workflows.validation import InvalidResponse, validate_response

_ANSWERABLE = (ReviewStatus.PENDING, ReviewStatus.CLAIMED)


def live(state: ReviewState) -> None:
    """The review has not ended."""
    if state.status.is_terminal:
        raise rejected(REVIEW_ENDED, f"review already ended: {state.status.value}")


def current_revision(state: ReviewState, revision: int | None) -> None:
    """The actor saw the current revision (None: the action does not pin one)."""
    if revision is not None and revision != state.revision:
        raise rejected(STALE_REVISION, f"revision {revision} is stale; current is {state.revision}")


def routed_to(state: ReviewState, actor: Actor) -> None:
    """The actor is a candidate at the current tier."""
    tier = Tier(index=state.tier, queue=state.queue, users=state.users, groups=state.groups)
    if not is_candidate(actor, tier):
        raise rejected(NOT_ROUTED, f"review is not routed to {actor.id}")


def lease_alive(state: ReviewState, now: datetime) -> bool:
    """Whether the current claim still holds (no lease means it holds until released)."""
    return state.lease_expires_at is None or state.lease_expires_at > now


def not_claimed_by_other(state: ReviewState, actor: Actor, now: datetime) -> None:
    """Nobody else holds a live claim (operators may override)."""
    if (
        state.status is ReviewStatus.CLAIMED
        and state.claimed_by != actor.id
        and lease_alive(state, now)
        and not actor.operator
    ):
        raise rejected(CLAIMED_BY_OTHER, f"review is claimed by {state.claimed_by}")


def answerable(state: ReviewState, action: str) -> None:
    """The review waits for a reviewer (not for the agent)."""
    live(state)
    if state.status not in _ANSWERABLE:
        raise rejected(WRONG_STATUS, f"cannot {action} while {state.status.value}")


def claim(state: ReviewState, params: ClaimInput, now: datetime) -> None:
    """Claim: pending, or already held by this reviewer (a renewal)."""
    answerable(state, "claim")
    current_revision(state, params.revision)
    routed_to(state, params.reviewer)
    if (
        state.status is ReviewStatus.CLAIMED
        and state.claimed_by != params.reviewer.id
        and lease_alive(state, now)
    ):
        raise rejected(CLAIMED_BY_OTHER, f"review is claimed by {state.claimed_by}")


def release(state: ReviewState, params: ReleaseInput) -> None:
    """Release: only the holder, or an operator."""
    live(state)
    current_revision(state, params.revision)
    if state.status is not ReviewStatus.CLAIMED:
        raise rejected(WRONG_STATUS, f"cannot release while {state.status.value}")
    if state.claimed_by != params.reviewer.id and not params.reviewer.operator:
        raise rejected(CLAIMED_BY_OTHER, f"review is claimed by {state.claimed_by}")


def respond(request: ReviewRequest, state: ReviewState, params: RespondInput, now: datetime) -> Any:
    """Respond: routed, not claimed by another, current revision, valid edits and answer.

    Returns the normalised response.
    """
    answerable(state, "respond")
    routed_to(state, params.reviewer)
    not_claimed_by_other(state, params.reviewer, now)
    current_revision(state, params.revision)
    edits(state, params.edits)
    try:
        return validate_response(request.response, params.response, has_edits=bool(params.edits))
    except InvalidResponse as err:
        raise rejected(INVALID_RESPONSE, str(err), [p.model_dump() for p in err.problems]) from None


def edits(state: ReviewState, changes: dict[str, Any]) -> None:
    """Edits touch only editable fields, with values that fit them."""
    fields = {f.name: f for f in state.fields}
    for name, value in changes.items():
        field = fields.get(name)
        if field is None:
            raise rejected(INVALID_CONTENT, f"unknown field {name!r}")
        if not field.editable:
            raise rejected(INVALID_CONTENT, f"field {name!r} is not editable")
        problem = check_field_value(field.kind, value)
        if problem is not None:
            raise rejected(INVALID_CONTENT, f"field {name!r}: {problem}")


def request_changes(
    request: ReviewRequest, state: ReviewState, params: RequestChangesInput, now: datetime
) -> None:
    """Request changes: on fields that allow a rerun (or instructions), within the round cap."""
    answerable(state, "request changes")
    routed_to(state, params.reviewer)
    not_claimed_by_other(state, params.reviewer, now)
    current_revision(state, params.revision)
    if state.rounds >= request.max_rounds:
        raise rejected(ROUND_LIMIT, f"all {request.max_rounds} change rounds are used")
    fields = {f.name: f for f in state.fields}
    seen: set[str] = set()
    for change in params.changes:
        field = fields.get(change.field)
        if field is None:
            raise rejected(INVALID_CONTENT, f"unknown field {change.field!r}")
        if change.field in seen:
            raise rejected(INVALID_CONTENT, f"field {change.field!r} named twice")
        seen.add(change.field)
        with_text = bool(change.instruction and change.instruction.strip())
        if with_text and not field.instructions:
            raise rejected(INVALID_CONTENT, f"field {change.field!r} takes no instructions")
        if not with_text and not (field.retry or field.instructions):
            raise rejected(INVALID_CONTENT, f"field {change.field!r} cannot be rerun")


def update_content(state: ReviewState, params: UpdateContentInput) -> None:
    """New content: only while changes are requested, for the revision they were asked on."""
    live(state)
    if state.status is not ReviewStatus.CHANGES_REQUESTED:
        raise rejected(WRONG_STATUS, f"no changes were requested (status {state.status.value})")
    current_revision(state, params.revision)
    content(state, params.fields)


def content(state: ReviewState, values: dict[str, Any]) -> None:
    """New values name existing fields and fit their kinds."""
    content_fits(state.fields, values)


def content_fits(current: list[ContentField], values: dict[str, Any]) -> None:
    """``values`` name fields among ``current`` and fit their kinds (agents check this
    before signalling content, which the review cannot refuse)."""
    if not values:
        raise rejected(INVALID_CONTENT, "no fields given")
    fields = {f.name: f for f in current}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            raise rejected(INVALID_CONTENT, f"unknown field {name!r}")
        problem = check_field_value(field.kind, value)
        if problem is not None:
            raise rejected(INVALID_CONTENT, f"field {name!r}: {problem}")


def escalate(state: ReviewState, actor: Actor, revision: int | None) -> None:
    """Escalate: a live review, by a candidate at the current tier or an operator."""
    live(state)
    current_revision(state, revision)
    routed_to(state, actor)
