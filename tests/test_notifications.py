"""Notification channels against real peers: an SMTP server (aiosmtpd) and a Slack-style
receiver on loopback, with a worker configured like ``[notifications]`` in the config file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from support.receiver import Receiver, running_receiver, unsigned
from support.reviews import ALICE, OPERATOR, WEBHOOK_SECRETS, new_id, start, state_of
from support.smtp import Mailbox, parts, running_smtp
from temporal_review.activities.channels import (
    NotificationSettings,
    ReviewerContact,
    Route,
    SmtpSettings,
)
from temporal_review.activities.links import verify_link
from temporal_review.worker import ReviewPlugin
from temporal_review.workflows import (
    Callback,
    ClaimInput,
    EscalateInput,
    EscalationStep,
    FieldChange,
    RequestChangesInput,
    RespondInput,
    ReviewWorkflow,
    UpdateContentInput,
)

BASE_URL = "https://reviews.example.com"
LINK_SECRET = "a-link-secret-of-at-least-32-characters"


@dataclass
class Peers:
    mailbox: Mailbox
    slack: Receiver


@pytest.fixture
def peers() -> Iterator[Peers]:
    with running_smtp() as mailbox, running_receiver("", verify=unsigned) as slack:
        yield Peers(mailbox, slack)


def settings_for(peers: Peers) -> NotificationSettings:
    return NotificationSettings(
        smtp=SmtpSettings(host="127.0.0.1", port=peers.mailbox.port, sender="reviews@example.com"),
        routes=[
            Route(name="editors-room", channel="slack", groups=["editors"], url=peers.slack.url)
        ],
        reviewers=[
            ReviewerContact(user="alice", groups=["editors"], email="alice@example.com"),
            ReviewerContact(user="bob", groups=["editors"], email="bob@example.com"),
            ReviewerContact(user="carol", groups=["legal"], email="carol@example.com"),
        ],
    )


async def notifying_client(env_client: Client, settings: NotificationSettings) -> Client:
    plugin = ReviewPlugin(
        webhook_secrets=WEBHOOK_SECRETS,
        notifications=settings,
        base_url=BASE_URL,
        link_secret=LINK_SECRET,
    )
    config = env_client.service_client.config
    return await Client.connect(
        config.target_host, namespace=env_client.namespace, plugins=[plugin]
    )


@pytest.fixture
async def notifying(client: Client, task_queue: str, peers: Peers) -> AsyncIterator[Client]:
    """A client and worker whose plugin notifies as ``settings_for(peers)`` says."""
    notifying = await notifying_client(client, settings_for(peers))
    async with Worker(notifying, task_queue=task_queue):
        yield notifying


def link_in(text: str) -> str:
    return next(word for word in text.split() if word.startswith(BASE_URL))


async def test_routed_reviewers_hear_by_email_and_the_team_room_by_slack(
    notifying: Client, task_queue: str, peers: Peers
) -> None:
    dead = "http://127.0.0.1:9/hook"  # a callback that never answers holds up only itself
    handle = await start(
        notifying,
        task_queue,
        title="Refund <b>order</b> #17",
        groups=["editors"],
        escalation=[EscalationStep(after=timedelta(hours=4), users=["carol"])],
        callbacks=[Callback(url=dead)],
    )
    review_id = (await state_of(handle)).review_id
    mails = await peers.mailbox.wait_for(2)
    await peers.slack.wait_for(1)

    # Every editor with a contact gets a mail of their own; carol is not routed yet.
    assert sorted(str(m["To"]) for m in mails) == ["alice@example.com", "bob@example.com"]
    for mail in mails:
        assert mail["Subject"] == "New review for you: Refund <b>order</b> #17"
        assert mail["X-Review-Event-Id"] == f"{review_id}:1"
        plain, markup = parts(mail)
        assert "Priority: medium" in plain and "Deadline:" in plain
        link = link_in(plain)
        assert link.startswith(f"{BASE_URL}/ui/reviews/{review_id}?token=")
        # The link identifies the addressee, for this review only.
        token = parse_qs(urlparse(link).query)["token"][0]
        claims = verify_link(LINK_SECRET, token, review_id, now=datetime.now(UTC))
        assert f"{claims.user}@example.com" == mail["To"] and claims.groups == ["editors"]
        assert claims.expires_at > (datetime.now(UTC) + timedelta(days=2)).timestamp()
        # HTML escapes the agent's title and carries the same link.
        assert "Refund &lt;b&gt;order&lt;/b&gt; #17" in markup and "<b>order" not in markup
        assert f"href='{link.replace('&', '&amp;')}'" in markup

    room = peers.slack.accepted[0]
    assert room["_event_id"] == f"{review_id}:1"
    assert room["text"].startswith("*New review: Refund &lt;b&gt;order&lt;/b&gt; #17*")
    # The team room's link has no token: it does not name one reviewer.
    assert f"<{BASE_URL}/ui/reviews/{review_id}|Open the review>" in room["text"]
    button = room["blocks"][1]["elements"][0]
    assert button["url"] == f"{BASE_URL}/ui/reviews/{review_id}"

    # Escalation routes to carol, who hears of it; the editors do not hear again.
    await handle.execute_update(
        ReviewWorkflow.escalate, EscalateInput(actor=ALICE, revision=1, reason="needs legal")
    )
    mails = await peers.mailbox.wait_for(3)
    to_carol = peers.mailbox.to("carol@example.com")
    assert [m["Subject"] for m in to_carol] == ["Review escalated to you: Refund <b>order</b> #17"]
    assert "Reason: needs legal" in parts(to_carol[0])[0]

    # Each send is its own activity, named by channel and event in the history.
    history = await handle.fetch_history()
    summaries = sorted(
        e.user_metadata.summary.data.decode().strip('"')
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
        and "send_notification" in e.activity_task_scheduled_event_attributes.activity_type.name
    )
    assert summaries == [
        "review.created via email reviewer:alice:email",
        "review.created via email reviewer:bob:email",
        "review.created via slack route:editors-room",
        "review.escalated via email reviewer:carol:email",
    ]
    await handle.cancel()


async def test_the_reviewer_who_asked_for_changes_hears_of_the_new_revision(
    notifying: Client, task_queue: str, peers: Peers
) -> None:
    from temporal_review.workflows import ContentField

    handle = await start(
        notifying,
        task_queue,
        fields=[ContentField(name="reply", value="Dear customer", retry=True, instructions=True)],
    )
    await peers.mailbox.wait_for(2)
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    await handle.execute_update(
        ReviewWorkflow.request_changes,
        RequestChangesInput(
            reviewer=ALICE,
            revision=1,
            changes=[FieldChange(field="reply", instruction="be warmer")],
        ),
    )
    from support.reviews import AGENT

    await handle.execute_update(
        ReviewWorkflow.update_content,
        UpdateContentInput(actor=AGENT, revision=1, fields={"reply": "Dear valued customer"}),
    )
    await peers.mailbox.wait_for(3)
    await asyncio.sleep(0.5)  # nothing else should arrive
    assert len(peers.mailbox.messages) == 3
    (update_mail,) = [m for m in peers.mailbox.messages if "Updated" in str(m["Subject"])]
    assert update_mail["To"] == "alice@example.com"
    assert update_mail["Subject"] == "Updated content to review: Check this (revision 2)"
    plain, _ = parts(update_mail)
    assert "Changed fields: reply" in plain and "Revision: 2" in plain
    # The team room hears of routing, not of every revision.
    assert [p["_event_id"] for p in peers.slack.accepted] == [
        f"{(await state_of(handle)).review_id}:1"
    ]
    await handle.cancel()


async def test_a_refusing_channel_is_audited_and_not_retried(
    client: Client, task_queue: str, peers: Peers
) -> None:
    peers.slack.status_for = lambda path, attempt: 404  # Slack's answer to a removed hook
    peers.mailbox.refuse = True
    notifying = await notifying_client(client, settings_for(peers))
    async with Worker(notifying, task_queue=task_queue):
        handle = await start(notifying, task_queue)
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
        outcome = await handle.result()
    failures = sorted(e.detail for e in outcome.audit if e.action == "notification failed")
    assert len(failures) == 3
    assert "via email reviewer:alice:email" in failures[0] and "550" in failures[0]
    assert "via email reviewer:bob:email" in failures[1]
    assert "via slack route:editors-room" in failures[2] and "HTTP 404" in failures[2]
    assert len(peers.slack.posts) == 1  # one attempt, no retries


async def test_reminders_reach_the_reviewers_by_email_before_the_deadline(
    skipping_env: WorkflowEnvironment, peers: Peers
) -> None:
    queue = f"notify-{new_id()}"
    notifying = await notifying_client(skipping_env.client, settings_for(peers))
    async with Worker(notifying, task_queue=queue):
        handle = await start(
            notifying,
            queue,
            timeout=timedelta(days=2),
            default_response="approve",
            remind_before=timedelta(hours=2),
        )
        deadline = (await state_of(handle)).deadline
        assert deadline is not None
        await skipping_env.sleep(timedelta(days=2, hours=1))  # skips time, unlike our client
        state = await state_of(handle)
        assert state.outcome is not None and state.outcome.default_applied
    due = deadline.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    subjects = [str(m["Subject"]) for m in peers.mailbox.to("alice@example.com")]
    assert subjects == ["New review for you: Check this", f"Reminder: Check this is due {due}"]
    reminded = next(e for e in state.audit if e.action == "reminded")
    assert abs(deadline - reminded.at - timedelta(hours=2)) < timedelta(seconds=1)


async def test_a_webhook_channel_gets_signed_native_events(
    client: Client, task_queue: str, peers: Peers
) -> None:
    with running_receiver(WEBHOOK_SECRETS["receiver"]) as audit_log:
        settings = NotificationSettings(
            routes=[
                Route(
                    name="audit-log",
                    channel="webhook",
                    queue="billing",
                    url=f"{audit_log.url}/events",
                    secret_ref="receiver",
                    events=["review.created", "review.escalated"],
                )
            ]
        )
        notifying = await notifying_client(client, settings)
        async with Worker(notifying, task_queue=task_queue):
            handle = await start(notifying, task_queue, queue="billing", groups=["finance"])
            await handle.execute_update(
                ReviewWorkflow.escalate, EscalateInput(actor=OPERATOR, revision=1, reason="late")
            )
            outcome = await handle.result()
    assert [e["type"] for e in audit_log.accepted] == ["review.created", "review.escalated"]
    assert audit_log.bad_signatures == 0  # every post verified with the shared secret
    review_id = outcome.review_id
    assert audit_log.accepted_ids() == [f"{review_id}:1", f"{review_id}:2"]
    assert audit_log.accepted[1]["status"] == "escalated"  # past the last tier: it ended
