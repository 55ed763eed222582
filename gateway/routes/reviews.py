"""Agent API: create reviews, read them, wait for outcomes, send new content, cancel."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from temporal_review.activities.links import review_link
from temporal_review.gateway.auth import AgentPrincipal
from temporal_review.gateway.deps import (
    CreatorDep,
    IdempotencyKey,
    PrincipalDep,
    ReviewsDep,
    SettingsDep,
    WriterDep,
)
from temporal_review.gateway.errors import ErrorBody, forbidden
from temporal_review.gateway.schemas import (
    CancelBody,
    ContentBody,
    CreateReviewBody,
    OutcomeResponse,
    ReviewCreated,
)
from temporal_review.gateway.templates import build_request
from temporal_review.workflows import (
    ActionResult,
    CancelInput,
    ReviewState,
    ReviewWorkflow,
    UpdateContentInput,
    workflow_id_for,
)

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])

ReviewId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")]

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        401: "No or invalid credentials.",
        403: "Not allowed: missing scope, or not routed to you.",
        404: "Unknown review.",
        409: "Conflict: claimed by another, stale revision, already decided, key reused.",
        422: "Invalid body, query, header, response or content.",
        503: "Temporal unreachable, or no worker answered in time.",
    }.items()
}


def review_url(settings: SettingsDep, review_id: str) -> str | None:
    return review_link(settings.base_url, review_id) if settings.base_url else None


@router.post("", status_code=201, response_model=ReviewCreated, responses=ERRORS)
async def create_review(
    body: CreateReviewBody,
    response: Response,
    agent: CreatorDep,
    reviews: ReviewsDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> ReviewCreated:
    """Create a review. With an ``Idempotency-Key`` a repeat returns the same review (200)."""
    review_id = body.review_id or _id_for(agent, idempotency_key)
    request = build_request(body, settings.templates).model_copy(
        update={"review_id": review_id, "review_url": review_url(settings, review_id)}
    )
    digest_of = {"agent": agent.name, "body": body.model_dump(mode="json")}
    created = await reviews.create(request, digest_of)
    if not created:
        response.status_code = 200
    return ReviewCreated(
        review_id=review_id,
        workflow_id=workflow_id_for(review_id),
        created=created,
        url=review_url(settings, review_id),
    )


@router.get("/{review_id}", response_model=ReviewState, responses=ERRORS)
async def get_review(
    review_id: ReviewId, principal: PrincipalDep, reviews: ReviewsDep
) -> ReviewState:
    """The review's state (agents with read scope; reviewers it is routed to)."""
    if isinstance(principal, AgentPrincipal):
        _require(principal, "reviews:read")
        return await reviews.state(review_id)
    return await reviews.visible_state(review_id, principal.actor)


@router.get("/{review_id}/outcome", response_model=OutcomeResponse, responses=ERRORS)
async def get_outcome(
    review_id: ReviewId,
    principal: PrincipalDep,
    reviews: ReviewsDep,
    settings: SettingsDep,
    wait: Annotated[float, Query(ge=0, le=60, description="Seconds to wait for the end.")] = 0,
) -> OutcomeResponse:
    """The outcome; with ``wait`` it long-polls until the review ends (at most 60 s)."""
    if not isinstance(principal, AgentPrincipal):
        raise forbidden("this route is for agents")
    _require(principal, "reviews:read")
    return await reviews.outcome(review_id, min(wait, settings.max_wait_seconds))


@router.post("/{review_id}/content", response_model=ActionResult, responses=ERRORS)
async def submit_content(
    review_id: ReviewId,
    body: ContentBody,
    agent: WriterDep,
    reviews: ReviewsDep,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """New content for the next revision (the instructions loop for non-Temporal agents)."""
    params = UpdateContentInput(actor=agent.actor, revision=body.revision, fields=body.fields)
    update_id = _update_id("content", agent.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.update_content, params, update_id)


@router.post("/{review_id}/cancel", response_model=ActionResult, responses=ERRORS)
async def cancel_review(
    review_id: ReviewId,
    agent: WriterDep,
    reviews: ReviewsDep,
    body: CancelBody | None = None,
    idempotency_key: IdempotencyKey = None,
) -> ActionResult:
    """End the review ``cancelled``."""
    params = CancelInput(actor=agent.actor, reason=body.reason if body else None)
    update_id = _update_id("cancel", agent.actor.id, idempotency_key)
    return await reviews.act(review_id, ReviewWorkflow.cancel, params, update_id)


def _require(agent: AgentPrincipal, scope: str) -> None:
    if scope not in agent.scopes:
        raise forbidden(f"this key lacks the {scope} scope")


def _id_for(agent: AgentPrincipal, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return uuid.uuid4().hex
    # One review per (agent, key): the id is derived from both.
    return hashlib.sha256(f"{agent.name}\0{idempotency_key}".encode()).hexdigest()[:32]


def _update_id(action: str, actor: str, idempotency_key: str | None) -> str | None:
    """Update ids are scoped per action and caller, so keys never collide across them."""
    return None if idempotency_key is None else f"{action}/{actor}/{idempotency_key}"
