"""What operators see of a review: search attributes and the Markdown current details."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.workflows import search_attributes as sa
    from temporal_review.workflows.details import current_details
    from temporal_review.workflows.routing import Tier, candidate_keys
    from temporal_review.workflows.state import ReviewState


def publish(state: ReviewState, review_url: str | None) -> None:
    """Upsert the search attributes and refresh the current details from ``state``."""
    tier = Tier(index=state.tier, queue=state.queue, users=state.users, groups=state.groups)
    deadlines = [d for d in (state.tier_deadline, state.deadline) if d is not None]
    live = not state.status.is_terminal
    workflow.upsert_search_attributes(
        [
            sa.STATUS.value_set(state.status.value),
            sa.QUEUE.value_set(state.queue),
            sa.CANDIDATES.value_set(candidate_keys(tier)),
            sa.CLAIMED_BY.value_set(state.claimed_by)
            if state.claimed_by
            else sa.CLAIMED_BY.value_unset(),
            sa.PRIORITY.value_set(state.priority.value),
            sa.DEADLINE.value_set(min(deadlines))
            if deadlines and live
            else sa.DEADLINE.value_unset(),
            sa.TEMPLATE.value_set(state.template) if state.template else sa.TEMPLATE.value_unset(),
            sa.CREATED_AT.value_set(state.created_at),
        ]
    )
    workflow.set_current_details(current_details(state, review_url))
