"""Webhooks delivered to a real HTTP receiver on loopback: signed, retried, deduplicated by id."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import Client

from support.receiver import running_receiver
from support.reviews import ALICE, WEBHOOK_SECRETS, assert_replays, start, state_of
from temporal_review.workflows import (
    Callback,
    ClaimInput,
    EventType,
    ReleaseInput,
    RespondInput,
    ReviewStatus,
    ReviewWorkflow,
)

pytestmark = pytest.mark.usefixtures("worker")
SECRET = WEBHOOK_SECRETS["receiver"]


async def test_events_arrive_signed_in_order_once_per_id(client: Client, task_queue: str) -> None:
    with running_receiver(SECRET) as receiver:
        # Each event's first attempt is answered 503 after the receiver saw it: the retry
        # carries the same id, so the receiver can tell it is the same event.
        receiver.status_for = lambda path, attempt: 503 if attempt == 1 else 200
        handle = await start(
            client,
            task_queue,
            meta={"order": "A-17"},
            callbacks=[Callback(url=f"{receiver.url}/hook", secret_ref="receiver")],
        )
        await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
        outcome = await handle.result()  # the review finishes only once every event is delivered
        review_id = outcome.review_id
        assert receiver.accepted_ids() == [f"{review_id}:1", f"{review_id}:2", f"{review_id}:3"]
        assert [e["type"] for e in receiver.accepted] == [
            "review.created",
            "review.claimed",
            "review.completed",
        ]
        assert all(count == 2 for count in receiver.attempts_by_id().values())
        assert receiver.bad_signatures == 0
        completed = receiver.accepted[-1]
        assert completed["meta"] == {"order": "A-17"}
        assert completed["data"]["response"] == {"decision": "approve", "reason": None}
        assert completed["actor"] == "alice" and completed["status"] == "completed"
        assert completed["data"]["fields"] == []  # this review had no content fields
        assert completed["revision"] == 1
    # Every attempt is visible in the history, with a summary naming the event.
    history = await handle.fetch_history()
    scheduled = [
        e for e in history.events if e.HasField("activity_task_scheduled_event_attributes")
    ]
    assert len(scheduled) == 3
    assert all(e.HasField("user_metadata") for e in scheduled)
    await assert_replays(client, handle)


async def test_rejecting_receiver_is_not_retried_and_is_audited(
    client: Client, task_queue: str
) -> None:
    with running_receiver(SECRET) as receiver:
        receiver.status_for = lambda path, attempt: 400
        handle = await start(
            client,
            task_queue,
            callbacks=[
                Callback(url=receiver.url, secret_ref="receiver", events=[EventType.CREATED])
            ],
        )
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
        outcome = await handle.result()
        assert len(receiver.posts) == 1  # one attempt, then recorded
        failures = [e for e in outcome.audit if e.action == "webhook failed"]
        assert len(failures) == 1 and "HTTP 400" in failures[0].detail


async def test_event_filter_and_unknown_secret(client: Client, task_queue: str) -> None:
    with running_receiver(SECRET) as receiver:
        handle = await start(
            client,
            task_queue,
            callbacks=[
                Callback(url=receiver.url, secret_ref="receiver", events=[EventType.COMPLETED]),
                Callback(url=receiver.url, secret_ref="not-configured"),
            ],
        )
        await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="reject")
        )
        outcome = await handle.result()
        assert [e["type"] for e in receiver.accepted] == ["review.completed"]
        failures = [e.detail for e in outcome.audit if e.action == "webhook failed"]
        assert len(failures) == 3  # created, claimed, completed: none could be signed
        assert all("not-configured" in f for f in failures)
        assert SECRET not in str(await handle.fetch_history())  # secrets never in history


async def test_slow_receiver_does_not_delay_decisions(client: Client, task_queue: str) -> None:
    with running_receiver(SECRET) as receiver:
        receiver.delay = 3.0
        handle = await start(
            client, task_queue, callbacks=[Callback(url=receiver.url, secret_ref="receiver")]
        )
        while receiver.in_flight == 0:  # noqa: ASYNC110 - the receiver runs in a thread
            await asyncio.sleep(0.02)  # wait until the created event is stuck there
        await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
        assert receiver.in_flight == 1 and not receiver.accepted  # decided while still stuck
        assert (await state_of(handle)).status is ReviewStatus.COMPLETED
        receiver.delay = 0
        outcome = await handle.result()
        assert outcome.status is ReviewStatus.COMPLETED
        assert len(receiver.accepted_ids()) == 3


async def test_a_receiver_down_for_a_while_gets_every_event_once_in_order(
    client: Client, task_queue: str
) -> None:
    from support.processes import free_port

    port = free_port()  # nothing listens here yet: every attempt is refused
    handle = await start(
        client,
        task_queue,
        callbacks=[Callback(url=f"http://127.0.0.1:{port}/hook", secret_ref="receiver")],
    )
    # The reviewers carry on while the receiver is down: no action waits for it.
    for _ in range(2):
        await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await handle.execute_update(ReviewWorkflow.release, ReleaseInput(reviewer=ALICE))
    result = await asyncio.wait_for(
        handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        ),
        timeout=2,
    )
    assert result.status is ReviewStatus.COMPLETED
    await asyncio.sleep(4)  # the first event has been retried with backoff meanwhile
    with running_receiver(SECRET, port=port) as receiver:
        outcome = await asyncio.wait_for(handle.result(), timeout=60)
    review_id = outcome.review_id
    expected = [f"{review_id}:{seq}" for seq in range(1, 7)]
    assert receiver.accepted_ids() == expected  # every event, in order
    assert receiver.attempts_by_id() == {event_id: 1 for event_id in expected}  # once each
    assert [e["type"] for e in receiver.accepted] == [
        "review.created",
        "review.claimed",
        "review.released",
        "review.claimed",
        "review.released",
        "review.completed",
    ]
    assert receiver.bad_signatures == 0
    assert not [e for e in outcome.audit if e.action == "webhook failed"]
    # The first event was attempted while the receiver was down, and retried.
    history = await handle.fetch_history()
    first = next(
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    )
    assert first >= 3
