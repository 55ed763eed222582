"""Side effects of reviews: webhook delivery (signed, retried) and the example drafting step."""

from temporal_review.activities.drafting import DraftInput, draft_text
from temporal_review.activities.events import DeliveryResult, ReviewEvent, WebhookDelivery
from temporal_review.activities.signing import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    sign,
    verify_signature,
)
from temporal_review.activities.webhooks import WebhookSender

__all__ = [
    "EVENT_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "DeliveryResult",
    "DraftInput",
    "InvalidSignature",
    "ReviewEvent",
    "WebhookDelivery",
    "WebhookSender",
    "draft_text",
    "sign",
    "verify_signature",
]
