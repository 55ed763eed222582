"""The worker's one shared httpx client, and how a receiver's answer maps to retries.

Webhooks and Slack-style channels both POST to a receiver someone else runs: 2xx is done;
408, 429, 5xx and network errors raise a retryable error, so Temporal retries with backoff;
any other 4xx raises ``WebhookRejected``, which is non-retryable and lands in the review's
audit trail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx
from temporalio.exceptions import ApplicationError

from temporal_review.activities.events import WEBHOOK_REJECTED

_RETRYABLE_4XX = {408, 429}


class SharedHttpClient:
    """One connection pool for every delivery activity of a worker (reference-counted)."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._users = 0

    @asynccontextmanager
    async def open(self) -> AsyncIterator[None]:
        """Open the client around worker runs; the last one out closes it."""
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

    async def post(self, url: str, body: bytes, headers: Mapping[str, str], what: str) -> int:
        """POST ``body``; return the 2xx status or raise as the module docstring says."""
        if self._client is None:
            raise RuntimeError("delivery activity used outside its worker's run context")
        try:
            response = await self._client.post(url, content=body, headers=dict(headers))
        except httpx.HTTPError as err:
            raise ApplicationError(f"{type(err).__name__} posting {what}") from err
        code = response.status_code
        if 200 <= code < 300:
            return code
        if 400 <= code < 500 and code not in _RETRYABLE_4XX:
            raise ApplicationError(
                f"receiver refused {what} with HTTP {code}",
                type=WEBHOOK_REJECTED,
                non_retryable=True,
            )
        raise ApplicationError(f"receiver answered HTTP {code} to {what}; will retry")
