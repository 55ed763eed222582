"""Why the review workflow rejects an action.

Every rejection is a ``temporalio.exceptions.ApplicationError`` raised by an update
validator, so it writes nothing to history. Callers branch on its ``type`` (never its
message); the gateway maps types to HTTP statuses::

    ApplicationError.type
    ├── NotRouted        403  the actor is not a candidate at the current tier
    ├── ClaimedByOther   409  another reviewer holds the claim
    ├── StaleRevision    409  the action names a revision that is no longer current
    ├── ReviewEnded      409  the review already completed, timed out, escalated or was cancelled
    ├── WrongStatus      409  the action does not apply in the current status
    ├── RoundLimit       409  no change-request rounds left
    ├── InvalidResponse  422  the answer does not fit the response spec (details: problems)
    └── InvalidContent   422  edits or new content do not fit the fields
"""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError

NOT_ROUTED = "NotRouted"
CLAIMED_BY_OTHER = "ClaimedByOther"
STALE_REVISION = "StaleRevision"
REVIEW_ENDED = "ReviewEnded"
WRONG_STATUS = "WrongStatus"
ROUND_LIMIT = "RoundLimit"
INVALID_RESPONSE = "InvalidResponse"
INVALID_CONTENT = "InvalidContent"

REJECTION_TYPES = (
    NOT_ROUTED,
    CLAIMED_BY_OTHER,
    STALE_REVISION,
    REVIEW_ENDED,
    WRONG_STATUS,
    ROUND_LIMIT,
    INVALID_RESPONSE,
    INVALID_CONTENT,
)


def rejected(kind: str, message: str, *details: Any) -> ApplicationError:
    """Build the error a validator raises to reject an action."""
    return ApplicationError(message, *details, type=kind, non_retryable=True)
