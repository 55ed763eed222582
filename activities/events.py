"""The event a review emits on each transition, and one delivery of it to a webhook.

Activities define their own input models so the dependency points one way:
workflows import these, never the other way round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

DELIVER_WEBHOOK = "temporal_review.deliver_webhook"
"""Activity name of webhook delivery (workflows call it by name, without importing httpx)."""

WEBHOOK_REJECTED = "WebhookRejected"
"""Error type of a delivery the receiver refused with a non-retryable 4xx."""

UNKNOWN_SECRET = "UnknownWebhookSecret"
"""Error type of a delivery whose secret reference the worker does not know."""

PLAN_NOTIFICATIONS = "temporal_review.plan_notifications"
"""Activity name: which channels and reviewers hear of one event (from worker config)."""

SEND_NOTIFICATION = "temporal_review.send_notification"
"""Activity name: one message on one channel."""

UNKNOWN_CHANNEL = "UnknownChannel"
"""Error type of a notification whose destination the worker's configuration lacks."""

ChannelKind = Literal["webhook", "slack", "email"]


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


class ReviewBrief(BaseModel):
    """What a notification tells a person about the review, beside the event itself."""

    title: str
    queue: str | None = None
    priority: str
    users: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    deadline: datetime | None = None
    review_url: str | None = None  # the agent's own link, used when no gateway URL is set
    requested_by: str | None = None  # on review.updated: who asked for the changes


class NotificationNotice(BaseModel):
    """An event people may need to hear of; the worker's configuration says who."""

    event: ReviewEvent
    review: ReviewBrief


class Notification(BaseModel):
    """One message on one channel.

    ``destination`` names a configuration entry (``route:<name>`` or
    ``reviewer:<user>:<channel>``), never an address or URL: Slack webhook URLs and mail
    credentials stay on the worker, out of workflow history.
    """

    destination: str
    channel: ChannelKind
    recipient: str | None = None  # the reviewer addressed; their link identifies them
    notice: NotificationNotice
