"""Who may act on a review at each escalation tier, and when each tier ends. Pure functions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from temporal_review.workflows.request import ReviewRequest
from temporal_review.workflows.state import Actor


class Tier(BaseModel):
    """The routing of one escalation tier."""

    index: int
    queue: str
    users: list[str]
    groups: list[str]


def tier_count(request: ReviewRequest) -> int:
    """Number of tiers: the first routing plus one per escalation step."""
    return 1 + len(request.escalation)


def tier_routing(request: ReviewRequest, index: int) -> Tier:
    """Return the candidates of tier ``index`` (0 is the request's own routing).

    With neither users nor groups, the first tier's candidates are the queue's members.
    """
    if index == 0:
        groups = request.groups or ([] if request.users else [request.queue])
        return Tier(index=0, queue=request.queue, users=request.users, groups=groups)
    step = request.escalation[index - 1]
    queue = step.queue or tier_routing(request, index - 1).queue
    return Tier(index=index, queue=queue, users=step.users, groups=step.groups)


def tier_deadline(request: ReviewRequest, index: int, started_at: datetime) -> datetime | None:
    """When tier ``index`` escalates to the next one, or None for the last tier."""
    if index + 1 >= tier_count(request):
        return None
    return started_at + request.escalation[index].after


def final_deadline(request: ReviewRequest, created_at: datetime) -> datetime | None:
    """When the review times out, or None if it waits for ever."""
    return created_at + request.timeout if request.timeout is not None else None


def is_candidate(actor: Actor, tier: Tier) -> bool:
    """Whether ``actor`` may act at this tier: listed, in a listed group, or an operator."""
    return actor.operator or actor.id in tier.users or bool(set(actor.groups) & set(tier.groups))


def candidate_keys(tier: Tier) -> list[str]:
    """The tier's candidates as search-attribute keywords: ``user:<id>`` and ``group:<id>``."""
    return [f"user:{u}" for u in tier.users] + [f"group:{g}" for g in tier.groups]
