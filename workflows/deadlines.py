"""Which deadline the review's single timer aims at, and which one has passed. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from temporal_review.workflows.state import ReviewState, ReviewStatus


class Due(Enum):
    """A deadline that has passed, in the order they are applied."""

    FINAL = "final"
    TIER = "tier"
    LEASE = "lease"
    REMINDER = "reminder"


def _tier_clock_runs(state: ReviewState) -> bool:
    # While the agent reworks content the reviewers are not late; the tier's clock
    # restarts when the new revision arrives.
    return state.status is not ReviewStatus.CHANGES_REQUESTED


def upcoming_deadline(state: ReviewState) -> datetime | None:
    """The next deadline reviewers are held to: the tier's or the final one."""
    candidates = [state.deadline]
    if _tier_clock_runs(state):
        candidates.append(state.tier_deadline)
    present = [c for c in candidates if c is not None]
    return min(present) if present else None


def reminder_at(state: ReviewState, remind_before: timedelta | None) -> datetime | None:
    """When to remind reviewers of the upcoming deadline (once per deadline)."""
    upcoming = upcoming_deadline(state)
    if remind_before is None or upcoming is None or state.reminded_for == upcoming:
        return None
    return upcoming - remind_before


def next_deadline(state: ReviewState, remind_before: timedelta | None = None) -> datetime | None:
    """The earliest of the deadlines, the claim lease and the reminder."""
    candidates = [upcoming_deadline(state), reminder_at(state, remind_before)]
    if state.status is ReviewStatus.CLAIMED:
        candidates.append(state.lease_expires_at)
    present = [c for c in candidates if c is not None]
    return min(present) if present else None


def due(state: ReviewState, now: datetime, remind_before: timedelta | None = None) -> Due | None:
    """The deadline to apply now, the final one first."""
    if state.deadline is not None and state.deadline <= now:
        return Due.FINAL
    if _tier_clock_runs(state) and state.tier_deadline is not None and state.tier_deadline <= now:
        return Due.TIER
    lease = state.lease_expires_at
    if state.status is ReviewStatus.CLAIMED and lease is not None and lease <= now:
        return Due.LEASE
    reminder = reminder_at(state, remind_before)
    if reminder is not None and reminder <= now:
        return Due.REMINDER
    return None


def timer_summary(state: ReviewState, remind_before: timedelta | None = None) -> str:
    """Names the timer in the Temporal UI."""
    at = next_deadline(state, remind_before)
    if at is None:
        return "waiting for a reviewer"
    if at == state.deadline:
        return "final deadline"
    if state.status is ReviewStatus.CLAIMED and at == state.lease_expires_at:
        return f"claim lease of {state.claimed_by}"
    if at == reminder_at(state, remind_before):
        return "reminder before the deadline"
    return f"escalation from tier {state.tier}"
