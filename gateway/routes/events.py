"""Live events of one review as server-sent events, until it ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import StreamingResponse

from temporal_review.gateway.auth import AgentPrincipal
from temporal_review.gateway.deps import PrincipalDep, ReviewsDep
from temporal_review.gateway.errors import ApiError, forbidden
from temporal_review.gateway.reviews import Reviews
from temporal_review.gateway.routes.reviews import ERRORS, ReviewId
from temporal_review.workflows import ReviewStatus

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])

POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0


@router.get(
    "/{review_id}/events",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "Events."}},
)
async def stream_events(
    review_id: ReviewId,
    principal: PrincipalDep,
    reviews: ReviewsDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=300)] = None,
) -> StreamingResponse:
    """Stream the review's events (``id:`` is the event id) until it ends.

    Reconnect with ``Last-Event-ID`` to resume after the last event seen.
    """
    if isinstance(principal, AgentPrincipal):
        if "reviews:read" not in principal.scopes:
            raise forbidden("this key lacks the reviews:read scope")
        await reviews.state(review_id)  # 404 before the stream starts
    else:
        await reviews.visible_state(review_id, principal.actor)
    after = _seq_of(last_event_id)
    return StreamingResponse(_events(reviews, review_id, after), media_type="text/event-stream")


async def _events(reviews: Reviews, review_id: str, after: int) -> AsyncIterator[str]:
    idle = 0.0
    while True:
        try:
            events = await reviews.events(review_id, after)
        except ApiError as err:
            yield f"event: error\ndata: {err.message}\n\n"
            return
        for event in events:
            after = event.seq
            yield f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n"
            if ReviewStatus(event.status).is_terminal:
                return
        idle = 0.0 if events else idle + POLL_SECONDS
        if idle >= KEEPALIVE_SECONDS:
            idle = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(POLL_SECONDS)


def _seq_of(last_event_id: str | None) -> int:
    if not last_event_id:
        return 0
    _, _, seq = last_event_id.rpartition(":")
    return int(seq) if seq.isdigit() else 0
