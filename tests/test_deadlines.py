"""Deadlines, leases and escalation chains over days, on the time-skipping test server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from support.receiver import running_receiver
from support.reviews import ALICE, BOB, WEBHOOK_SECRETS, assert_replays, start, state_of
from temporal_review.workflows import (
    Actor,
    Callback,
    ClaimInput,
    EscalationStep,
    EventType,
    FieldChange,
    RatingSpec,
    RequestChangesInput,
    RespondInput,
    ReviewStatus,
    ReviewWorkflow,
    SingleSelectSpec,
    UpdateContentInput,
)
from temporal_review.workflows import search_attributes as sa
from temporal_review.workflows.content import ContentField

LEAD = Actor(id="lee", groups=("leads",))
DIRECTOR = Actor(id="dana")


async def test_three_tier_escalation_chain_over_days_then_default(
    skipping_env: WorkflowEnvironment, skipping_queue: str
) -> None:
    client = skipping_env.client
    handle = await start(
        client,
        skipping_queue,
        response=SingleSelectSpec(options=[{"value": "ship"}, {"value": "hold"}]),
        escalation=[
            EscalationStep(after=timedelta(days=1), groups=["leads"]),
            EscalationStep(after=timedelta(days=2), users=["dana"], queue="directors"),
        ],
        timeout=timedelta(days=7),
        default_response="hold",
    )
    start_state = await state_of(handle)
    t0 = start_state.created_at

    await skipping_env.sleep(timedelta(days=1, hours=1))
    state = await state_of(handle)
    assert (state.tier, state.groups, state.status) == (1, ["leads"], ReviewStatus.PENDING)
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=LEAD))

    await skipping_env.sleep(timedelta(days=2))
    state = await state_of(handle)
    assert (state.tier, state.users, state.queue) == (2, ["dana"], "directors")
    assert state.claimed_by is None  # escalation takes the review away from the lead
    described = await handle.describe()
    assert described.typed_search_attributes.get(sa.CANDIDATES) == ["user:dana"]

    outcome = await handle.result()  # nobody answers: the final deadline applies the default
    assert outcome.status is ReviewStatus.TIMED_OUT
    assert outcome.response == "hold" and outcome.default_applied
    escalations = [e for e in outcome.audit if e.action == "escalated"]
    assert [round((e.at - t0) / timedelta(hours=1)) for e in escalations] == [24, 72]
    assert round((outcome.audit[-1].at - t0) / timedelta(days=1)) == 7
    await assert_replays(client, handle)


async def test_timeout_without_default_ends_escalated(
    skipping_env: WorkflowEnvironment, skipping_queue: str
) -> None:
    handle = await start(skipping_env.client, skipping_queue, timeout=timedelta(hours=4))
    outcome = await handle.result()
    assert outcome.status is ReviewStatus.ESCALATED
    assert outcome.response is None and not outcome.default_applied


async def test_answer_before_deadline_wins(
    skipping_env: WorkflowEnvironment, skipping_queue: str
) -> None:
    handle = await start(
        skipping_env.client,
        skipping_queue,
        response=RatingSpec(),
        timeout=timedelta(days=1),
        default_response=3,
    )
    await skipping_env.sleep(timedelta(hours=23))
    await handle.execute_update(
        ReviewWorkflow.respond, RespondInput(reviewer=BOB, revision=1, response=5)
    )
    outcome = await handle.result()
    assert (outcome.status, outcome.response, outcome.default_applied) == (
        ReviewStatus.COMPLETED,
        5,
        False,
    )


async def test_claim_lease_expires_and_renews(
    skipping_env: WorkflowEnvironment, skipping_queue: str
) -> None:
    handle = await start(skipping_env.client, skipping_queue, claim_lease=timedelta(minutes=15))
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    await skipping_env.sleep(timedelta(minutes=10))
    renewed = await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    assert renewed.claimed_by == "alice"
    await skipping_env.sleep(timedelta(minutes=10))
    assert (await state_of(handle)).claimed_by == "alice"  # renewal moved the expiry
    await skipping_env.sleep(timedelta(minutes=10))
    state = await state_of(handle)
    assert (state.status, state.claimed_by) == (ReviewStatus.PENDING, None)
    assert state.audit[-1].action == "lease expired"
    won = await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=BOB))
    assert won.claimed_by == "bob"
    await assert_replays(skipping_env.client, handle)


async def test_tier_clock_pauses_while_agent_reworks(
    skipping_env: WorkflowEnvironment, skipping_queue: str
) -> None:
    handle = await start(
        skipping_env.client,
        skipping_queue,
        fields=[ContentField(name="draft", value="v1", retry=True)],
        escalation=[EscalationStep(after=timedelta(hours=8), groups=["leads"])],
    )
    await skipping_env.sleep(timedelta(hours=6))
    await handle.execute_update(
        ReviewWorkflow.request_changes,
        RequestChangesInput(reviewer=ALICE, revision=1, changes=[FieldChange(field="draft")]),
    )
    await skipping_env.sleep(timedelta(days=2))  # the agent is slow: reviewers are not late
    assert (await state_of(handle)).tier == 0
    await handle.execute_update(
        ReviewWorkflow.update_content,
        UpdateContentInput(actor=Actor(id="agent"), revision=1, fields={"draft": "v2"}),
    )
    await skipping_env.sleep(timedelta(hours=7))
    assert (await state_of(handle)).tier == 0  # the new revision restarted the tier's clock
    await skipping_env.sleep(timedelta(hours=2))
    assert (await state_of(handle)).tier == 1


async def test_reminders_before_each_deadline_reach_the_receiver(
    skipping_env: WorkflowEnvironment, skipping_queue: str
) -> None:
    wanted = [EventType.REMINDER, EventType.ESCALATED, EventType.TIMED_OUT]
    with running_receiver(WEBHOOK_SECRETS["receiver"]) as receiver:
        handle = await start(
            skipping_env.client,
            skipping_queue,
            escalation=[EscalationStep(after=timedelta(hours=10), groups=["leads"])],
            timeout=timedelta(days=1),
            default_response="approve",
            remind_before=timedelta(hours=1),
            callbacks=[Callback(url=receiver.url, secret_ref="receiver", events=wanted)],
        )
        t0 = (await state_of(handle)).created_at
        outcome = await handle.result()
        reminded = [e for e in outcome.audit if e.action == "reminded"]
        assert [round((e.at - t0) / timedelta(hours=1)) for e in reminded] == [9, 23]
        assert [e["type"] for e in receiver.accepted] == [
            "review.reminder",
            "review.escalated",
            "review.reminder",
            "review.timed_out",
        ]
        first, second = receiver.accepted[0]["data"], receiver.accepted[2]["data"]
        assert (first["kind"], first["tier"]) == ("escalation", 0)
        assert (second["kind"], second["tier"]) == ("final", 1)
        assert receiver.accepted[3]["data"]["default_applied"] is True
