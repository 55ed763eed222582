"""Webhook delivery: one activity per (event, callback), signed, retried by Temporal."""

from __future__ import annotations

from collections.abc import Mapping

from temporalio import activity
from temporalio.exceptions import ApplicationError

from temporal_review.activities.events import (
    DELIVER_WEBHOOK,
    UNKNOWN_SECRET,
    DeliveryResult,
    WebhookDelivery,
)
from temporal_review.activities.formats import WebhookFormat, render
from temporal_review.activities.http_client import SharedHttpClient

__all__ = ["WebhookSender"]


class WebhookSender:
    """Holds the worker-side secrets the webhook activity signs with.

    Args:
        secrets: Secret reference -> secret. Resolved here, on the worker, so secrets
            never travel in workflow input or history.
        http: The worker's shared HTTP client.
    """

    def __init__(self, secrets: Mapping[str, str] | None, http: SharedHttpClient):
        self._secrets = dict(secrets or {})
        self._http = http

    def secret(self, ref: str | None) -> str | None:
        """The secret for ``ref`` (``None`` for an unsigned delivery)."""
        if ref is None:
            return None
        secret = self._secrets.get(ref)
        if secret is None:
            raise ApplicationError(
                f"no webhook secret configured for reference {ref!r}",
                type=UNKNOWN_SECRET,
                non_retryable=True,
            )
        return secret

    @activity.defn(name=DELIVER_WEBHOOK)
    async def deliver_webhook(self, delivery: WebhookDelivery) -> DeliveryResult:
        """POST one event to one receiver."""
        secret = self.secret(delivery.secret_ref)
        body, headers = render(WebhookFormat(delivery.format), delivery.event, secret)
        what = f"event {delivery.event.id}"
        code = await self._http.post(delivery.url, body, headers, what)
        return DeliveryResult(status_code=code, attempt=activity.info().attempt)
