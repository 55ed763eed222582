"""Where notifications go: the ``[notifications]`` table of the shared configuration.

Team channels (``routes``) hear of every review routed to their queue or group; reviewer
contacts hear of reviews routed to them personally (or to a group they belong to), of
reminders, and of new content after they asked for changes. Addresses, Slack URLs and
SMTP credentials live only here, on the worker.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from temporal_review.activities.events import ChannelKind

ROUTED_EVENTS = ("review.created", "review.escalated", "review.reminder")
"""What a team channel hears by default: a review reached the team, or is nearly due."""

REVIEWER_EVENTS = (*ROUTED_EVENTS, "review.updated")
"""What a reviewer hears by default; ``review.updated`` only after they asked for changes."""

_EMAIL = r"^[^@\s]+@[^@\s]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SmtpSettings(_Strict):
    """The mail server notifications are sent through."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    sender: str = Field(pattern=_EMAIL)
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    ssl: bool = False
    timeout_seconds: float = Field(default=10.0, gt=0)


class Route(_Strict):
    """A team channel: reviews routed to ``queue`` or to any of ``groups``."""

    name: str = Field(min_length=1, pattern=r"^[\w.-]+$")
    channel: ChannelKind
    queue: str | None = None
    groups: list[str] = Field(default_factory=list)
    url: SecretStr | None = None  # slack or webhook
    secret_ref: str | None = None  # webhook: signs like a callback
    to: list[str] = Field(default_factory=list)  # email addresses
    events: list[str] = Field(default_factory=lambda: list(ROUTED_EVENTS))

    @model_validator(mode="after")
    def _complete(self) -> Route:
        if self.queue is None and not self.groups:
            raise ValueError(f"route {self.name!r} needs a queue or groups")
        _check_channel(self.channel, self.url, self.to, f"route {self.name!r}")
        return self


class ReviewerContact(_Strict):
    """How one reviewer is reached. ``groups`` defaults to the groups of their gateway
    tokens (top-level ``reviewers``), so membership is written once."""

    user: str = Field(min_length=1)
    groups: list[str] | None = None
    email: str | None = Field(default=None, pattern=_EMAIL)
    slack_url: SecretStr | None = None
    webhook_url: SecretStr | None = None
    secret_ref: str | None = None
    events: list[str] = Field(default_factory=lambda: list(REVIEWER_EVENTS))

    def channels(self) -> list[ChannelKind]:
        """The channels this reviewer has an address on."""
        found: list[ChannelKind] = []
        if self.email:
            found.append("email")
        if self.slack_url:
            found.append("slack")
        if self.webhook_url:
            found.append("webhook")
        return found


class NotificationSettings(_Strict):
    """Channels, contacts, the mail server and how long review links stay valid."""

    smtp: SmtpSettings | None = None
    routes: list[Route] = Field(default_factory=list)
    reviewers: list[ReviewerContact] = Field(default_factory=list)
    link_ttl: timedelta = Field(default=timedelta(days=3), gt=timedelta(0))

    @model_validator(mode="after")
    def _consistent(self) -> NotificationSettings:
        names = [r.name for r in self.routes]
        if len(names) != len(set(names)):
            raise ValueError("route names must be unique")
        users = [c.user for c in self.reviewers]
        if len(users) != len(set(users)):
            raise ValueError("each reviewer may have one contact entry")
        mails = any(r.channel == "email" for r in self.routes) or any(
            c.email for c in self.reviewers
        )
        if mails and self.smtp is None:
            raise ValueError("email notifications need [notifications.smtp]")
        return self

    def route(self, name: str) -> Route | None:
        """The route called ``name``."""
        return next((r for r in self.routes if r.name == name), None)

    def contact(self, user: str) -> ReviewerContact | None:
        """The contact entry of ``user``."""
        return next((c for c in self.reviewers if c.user == user), None)

    def with_groups(self, token_groups: Mapping[str, list[str]]) -> NotificationSettings:
        """Fill each contact's missing ``groups`` from the gateway's reviewer tokens."""
        contacts = [
            c
            if c.groups is not None
            else c.model_copy(update={"groups": token_groups.get(c.user, [])})
            for c in self.reviewers
        ]
        return self.model_copy(update={"reviewers": contacts})


def _check_channel(channel: ChannelKind, url: SecretStr | None, to: list[str], who: str) -> None:
    if channel == "email":
        if not to:
            raise ValueError(f"{who}: an email channel needs 'to' addresses")
        return
    if url is None or not url.get_secret_value().startswith(("http://", "https://")):
        raise ValueError(f"{who}: a {channel} channel needs an http(s) 'url'")
