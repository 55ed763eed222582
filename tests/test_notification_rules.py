"""The pure parts of notifications: who hears of what, what links grant, what messages say,
and which configurations are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from temporal_review.activities.channels import (
    NotificationSettings,
    ReviewerContact,
    Route,
    SmtpSettings,
)
from temporal_review.activities.events import (
    Notification,
    NotificationNotice,
    ReviewBrief,
    ReviewEvent,
)
from temporal_review.activities.links import (
    InvalidLink,
    LinkClaims,
    review_link,
    sign_link,
    verify_link,
)
from temporal_review.activities.notification_text import email_text, slack_message
from temporal_review.activities.planning import plan

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SMTP = SmtpSettings(sender="reviews@example.com")
SECRET = "s" * 40

SETTINGS = NotificationSettings(
    smtp=SMTP,
    routes=[
        Route(name="editors-room", channel="slack", groups=["editors"], url="https://hooks.test/a"),
        Route(name="billing-list", channel="email", queue="billing", to=["billing@example.com"]),
        Route(
            name="audit",
            channel="webhook",
            queue="billing",
            url="https://audit.test/in",
            events=["review.updated"],
        ),
    ],
    reviewers=[
        ReviewerContact(user="alice", groups=["editors"], email="alice@example.com"),
        ReviewerContact(
            user="bob",
            groups=["editors"],
            email="bob@example.com",
            slack_url="https://hooks.test/b",
        ),
        ReviewerContact(user="carol", groups=["legal"], email="carol@example.com"),
        ReviewerContact(user="dan", groups=["editors"], email="dan@example.com", events=[]),
    ],
)


def notice(
    event_type: str,
    *,
    status: str = "pending",
    queue: str | None = None,
    users: list[str] | None = None,
    groups: list[str] | None = None,
    requested_by: str | None = None,
    title: str = "Refund #17",
    data: dict[str, object] | None = None,
) -> NotificationNotice:
    event = ReviewEvent(
        id="r1:3",
        type=event_type,
        review_id="r1",
        seq=3,
        revision=2,
        status=status,
        actor="system",
        at=NOW,
        data=data or {},
    )
    brief = ReviewBrief(
        title=title,
        queue=queue,
        priority="high",
        users=users or [],
        groups=groups or [],
        deadline=NOW + timedelta(hours=5),
        requested_by=requested_by,
    )
    return NotificationNotice(event=event, review=brief)


def destinations(n: NotificationNotice) -> list[str]:
    return [p.destination for p in plan(SETTINGS, n)]


def test_a_new_review_reaches_its_group_members_and_the_team_room() -> None:
    assert destinations(notice("review.created", groups=["editors"])) == [
        "route:editors-room",
        "reviewer:alice:email",
        "reviewer:bob:email",
        "reviewer:bob:slack",
    ]  # dan opted out of everything; carol is in another group


def test_named_users_and_queue_routes_hear_too() -> None:
    got = destinations(notice("review.escalated", queue="billing", users=["carol"]))
    assert got == ["route:billing-list", "reviewer:carol:email"]


def test_an_ended_escalation_reaches_rooms_but_no_reviewer() -> None:
    ended = notice("review.escalated", status="escalated", groups=["editors"])
    assert destinations(ended) == ["route:editors-room"]


def test_new_content_reaches_only_who_asked_and_rooms_that_listen() -> None:
    updated = notice("review.updated", queue="billing", groups=["editors"], requested_by="alice")
    assert destinations(updated) == ["route:audit", "reviewer:alice:email"]
    assert destinations(notice("review.updated", groups=["editors"])) == []


def test_decisions_are_for_callbacks_not_people() -> None:
    assert destinations(notice("review.completed", status="completed", groups=["editors"])) == []


def test_personal_messages_name_their_recipient() -> None:
    planned = plan(SETTINGS, notice("review.reminder", groups=["legal"]))
    assert [(p.recipient, p.channel) for p in planned] == [("carol", "email")]


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (
            {"routes": [{"name": "x", "channel": "slack", "url": "https://h.test"}]},
            "queue or groups",
        ),
        ({"routes": [{"name": "x", "channel": "slack", "groups": ["a"]}]}, "http(s) 'url'"),
        (
            {"routes": [{"name": "x", "channel": "webhook", "groups": ["a"], "url": "ftp://h"}]},
            "http(s) 'url'",
        ),
        ({"routes": [{"name": "x", "channel": "email", "groups": ["a"]}]}, "'to' addresses"),
        ({"reviewers": [{"user": "a", "email": "a@example.com"}]}, "need [notifications.smtp]"),
        ({"reviewers": [{"user": "a"}, {"user": "a"}]}, "one contact entry"),
        ({"reviewers": [{"user": "a", "email": "not-an-address"}]}, "pattern"),
        ({"reviewers": [{"user": "a", "pager": "123"}]}, "Extra inputs"),
        ({"link_ttl": "PT0S"}, "greater than"),
    ],
)
def test_bad_configuration_is_refused_saying_why(config: dict[str, object], problem: str) -> None:
    with pytest.raises(
        ValidationError,
        match=re.escape(problem),
    ):
        NotificationSettings.model_validate(config)


def test_contacts_take_their_groups_from_the_reviewer_tokens() -> None:
    settings = NotificationSettings(reviewers=[ReviewerContact(user="erin")])
    filled = settings.with_groups({"erin": ["legal", "ops"]})
    assert filled.contact("erin") is not None
    assert filled.contact("erin").groups == ["legal", "ops"]  # type: ignore[union-attr]


# --- links -----------------------------------------------------------------------------


def claims(**changes: object) -> LinkClaims:
    base = {"review_id": "r1", "user": "alice", "groups": ["editors"]}
    base["expires_at"] = int((NOW + timedelta(days=1)).timestamp())
    return LinkClaims.model_validate({**base, **changes})


def test_a_link_token_names_the_reviewer_for_that_review() -> None:
    token = sign_link(SECRET, claims())
    assert verify_link(SECRET, token, "r1", now=NOW) == claims()
    assert (
        review_link("https://g.test/", "r1", token) == f"https://g.test/ui/reviews/r1?token={token}"
    )
    assert review_link("https://g.test", "a/b") == "https://g.test/ui/reviews/a%2Fb"


@pytest.mark.parametrize(
    ("token", "review_id", "now", "problem"),
    [
        (lambda: sign_link(SECRET, claims()), "r2", NOW, "another review"),
        (lambda: sign_link(SECRET, claims()), "r1", NOW + timedelta(days=2), "expired"),
        (lambda: sign_link("x" * 40, claims()), "r1", NOW, "signature"),
        (lambda: sign_link(SECRET, claims()) + "A", "r1", NOW, "signature|malformed"),
        (lambda: "garbage", "r1", NOW, "signature|malformed"),
        (lambda: "", "r1", NOW, "signature|malformed"),
        (lambda: "é.ü", "r1", NOW, "signature|malformed"),
    ],
)
def test_a_bad_link_is_refused(token: object, review_id: str, now: datetime, problem: str) -> None:
    assert callable(token)
    with pytest.raises(InvalidLink, match=problem):
        verify_link(SECRET, token(), review_id, now=now)


def test_a_forged_payload_fails_the_signature() -> None:
    genuine = sign_link(SECRET, claims())
    forged_payload = sign_link(SECRET, claims(user="mallory")).split(".")[0]
    with pytest.raises(InvalidLink, match="signature"):
        verify_link(SECRET, f"{forged_payload}.{genuine.split('.')[1]}", "r1", now=NOW)


# --- what messages say -----------------------------------------------------------------


def personal(n: NotificationNotice, channel: str = "email") -> Notification:
    return Notification(
        destination=f"reviewer:alice:{channel}", channel=channel, recipient="alice", notice=n
    )  # type: ignore[arg-type]


def test_email_escapes_agent_text_in_html() -> None:
    hostile = '<script>alert(1)</script>" onload="x'
    subject, plain, markup = email_text(
        personal(notice("review.created", title=hostile)), "https://g.test/ui/reviews/r1?token=a&b"
    )
    assert subject == f"New review for you: {hostile}"  # a header is not markup
    assert hostile in plain
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "href='https://g.test/ui/reviews/r1?token=a&amp;b'" in markup


def test_slack_escapes_control_characters_so_a_title_cannot_forge_a_link() -> None:
    n = notice("review.reminder", title="<https://evil.test|Approve here> & more")
    message = slack_message(personal(n, "slack"), "https://g.test/ui/reviews/r1")
    assert "&lt;https://evil.test|Approve here&gt; &amp; more" in message["text"]
    assert "<https://evil.test" not in message["text"]
    assert message["text"].endswith("<https://g.test/ui/reviews/r1|Open the review>")
    assert "due 2026-11-21 14:00 UTC" in message["text"]


def test_messages_say_why_and_what_changed() -> None:
    escalated = notice("review.escalated", data={"reason": "needs legal"})
    assert "Reason: needs legal" in email_text(personal(escalated), None)[1]
    updated = notice("review.updated", data={"fields": ["reply", "subject"]})
    subject, plain, _ = email_text(personal(updated), None)
    assert subject == "Updated content to review: Refund #17 (revision 2)"
    assert "Changed fields: reply, subject" in plain and "Open the review" not in plain
