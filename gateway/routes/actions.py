"""Reviewer API: claim, release, respond, request changes, escalate.

Each takes the revision the reviewer saw and an optional ``Idempotency-Key`` that becomes
the workflow update id, so a retried submission returns its first result and acts once.
Whether the reviewer may act (routed at the current tier, claim, revision) is decided by
the review workflow itself, in one place.
"""

from __future__ import annotations

from fastapi import APIRouter

from temporal_review.gateway.deps import IdempotencyKey, ReviewerDep, ReviewsDep
from temporal_review.gateway.routes.reviews import ERRORS, ReviewId, _update_id
from temporal_review.gateway.schemas import (
    ClaimBody,
    EscalateBody,
    ReleaseBody,
    RequestChangesBody,
    RespondBody,
)
from temporal_review.workflows import (
    ActionResult,
    ClaimInput,
    EscalateInput,
    ReleaseInput,
    RequestChangesInput,
    RespondInput,
    ReviewWorkflow,
)

router = APIRouter(prefix="/v1/reviews", tags=["reviewer actions"])


@router.post("/{review_id}/claim", response_model=ActionResult, responses=ERRORS)
async def claim(
    review_id: ReviewId,
    reviewer: ReviewerDep,
    reviews: ReviewsDep,
    body: ClaimBody | None = None,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Claim the review (or renew your claim). The result says whether you hold it."""
    params = ClaimInput(reviewer=reviewer.actor, revision=body.revision if body else None)
    update_id = _update_id("claim", reviewer.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.claim, params, update_id)


@router.post("/{review_id}/release", response_model=ActionResult, responses=ERRORS)
async def release(
    review_id: ReviewId,
    reviewer: ReviewerDep,
    reviews: ReviewsDep,
    body: ReleaseBody | None = None,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Give the review back to its queue."""
    params = ReleaseInput(reviewer=reviewer.actor, revision=body.revision if body else None)
    update_id = _update_id("release", reviewer.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.release, params, update_id)


@router.post("/{review_id}/respond", response_model=ActionResult, responses=ERRORS)
async def respond(
    review_id: ReviewId,
    body: RespondBody,
    reviewer: ReviewerDep,
    reviews: ReviewsDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Answer the review; a 422 lists every input that does not fit the response spec."""
    params = RespondInput(
        reviewer=reviewer.actor,
        revision=body.revision,
        response=body.response,
        edits=body.edits,
        comment=body.comment,
    )
    update_id = _update_id("respond", reviewer.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.respond, params, update_id)


@router.post("/{review_id}/request-changes", response_model=ActionResult, responses=ERRORS)
async def request_changes(
    review_id: ReviewId,
    body: RequestChangesBody,
    reviewer: ReviewerDep,
    reviews: ReviewsDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Ask the agent to redo fields, with or without instructions."""
    params = RequestChangesInput(
        reviewer=reviewer.actor, revision=body.revision, changes=body.changes, comment=body.comment
    )
    update_id = _update_id("request-changes", reviewer.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.request_changes, params, update_id)


@router.post("/{review_id}/escalate", response_model=ActionResult, responses=ERRORS)
async def escalate(
    review_id: ReviewId,
    body: EscalateBody,
    reviewer: ReviewerDep,
    reviews: ReviewsDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """Move the review to its next tier (or end it escalated past the last)."""
    params = EscalateInput(actor=reviewer.actor, reason=body.reason, revision=body.revision)
    update_id = _update_id("escalate", reviewer.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.escalate, params, update_id)
