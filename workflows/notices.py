"""What the worker's notification planner is told about an event. Pure."""

from __future__ import annotations

from temporal_review.activities.events import NotificationNotice, ReviewBrief, ReviewEvent
from temporal_review.workflows.deadlines import upcoming_deadline
from temporal_review.workflows.request import EventType, ReviewRequest
from temporal_review.workflows.state import ReviewState

PEOPLE_HEAR_OF = frozenset(
    {EventType.CREATED, EventType.ESCALATED, EventType.REMINDER, EventType.UPDATED}
)
"""Events the worker's notification channels may carry to reviewers and teams."""


def notice_for(
    event: ReviewEvent, state: ReviewState, request: ReviewRequest
) -> NotificationNotice:
    """The event with what a message needs: title, routing, the deadline that matters."""
    reminder = event.type == EventType.REMINDER.value
    brief = ReviewBrief(
        title=state.title,
        queue=state.queue,
        priority=state.priority.value,
        users=list(state.users),
        groups=list(state.groups),
        deadline=state.reminded_for if reminder else upcoming_deadline(state),
        review_url=request.review_url,
        requested_by=event.data.get("requested_by"),
    )
    return NotificationNotice(event=event, review=brief)
