"""Races and retries: one claim winner, one decision per update id, bad answers leave no trace."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from support.reviews import ALICE, BOB, assert_replays, history_length, start, state_of
from temporal_review.workflows import (
    Actor,
    BooleanSpec,
    ClaimInput,
    DecisionSpec,
    FormInput,
    FormSpec,
    MultiSelectSpec,
    NumberSpec,
    Option,
    RatingSpec,
    RespondInput,
    ReviewStatus,
    ReviewWorkflow,
    SingleSelectSpec,
    TextSpec,
)
from temporal_review.workflows.content import ContentField

pytestmark = pytest.mark.usefixtures("worker")

OPTIONS = [Option(value="a"), Option(value="b"), Option(value="c")]


async def test_twenty_concurrent_claims_have_one_winner(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)
    reviewers = [Actor(id=f"reviewer-{i}", groups=("editors",)) for i in range(20)]

    async def try_claim(reviewer: Actor) -> str | None:
        try:
            result = await handle.execute_update(
                ReviewWorkflow.claim, ClaimInput(reviewer=reviewer)
            )
        except WorkflowUpdateFailedError as err:
            assert isinstance(err.cause, ApplicationError)
            assert err.cause.type == "ClaimedByOther"
            return None
        assert result.claimed_by == reviewer.id  # the winner learns it from the result
        return reviewer.id

    results = await asyncio.gather(*(try_claim(r) for r in reviewers))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    state = await state_of(handle)
    assert state.claimed_by == winners[0]
    assert [e.action for e in state.audit].count("claimed") == 1
    await assert_replays(client, handle)


async def test_duplicate_respond_with_one_id_decides_once(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)
    respond = RespondInput(
        reviewer=ALICE, revision=1, response={"decision": "approve", "reason": "fine"}
    )
    first, second = await asyncio.gather(
        handle.execute_update(ReviewWorkflow.respond, respond, id="submit-1"),
        handle.execute_update(ReviewWorkflow.respond, respond, id="submit-1"),
    )
    assert first == second and first.status is ReviewStatus.COMPLETED
    outcome = await handle.result()
    # After the review ended, the same id still answers with the first result.
    again = await handle.execute_update(ReviewWorkflow.respond, respond, id="submit-1")
    assert again == first
    assert [e.action for e in outcome.audit].count("responded") == 1
    # A different submission is refused: the review already decided.
    # The review has closed: the server refuses a new update on it.
    with pytest.raises(RPCError) as late:
        await handle.execute_update(
            ReviewWorkflow.respond,
            RespondInput(reviewer=BOB, revision=1, response="reject"),
            id="submit-2",
        )
    assert late.value.status is RPCStatusCode.NOT_FOUND


async def test_two_different_responses_race_one_decides(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)

    async def respond(reviewer: Actor, answer: str) -> str:
        try:
            await handle.execute_update(
                ReviewWorkflow.respond, RespondInput(reviewer=reviewer, revision=1, response=answer)
            )
            return answer
        except WorkflowUpdateFailedError:
            return "refused"  # the validator saw the review already decided
        except RPCError as err:
            # Or the update reached the review as it closed: the server aborts it unapplied.
            assert err.status is RPCStatusCode.NOT_FOUND
            return "refused"

    results = await asyncio.gather(
        *(respond(r, a) for r, a in [(ALICE, "approve"), (BOB, "reject")] * 5)
    )
    outcome = await handle.result()
    decided = [r for r in results if r != "refused"]
    assert len(decided) == 1
    assert outcome.response["decision"] == decided[0]


BAD_ANSWERS: list[tuple[Any, Any, str]] = [
    (DecisionSpec(), {"decision": "maybe"}, ""),
    (SingleSelectSpec(options=OPTIONS), "z", ""),
    (MultiSelectSpec(options=OPTIONS, max_selections=2), ["a", "b", "c"], ""),
    (RatingSpec(min=1, max=5), 11, ""),
    (NumberSpec(min=0, integer=True), 2.5, ""),
    (BooleanSpec(), "true", ""),
    (TextSpec(max_length=3), "too long", ""),
    (FormSpec(inputs=[FormInput(name="score", spec=RatingSpec())]), {"score": None}, "score"),
]


@pytest.mark.parametrize(
    ("spec", "answer", "path"), BAD_ANSWERS, ids=lambda v: getattr(v, "type", None)
)
async def test_invalid_answer_is_rejected_and_changes_nothing(
    client: Client, task_queue: str, spec: Any, answer: Any, path: str
) -> None:
    handle = await start(client, task_queue, response=spec)
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    before_state, before_events = await state_of(handle), await history_length(handle)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response=answer)
        )
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "InvalidResponse"
    problems = cause.details[0]
    assert problems and problems[0]["path"] == path and problems[0]["message"]
    assert await history_length(handle) == before_events
    assert await state_of(handle) == before_state


async def test_edits_to_locked_fields_are_rejected(client: Client, task_queue: str) -> None:
    handle = await start(
        client,
        task_queue,
        fields=[
            ContentField(name="locked", value="x"),
            ContentField(name="pic", kind="image", value="https://a/b.png", editable=True),
        ],
    )
    for edits, reason in [
        ({"locked": "y"}, "not editable"),
        ({"nope": "y"}, "unknown field"),
        ({"pic": "javascript:alert(1)"}, "http(s) URL"),
    ]:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(
                ReviewWorkflow.respond,
                RespondInput(reviewer=ALICE, revision=1, response="modify", edits=edits),
            )
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "InvalidContent"
        assert reason in str(cause)
    assert (await state_of(handle)).status is ReviewStatus.PENDING
