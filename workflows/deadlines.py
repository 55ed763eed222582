"""Which deadline the review's single timer aims at, and which one has passed. Pure."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from temporal_review.workflows.state import ReviewState, ReviewStatus


class Due(Enum):
    """A deadline that has passed, in the order they are applied."""

    FINAL = "final"
    TIER = "tier"
    LEASE = "lease"


def _tier_clock_runs(state: ReviewState) -> bool:
    # While the agent reworks content the reviewers are not late; the tier's clock
    # restarts when the new revision arrives.
    return state.status is not ReviewStatus.CHANGES_REQUESTED


def next_deadline(state: ReviewState) -> datetime | None:
    """The earliest of the final deadline, the tier deadline and the claim lease."""
    candidates = [state.deadline]
    if _tier_clock_runs(state):
        candidates.append(state.tier_deadline)
    if state.status is ReviewStatus.CLAIMED:
        candidates.append(state.lease_expires_at)
    present = [c for c in candidates if c is not None]
    return min(present) if present else None


def due(state: ReviewState, now: datetime) -> Due | None:
    """The deadline to apply now, the final one first."""
    if state.deadline is not None and state.deadline <= now:
        return Due.FINAL
    if _tier_clock_runs(state) and state.tier_deadline is not None and state.tier_deadline <= now:
        return Due.TIER
    lease = state.lease_expires_at
    if state.status is ReviewStatus.CLAIMED and lease is not None and lease <= now:
        return Due.LEASE
    return None


def timer_summary(state: ReviewState) -> str:
    """Names the timer in the Temporal UI."""
    at = next_deadline(state)
    if at is None:
        return "waiting for a reviewer"
    if at == state.deadline:
        return "final deadline"
    if state.status is ReviewStatus.CLAIMED and at == state.lease_expires_at:
        return f"claim lease of {state.claimed_by}"
    return f"escalation from tier {state.tier}"
