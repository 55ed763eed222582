"""Agent workflows awaiting reviews as child workflows: the instructions loop and cancellation."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from support.reviews import ALICE, assert_replays, new_id, state_of, wait_until_cancelled
from temporal_review.worker import review_handle
from temporal_review.workflows import (
    ClaimInput,
    FieldChange,
    RequestChangesInput,
    RespondInput,
    ReviewStatus,
    ReviewWorkflow,
)
from temporal_review.workflows.example_agent import ExampleAgentInput, ExampleAgentWorkflow

pytestmark = pytest.mark.usefixtures("worker")


async def wait_for(
    handle: WorkflowHandle[Any, Any], status: ReviewStatus, revision: int, within: float = 15
) -> None:
    """Poll the review's state query until it reaches ``status`` at ``revision``."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        try:
            state = await state_of(handle)
            if state.status is status and state.revision == revision:
                return
        except Exception:  # the review workflow may not have started yet
            if asyncio.get_running_loop().time() > deadline:
                raise
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"review never reached {status} at revision {revision}")
        await asyncio.sleep(0.05)


async def start_agent(client: Client, task_queue: str, topic: str) -> tuple[Any, Any]:
    review_id = new_id()
    agent = await client.start_workflow(
        ExampleAgentWorkflow.run,
        ExampleAgentInput(
            topic=topic, review_id=review_id, review_task_queue=task_queue, queue="editors"
        ),
        id=f"agent-{review_id}",
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
    )
    return agent, review_handle(client, review_id)


async def test_three_round_instructions_loop(client: Client, task_queue: str) -> None:
    agent, review = await start_agent(client, task_queue, "the spring release")
    await wait_for(review, ReviewStatus.PENDING, 1)
    first = await state_of(review)
    assert first.fields[0].value == "A short announcement about the spring release."

    instructions = ["mention the new API", "add pricing", "make it uppercase"]
    for round_number, instruction in enumerate(instructions, start=1):
        await review.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await review.execute_update(
            ReviewWorkflow.request_changes,
            RequestChangesInput(
                reviewer=ALICE,
                revision=round_number,
                changes=[FieldChange(field="draft", instruction=instruction)],
            ),
        )
        await wait_for(review, ReviewStatus.PENDING, round_number + 1)
        state = await state_of(review)
        assert state.all_text_instructions == {"draft": instructions[:round_number]}
        assert state.previous_fields[0].value != state.fields[0].value

    final = await state_of(review)
    assert final.fields[0].value == (
        "A SHORT ANNOUNCEMENT ABOUT THE SPRING RELEASE. IT ALSO COVERS THE NEW API. "
        "IT ALSO COVERS PRICING."
    )
    await review.execute_update(
        ReviewWorkflow.respond,
        RespondInput(
            reviewer=ALICE,
            revision=4,
            response="modify",
            edits={"draft": "Spring release: new API, new pricing."},
        ),
    )
    result = await agent.result()
    assert result.published
    assert result.text == "Spring release: new API, new pricing."
    assert (result.outcome.revision, result.outcome.rounds) == (4, 3)
    assert result.outcome.fields[0].was_edited
    assert result.outcome.review_id == review.id.removeprefix("review-")
    await assert_replays(client, agent, review)


async def test_plain_rerun_and_rejection(client: Client, task_queue: str) -> None:
    agent, review = await start_agent(client, task_queue, "the outage")
    await wait_for(review, ReviewStatus.PENDING, 1)
    await review.execute_update(
        ReviewWorkflow.request_changes,
        RequestChangesInput(reviewer=ALICE, revision=1, changes=[FieldChange(field="draft")]),
    )
    await wait_for(review, ReviewStatus.PENDING, 2)
    assert (await state_of(review)).fields[
        0
    ].value == "A short announcement about the outage (take 2)."
    await review.execute_update(
        ReviewWorkflow.respond,
        RespondInput(
            reviewer=ALICE, revision=2, response={"decision": "reject", "reason": "not now"}
        ),
    )
    result = await agent.result()
    assert not result.published
    assert result.outcome.response == {"decision": "reject", "reason": "not now"}


async def test_cancelled_parent_cancels_its_review(client: Client, task_queue: str) -> None:
    agent, review = await start_agent(client, task_queue, "a secret")
    await wait_for(review, ReviewStatus.PENDING, 1)
    await agent.cancel()
    await wait_until_cancelled(review)
    history = await review.fetch_history()
    audit = [
        e
        for e in history.events
        if e.HasField("workflow_execution_cancel_requested_event_attributes")
    ]
    assert audit, "the review saw a cancellation request from its parent"
    await assert_replays(client, review)


async def test_a_dead_webhook_receiver_does_not_hold_the_agent_up(
    client: Client, task_queue: str
) -> None:
    from temporalio.worker import Replayer, Worker

    from support.agents import CallbackAgent, CallbackAgentInput
    from support.processes import free_port
    from temporal_review.worker import ReviewPlugin

    review_id = new_id()
    dead = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens: deliveries keep retrying
    async with Worker(client, task_queue=f"{task_queue}-agents", workflows=[CallbackAgent]):
        agent = await client.start_workflow(
            CallbackAgent.run,
            CallbackAgentInput(review_id=review_id, callback_url=dead, task_queue=task_queue),
            id=f"agent-{review_id}",
            task_queue=f"{task_queue}-agents",
        )
        review = review_handle(client, review_id)
        await wait_for(review, ReviewStatus.PENDING, 1)
        await review.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
        outcome = await asyncio.wait_for(agent.result(), timeout=15)
        assert outcome.status is ReviewStatus.COMPLETED and outcome.responded_by == "alice"
        # The review itself is still delivering its events, and will keep at it.
        described = await review.describe()
        assert described.status is not None and described.status.name == "RUNNING"
        await assert_replays(client, review)
        replayer = Replayer(workflows=[CallbackAgent], plugins=[ReviewPlugin()])
        await replayer.replay_workflow(await agent.fetch_history())
