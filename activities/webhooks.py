"""Webhook delivery: one activity per (event, callback), signed, retried by Temporal.

A receiver answering 2xx is done. 408, 429, 5xx and network errors raise a retryable
error, so Temporal retries with backoff; any other 4xx raises ``WebhookRejected``, which is
non-retryable and ends up in the review's audit trail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from temporal_review.activities.events import (
    DELIVER_WEBHOOK,
    UNKNOWN_SECRET,
    WEBHOOK_REJECTED,
    DeliveryResult,
    WebhookDelivery,
)
from temporal_review.activities.formats import WebhookFormat, render

__all__ = ["WebhookSender"]

_RETRYABLE_4XX = {408, 429}


class WebhookSender:
    """Holds the worker-side secrets and the shared httpx client the activity uses.

    Args:
        secrets: Secret reference -> secret. Resolved here, on the worker, so secrets
            never travel in workflow input or history.
        timeout: Per-request timeout in seconds.
    """

    def __init__(self, secrets: Mapping[str, str] | None = None, *, timeout: float = 10.0):
        self._secrets = dict(secrets or {})
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._users = 0

    @asynccontextmanager
    async def open(self) -> AsyncIterator[None]:
        """Open the shared client around worker runs (reference-counted)."""
        if self._users == 0:
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        self._users += 1
        try:
            yield
        finally:
            self._users -= 1
            if self._users == 0 and self._client is not None:
                await self._client.aclose()
                self._client = None

    @activity.defn(name=DELIVER_WEBHOOK)
    async def deliver_webhook(self, delivery: WebhookDelivery) -> DeliveryResult:
        """POST one event to one receiver."""
        if self._client is None:
            raise RuntimeError("WebhookSender used outside its worker's run context")
        secret: str | None = None
        if delivery.secret_ref is not None:
            secret = self._secrets.get(delivery.secret_ref)
            if secret is None:
                raise ApplicationError(
                    f"no webhook secret configured for reference {delivery.secret_ref!r}",
                    type=UNKNOWN_SECRET,
                    non_retryable=True,
                )
        body, headers = render(WebhookFormat(delivery.format), delivery.event, secret)
        attempt = activity.info().attempt
        try:
            response = await self._client.post(delivery.url, content=body, headers=headers)
        except httpx.HTTPError as err:
            raise ApplicationError(f"{type(err).__name__} posting to receiver") from err
        code = response.status_code
        if 200 <= code < 300:
            return DeliveryResult(status_code=code, attempt=attempt)
        if 400 <= code < 500 and code not in _RETRYABLE_4XX:
            raise ApplicationError(
                f"receiver refused event {delivery.event.id} with HTTP {code}",
                type=WEBHOOK_REJECTED,
                non_retryable=True,
            )
        raise ApplicationError(f"receiver answered HTTP {code}; will retry")
