"""Every row of the lifecycle table (DESIGN section 3), end to end on a real dev server."""

from __future__ import annotations

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from support.reviews import (
    AGENT,
    ALICE,
    BOB,
    MALLORY,
    OPERATOR,
    assert_replays,
    start,
    state_of,
    wait_until_cancelled,
)
from temporal_review.workflows import (
    CancelInput,
    ClaimInput,
    ContentField,
    EscalateInput,
    EscalationStep,
    FieldChange,
    ReleaseInput,
    RequestChangesInput,
    RespondInput,
    ReviewStatus,
    ReviewWorkflow,
    UpdateContentInput,
)
from temporal_review.workflows import search_attributes as sa

pytestmark = pytest.mark.usefixtures("worker")

DRAFT = ContentField(name="draft", value="Hello", editable=True, retry=True, instructions=True)


def error_type(err: WorkflowUpdateFailedError) -> str | None:
    cause = err.cause
    return cause.type if isinstance(cause, ApplicationError) else None


async def test_claim_then_respond_completes_with_outcome(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue, fields=[DRAFT], meta={"ticket": 7})
    claimed = await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    assert (claimed.status, claimed.claimed_by) == (ReviewStatus.CLAIMED, "alice")
    result = await handle.execute_update(
        ReviewWorkflow.respond,
        RespondInput(
            reviewer=ALICE,
            revision=1,
            response={"decision": "modify"},
            edits={"draft": "Hello, world"},
            comment="tightened",
        ),
    )
    assert result.status is ReviewStatus.COMPLETED
    outcome = await handle.result()
    assert outcome.status is ReviewStatus.COMPLETED
    assert outcome.response == {"decision": "modify", "reason": None}
    assert outcome.responded_by == "alice"
    assert outcome.meta == {"ticket": 7}
    assert [(f.name, f.value, f.was_edited) for f in outcome.fields] == [
        ("draft", "Hello, world", True)
    ]
    assert [e.action for e in outcome.audit] == ["created", "claimed", "responded"]
    described = await handle.describe()
    assert described.typed_search_attributes.get(sa.STATUS) == "completed"
    await assert_replays(client, handle)


async def test_respond_from_pending_without_claim(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)
    await handle.execute_update(
        ReviewWorkflow.respond, RespondInput(reviewer=BOB, revision=1, response="approve")
    )
    outcome = await handle.result()
    assert outcome.approved and outcome.responded_by == "bob"


async def test_release_returns_to_pending(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    released = await handle.execute_update(ReviewWorkflow.release, ReleaseInput(reviewer=ALICE))
    assert (released.status, released.claimed_by) == (ReviewStatus.PENDING, None)
    unclaimed = (await handle.describe()).typed_search_attributes
    assert unclaimed.get(sa.CLAIMED_BY) is None
    assert unclaimed.get(sa.STATUS) == "pending"
    claimed = await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=BOB))
    assert claimed.claimed_by == "bob"
    described = await handle.describe()
    assert described.typed_search_attributes.get(sa.CLAIMED_BY) == "bob"
    await assert_replays(client, handle)


async def test_claimed_by_another_is_refused_and_changes_nothing(
    client: Client, task_queue: str
) -> None:
    handle = await start(client, task_queue)
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    before = await handle.fetch_history()
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=BOB, revision=1, response="approve")
        )
    assert error_type(refused.value) == "ClaimedByOther"
    with pytest.raises(WorkflowUpdateFailedError) as release_refused:
        await handle.execute_update(ReviewWorkflow.release, ReleaseInput(reviewer=BOB))
    assert error_type(release_refused.value) == "ClaimedByOther"
    after = await handle.fetch_history()
    assert len(after.events) == len(before.events)  # rejected updates write nothing
    assert (await state_of(handle)).claimed_by == "alice"


async def test_reviewer_not_routed_is_refused(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue, users=["carol"], groups=["editors"])
    for update, params in [
        (ReviewWorkflow.claim, ClaimInput(reviewer=MALLORY)),
        (ReviewWorkflow.respond, RespondInput(reviewer=MALLORY, revision=1, response="approve")),
        (ReviewWorkflow.escalate, EscalateInput(actor=MALLORY, reason="nope")),
    ]:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(update, params)  # type: ignore[arg-type]
        assert error_type(refused.value) == "NotRouted"
    # A listed user outside the group, and an operator, may act.
    await handle.execute_update(
        ReviewWorkflow.claim,
        ClaimInput(reviewer=ALICE.model_copy(update={"id": "carol", "groups": ()})),
    )
    await handle.execute_update(
        ReviewWorkflow.respond, RespondInput(reviewer=OPERATOR, revision=1, response="reject")
    )
    assert (await handle.result()).responded_by == "ops"


async def test_instructions_loop_through_update_content(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue, fields=[DRAFT, ContentField(name="fixed", value="x")])
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    asked = await handle.execute_update(
        ReviewWorkflow.request_changes,
        RequestChangesInput(
            reviewer=ALICE,
            revision=1,
            changes=[FieldChange(field="draft", instruction="make it shorter")],
        ),
    )
    assert asked.status is ReviewStatus.CHANGES_REQUESTED
    state = await state_of(handle)
    assert state.pending_changes is not None
    assert state.all_text_instructions == {"draft": ["make it shorter"]}
    # A reviewer cannot answer while the agent reworks, and a field without
    # permissions cannot be sent back.
    with pytest.raises(WorkflowUpdateFailedError) as waiting:
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
    assert error_type(waiting.value) == "WrongStatus"
    updated = await handle.execute_update(
        ReviewWorkflow.update_content,
        UpdateContentInput(actor=AGENT, revision=1, fields={"draft": "Hi"}),
    )
    assert (updated.status, updated.revision) == (ReviewStatus.PENDING, 2)
    state = await state_of(handle)
    assert [f.value for f in state.fields] == ["Hi", "x"]
    assert [f.value for f in state.previous_fields] == ["Hello", "x"]
    with pytest.raises(WorkflowUpdateFailedError) as fixed:
        await handle.execute_update(
            ReviewWorkflow.request_changes,
            RequestChangesInput(reviewer=ALICE, revision=2, changes=[FieldChange(field="fixed")]),
        )
    assert error_type(fixed.value) == "InvalidContent"
    await handle.execute_update(
        ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=2, response="approve")
    )
    outcome = await handle.result()
    assert (outcome.revision, outcome.rounds) == (2, 1)
    assert not outcome.fields[0].was_edited  # the agent's rewrite is not a reviewer edit
    await assert_replays(client, handle)


async def test_stale_revision_is_rejected(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue, fields=[DRAFT])
    await handle.execute_update(
        ReviewWorkflow.request_changes,
        RequestChangesInput(reviewer=ALICE, revision=1, changes=[FieldChange(field="draft")]),
    )
    await handle.execute_update(
        ReviewWorkflow.update_content,
        UpdateContentInput(actor=AGENT, revision=1, fields={"draft": "v2"}),
    )
    with pytest.raises(WorkflowUpdateFailedError) as stale:
        await handle.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=BOB, revision=1, response="approve")
        )
    assert error_type(stale.value) == "StaleRevision"
    with pytest.raises(WorkflowUpdateFailedError) as stale_content:
        await handle.execute_update(
            ReviewWorkflow.update_content,
            UpdateContentInput(actor=AGENT, revision=1, fields={"draft": "v2 again"}),
        )
    assert error_type(stale_content.value) == "WrongStatus"
    assert (await state_of(handle)).revision == 2


async def test_round_cap(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue, fields=[DRAFT], max_rounds=1)
    await handle.execute_update(
        ReviewWorkflow.request_changes,
        RequestChangesInput(reviewer=ALICE, revision=1, changes=[FieldChange(field="draft")]),
    )
    await handle.execute_update(
        ReviewWorkflow.update_content,
        UpdateContentInput(actor=AGENT, revision=1, fields={"draft": "v2"}),
    )
    with pytest.raises(WorkflowUpdateFailedError) as capped:
        await handle.execute_update(
            ReviewWorkflow.request_changes,
            RequestChangesInput(reviewer=ALICE, revision=2, changes=[FieldChange(field="draft")]),
        )
    assert error_type(capped.value) == "RoundLimit"


async def test_manual_escalation_reroutes_then_ends_escalated(
    client: Client, task_queue: str
) -> None:
    handle = await start(
        client,
        task_queue,
        escalation=[EscalationStep(after="P1D", groups=["leads"], queue="leads")],
    )
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    moved = await handle.execute_update(
        ReviewWorkflow.escalate, EscalateInput(actor=ALICE, reason="needs a lead")
    )
    assert (moved.status, moved.tier, moved.claimed_by) == (ReviewStatus.PENDING, 1, None)
    described = await handle.describe()
    assert described.typed_search_attributes.get(sa.CANDIDATES) == ["group:leads"]
    assert described.typed_search_attributes.get(sa.QUEUE) == "leads"
    # Tier 0 reviewers lose access; the lead may act.
    with pytest.raises(WorkflowUpdateFailedError) as gone:
        await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    assert error_type(gone.value) == "NotRouted"
    lead = ALICE.model_copy(update={"id": "lee", "groups": ("leads",)})
    ended = await handle.execute_update(
        ReviewWorkflow.escalate, EscalateInput(actor=lead, reason="above my pay grade")
    )
    assert ended.status is ReviewStatus.ESCALATED
    outcome = await handle.result()
    assert outcome.status is ReviewStatus.ESCALATED
    assert outcome.comment == "above my pay grade"
    await assert_replays(client, handle)


async def test_cancel_update_ends_cancelled(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)
    await handle.execute_update(ReviewWorkflow.cancel, CancelInput(actor=AGENT, reason="obsolete"))
    outcome = await handle.result()
    assert outcome.status is ReviewStatus.CANCELLED
    assert outcome.comment == "obsolete"


async def test_workflow_cancellation_ends_cancelled(client: Client, task_queue: str) -> None:
    handle = await start(client, task_queue)
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    await handle.cancel()
    await wait_until_cancelled(handle)
    described = await handle.describe()
    assert described.typed_search_attributes.get(sa.STATUS) == "cancelled"
    await assert_replays(client, handle)


async def test_state_query_and_operator_view(
    client: Client, task_queue: str, worker: Worker
) -> None:
    handle = await start(
        client,
        task_queue,
        title="Refund 120 EUR",
        priority="high",
        template="refund",
        queue="billing",
    )
    state = await state_of(handle)
    assert (state.status, state.revision, state.tier) == (ReviewStatus.PENDING, 1, 0)
    assert state.groups == ["editors"] and state.queue == "billing"
    described = await handle.describe()
    attrs = described.typed_search_attributes
    assert attrs.get(sa.PRIORITY) == "high"
    assert attrs.get(sa.TEMPLATE) == "refund"
    assert attrs.get(sa.QUEUE) == "billing"
    assert await described.static_summary() == "[high] billing: Refund 120 EUR"
