"""Names shared by the review workflow, its callers and its workers."""

TASK_QUEUE = "temporal-review"
"""Default task queue that review workers poll."""

WORKFLOW_ID_PREFIX = "review-"
"""A review's workflow id is this prefix followed by its review id."""

CHANGES_REQUESTED_SIGNAL = "temporal_review.changes_requested"
"""Prefix of the signal a review sends its parent agent when a reviewer asks for changes."""

SUBMIT_CONTENT_SIGNAL = "submit_content"
"""Signal a parent agent sends a review with the content of the next revision."""


def workflow_id_for(review_id: str) -> str:
    """Return the workflow id of the review with this id."""
    return f"{WORKFLOW_ID_PREFIX}{review_id}"


def review_id_from(workflow_id: str) -> str:
    """Return the review id encoded in a review workflow id."""
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX)


def changes_requested_signal(review_id: str) -> str:
    """The signal name a parent listens on for change requests of one review.

    One name per review, so a parent can run several review sessions at once.
    """
    return f"{CHANGES_REQUESTED_SIGNAL}/{review_id}"


def outcome_signal(review_id: str) -> str:
    """The signal name a parent listens on for one review's outcome."""
    return f"temporal_review.outcome/{review_id}"
