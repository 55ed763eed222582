"""Continue-as-new loses nothing: state, audit, event sequence, outbox and update ids carry over.

Runs its own dev server that suggests continue-as-new after a few dozen history events,
so a review with many actions crosses several runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from support.receiver import running_receiver
from support.reviews import (
    ALICE,
    BOB,
    WEBHOOK_SECRETS,
    assert_replays,
    review_plugin,
    start,
    state_of,
)
from temporal_review.worker import temporal_cli_path
from temporal_review.workflows import (
    Callback,
    ClaimInput,
    ReleaseInput,
    RespondInput,
    ReviewStatus,
    ReviewWorkflow,
)
from temporal_review.workflows import search_attributes as sa


@pytest.fixture(scope="module")
async def small_history_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        search_attributes=sa.ALL,
        plugins=[review_plugin()],
        dev_server_extra_args=[
            "--dynamic-config-value",
            "limit.historyCount.suggestContinueAsNew=40",
        ],
    )
    async with env:
        yield env


async def test_many_actions_cross_runs_and_lose_nothing(
    small_history_env: WorkflowEnvironment, task_queue: str
) -> None:
    client: Client = small_history_env.client
    with running_receiver(WEBHOOK_SECRETS["receiver"]) as receiver:
        async with Worker(client, task_queue=task_queue):
            handle = await start(
                client,
                task_queue,
                callbacks=[Callback(url=receiver.url, secret_ref="receiver")],
            )
            first_run = (await handle.describe()).run_id
            first_claim = await handle.execute_update(
                ReviewWorkflow.claim, ClaimInput(reviewer=ALICE), id="claim-once"
            )
            await handle.execute_update(ReviewWorkflow.release, ReleaseInput(reviewer=ALICE))
            for i in range(15):
                reviewer = BOB if i % 2 else ALICE
                await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=reviewer))
                await handle.execute_update(ReviewWorkflow.release, ReleaseInput(reviewer=reviewer))
            assert (await handle.describe()).run_id != first_run, "expected continue-as-new"

            # The first claim's id still answers with its first result, and acts no more.
            again = await handle.execute_update(
                ReviewWorkflow.claim, ClaimInput(reviewer=ALICE), id="claim-once"
            )
            assert again == first_claim
            state = await state_of(handle)
            assert state.status is ReviewStatus.PENDING
            assert [e.action for e in state.audit].count("claimed") == 16

            await handle.execute_update(
                ReviewWorkflow.respond, RespondInput(reviewer=BOB, revision=1, response="approve")
            )
            outcome = await handle.result()
            assert outcome.status is ReviewStatus.COMPLETED and outcome.responded_by == "bob"
            assert len(outcome.audit) == 1 + 16 * 2 + 1  # created, 16 claim/release, responded
            ids = receiver.accepted_ids()
            assert ids == [
                f"{outcome.review_id}:{n}" for n in range(1, 35)
            ]  # none lost, none twice
            assert all(count == 1 for count in receiver.attempts_by_id().values())
            described = await handle.describe()
            assert described.typed_search_attributes.get(sa.STATUS) == "completed"
            await assert_replays(client, handle)
