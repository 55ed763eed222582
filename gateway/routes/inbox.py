"""Reviewer inbox: the live reviews routed to the caller, by priority then age."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from temporal_review.gateway.deps import ReviewerDep, ReviewsDep
from temporal_review.gateway.inbox import InboxFilter, inbox_page
from temporal_review.gateway.routes.reviews import ERRORS
from temporal_review.gateway.schemas import InboxPage
from temporal_review.workflows import Priority, ReviewStatus

router = APIRouter(prefix="/v1", tags=["inbox"])

Name = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:@ -]+$")]


@router.get("/inbox", response_model=InboxPage, responses=ERRORS)
async def inbox(
    reviewer: ReviewerDep,
    reviews: ReviewsDep,
    queue: Name = None,
    status: ReviewStatus | None = None,
    priority: Priority | None = None,
    mine: bool = False,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    page_token: Annotated[str | None, Query(max_length=200)] = None,
) -> InboxPage:
    """Reviews routed to you (as a user or through a group; operators see all)."""
    if status is not None and status.is_terminal:
        return InboxPage(items=[], total=0)  # the inbox holds live reviews only
    wanted = InboxFilter(queue=queue, status=status, priority=priority, mine=mine)
    return await inbox_page(
        reviews.visibility, reviewer.actor, wanted, page_size, page_token, hints=reviews.inbox_hints
    )
