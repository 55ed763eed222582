"""The notification activities: plan who hears of an event, then send one message.

Planning reads the worker's configuration, so the workflow never does; each planned
message is its own activity, retried by Temporal and named in the history by channel and
event. Links carry a signed token for the reviewer they are addressed to.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import SecretStr
from temporalio import activity
from temporalio.exceptions import ApplicationError

from temporal_review.activities.channels import NotificationSettings
from temporal_review.activities.events import (
    PLAN_NOTIFICATIONS,
    SEND_NOTIFICATION,
    UNKNOWN_CHANNEL,
    DeliveryResult,
    Notification,
    NotificationNotice,
)
from temporal_review.activities.formats import WebhookFormat, render
from temporal_review.activities.http_client import SharedHttpClient
from temporal_review.activities.links import LinkClaims, review_link, sign_link
from temporal_review.activities.mailer import compose, send
from temporal_review.activities.notification_text import email_text, slack_message
from temporal_review.activities.planning import plan
from temporal_review.activities.signing import EVENT_ID_HEADER
from temporal_review.activities.webhooks import WebhookSender

__all__ = ["Notifier"]


class Notifier:
    """Sends notifications as the worker's configuration says.

    Args:
        settings: Channels, contacts and the mail server.
        http: The worker's shared HTTP client.
        webhooks: Resolves webhook secret references.
        base_url: The gateway's public URL; links open the review there.
        link_secret: Signs per-reviewer link tokens (the gateway holds the same secret).
    """

    def __init__(
        self,
        settings: NotificationSettings,
        http: SharedHttpClient,
        webhooks: WebhookSender,
        *,
        base_url: str | None = None,
        link_secret: SecretStr | None = None,
    ) -> None:
        self._settings = settings
        self._http = http
        self._webhooks = webhooks
        self._base_url = base_url
        self._link_secret = link_secret

    @activity.defn(name=PLAN_NOTIFICATIONS)
    async def plan_notifications(self, notice: NotificationNotice) -> list[Notification]:
        """Every message this event calls for."""
        return plan(self._settings, notice)

    @activity.defn(name=SEND_NOTIFICATION)
    async def send_notification(self, note: Notification) -> DeliveryResult:
        """Send one message on one channel."""
        kind, _, rest = note.destination.partition(":")
        link = self.link_for(note)
        if kind == "route":
            route = self._settings.route(rest)
            if route is None or route.channel != note.channel:
                raise _unknown(note)
            if note.channel == "email":
                await self._mail(route.to, note, link)
            else:
                assert route.url is not None  # checked when the configuration loaded
                await self._post(route.url.get_secret_value(), route.secret_ref, note, link)
        else:
            user = rest.rpartition(":")[0]
            contact = self._settings.contact(user)
            if contact is None or note.channel not in contact.channels():
                raise _unknown(note)
            if note.channel == "email":
                assert contact.email is not None
                await self._mail([contact.email], note, link)
            else:
                url = contact.slack_url if note.channel == "slack" else contact.webhook_url
                assert url is not None
                await self._post(url.get_secret_value(), contact.secret_ref, note, link)
        return DeliveryResult(status_code=200, attempt=activity.info().attempt)

    def link_for(self, note: Notification) -> str | None:
        """The review page, with a token when the message is addressed to one reviewer."""
        review = note.notice.review
        if self._base_url is None:
            return review.review_url
        token = None
        if note.recipient is not None and self._link_secret is not None:
            contact = self._settings.contact(note.recipient)
            expires = datetime.now(UTC) + self._settings.link_ttl
            claims = LinkClaims(
                review_id=note.notice.event.review_id,
                user=note.recipient,
                groups=list(contact.groups or []) if contact else [],
                expires_at=int(expires.timestamp()),
            )
            token = sign_link(self._link_secret.get_secret_value(), claims)
        return review_link(self._base_url, note.notice.event.review_id, token)

    async def _mail(self, to: list[str], note: Notification, link: str | None) -> None:
        smtp = self._settings.smtp
        assert smtp is not None  # checked when the configuration loaded
        subject, plain, markup = email_text(note, link)
        await send(smtp, compose(smtp, to, subject, plain, markup, note.notice.event.id))

    async def _post(
        self, url: str, secret_ref: str | None, note: Notification, link: str | None
    ) -> None:
        event = note.notice.event
        if note.channel == "slack":
            body = json.dumps(slack_message(note, link)).encode()
            headers: Mapping[str, str] = {
                "Content-Type": "application/json",
                EVENT_ID_HEADER: event.id,  # lets a relay in front of Slack deduplicate
            }
        else:
            body, headers = render(WebhookFormat.NATIVE, event, self._webhooks.secret(secret_ref))
        await self._http.post(url, body, headers, f"{event.type} to {note.destination}")


def _unknown(note: Notification) -> ApplicationError:
    return ApplicationError(
        f"no {note.channel} channel {note.destination!r} in this worker's configuration",
        type=UNKNOWN_CHANNEL,
        non_retryable=True,
    )
