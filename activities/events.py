"""The event a review emits on each transition, and one delivery of it to a webhook.

Activities define their own input models so the dependency points one way:
workflows import these, never the other way round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

DELIVER_WEBHOOK = "temporal_review.deliver_webhook"
"""Activity name of webhook delivery (workflows call it by name, without importing httpx)."""

WEBHOOK_REJECTED = "WebhookRejected"
"""Error type of a delivery the receiver refused with a non-retryable 4xx."""

UNKNOWN_SECRET = "UnknownWebhookSecret"
"""Error type of a delivery whose secret reference the worker does not know."""


class ReviewEvent(BaseModel):
    """One event of one review.

    ``id`` is ``<review_id>:<seq>``: stable across delivery attempts and channels, so a
    receiver deduplicates by it.
    """

    id: str
    type: str
    review_id: str
    seq: int
    revision: int
    status: str
    actor: str
    at: datetime
    meta: dict[str, Any] = Field(default_factory=dict)
    data: dict[str, Any] = Field(default_factory=dict)


class WebhookDelivery(BaseModel):
    """Send ``event`` to ``url``, signed with the secret the worker knows as ``secret_ref``."""

    url: str
    secret_ref: str | None = None
    event: ReviewEvent
    format: str = "native"  # a ``formats.WebhookFormat`` value


class DeliveryResult(BaseModel):
    """What the receiver answered."""

    status_code: int
    attempt: int
