"""Agent side, for parent workflows: await a review as a child workflow.

``request_review`` is the one-liner. ``ReviewSession`` drives the instructions loop: each
change request reaches the parent, which produces new content and hands it back; the
review keeps its id and moves to the next revision. Workflow code cannot send Updates,
so both directions are signals, deduplicated by revision number.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.workflows.checks import content_fits
    from temporal_review.workflows.details import list_memo, static_details, static_summary
    from temporal_review.workflows.messages import ContentSubmission, ReviewInput
    from temporal_review.workflows.names import (
        TASK_QUEUE,
        changes_requested_signal,
        outcome_signal,
        workflow_id_for,
    )
    from temporal_review.workflows.request import ReviewRequest
    from temporal_review.workflows.review_workflow import ReviewWorkflow
    from temporal_review.workflows.state import ChangeRequest, ReviewOutcome

__all__ = ["ReviewSession", "Reviser", "request_review"]

Reviser = Callable[[ChangeRequest], Awaitable[dict[str, Any]]]
"""Produces new field values for a change request (usually by running an activity)."""


class ReviewSession:
    """A review started from a parent workflow, with its change requests routed back here."""

    def __init__(self, request: ReviewRequest) -> None:
        self.request = request
        self._child: workflow.ChildWorkflowHandle[Any, Any] | None = None
        self._outcome: ReviewOutcome | None = None
        self._pending: list[ChangeRequest] = []
        self._received: set[int] = set()
        self._submitted: set[int] = set()

    @property
    def review_id(self) -> str:
        """The review's id (its workflow id is ``review-<id>``)."""
        assert self.request.review_id is not None
        return self.request.review_id

    @classmethod
    async def start(
        cls, request: ReviewRequest, *, task_queue: str = TASK_QUEUE, listen: bool = True
    ) -> ReviewSession:
        """Start the review as a child workflow; a cancelled parent cancels it.

        Args:
            request: The review to start; a ``review_id`` is generated when absent.
            task_queue: Task queue of the review workers.
            listen: Route change requests to this session (``next_change_request``).
        """
        review_id = request.review_id or str(workflow.uuid4())
        request = request.model_copy(
            update={"review_id": review_id, "notify_parent": listen, "signal_outcome": True}
        )
        session = cls(request)

        def on_change_request(change: ChangeRequest) -> None:  # typed: the payload decodes to it
            session._on_change_request(change)

        def on_outcome(outcome: ReviewOutcome) -> None:
            session._outcome = outcome

        # Registered before the child starts, so nothing the review sends arrives unheard.
        workflow.set_signal_handler(outcome_signal(review_id), on_outcome)
        if listen:
            workflow.set_signal_handler(changes_requested_signal(review_id), on_change_request)
        session._child = await workflow.start_child_workflow(
            ReviewWorkflow.run,
            ReviewInput(request=request),
            id=workflow_id_for(review_id),
            task_queue=task_queue,
            parent_close_policy=workflow.ParentClosePolicy.REQUEST_CANCEL,
            static_summary=static_summary(request),
            static_details=static_details(request),
            memo=list_memo(request),
        )
        return session

    @property
    def _handle(self) -> workflow.ChildWorkflowHandle[Any, Any]:
        assert self._child is not None, "ReviewSession.start() has not finished"
        return self._child

    async def next_change_request(self) -> ChangeRequest | None:
        """Wait for the next change request; None once the review has ended."""
        await workflow.wait_condition(lambda: bool(self._pending) or self._ended())
        return self._pending.pop(0) if self._pending else None

    async def submit(self, change: ChangeRequest, fields: dict[str, Any]) -> None:
        """Send the new content answering ``change``; a second submit for it is a no-op.

        Raises:
            ApplicationError: (non-retryable) when ``fields`` do not fit the review; the
                signal could not be refused by the review, so it is checked here.
        """
        if change.revision in self._submitted:
            return
        content_fits(change.fields, fields)
        await self._handle.signal(
            ReviewWorkflow.submit_content,
            ContentSubmission(revision=change.revision, fields=fields),
        )
        self._submitted.add(change.revision)

    async def outcome(self) -> ReviewOutcome:
        """Wait for the review's outcome.

        The review signals it the moment it ends, before delivering its webhooks, so a
        receiver that is down does not hold the agent up (the review keeps delivering).
        """
        await workflow.wait_condition(self._ended)
        if self._outcome is not None:
            return self._outcome
        result: ReviewOutcome = await self._handle
        return result

    def _ended(self) -> bool:
        return self._outcome is not None or self._handle.done()

    def _on_change_request(self, change: ChangeRequest) -> None:
        if change.revision not in self._received:  # a redelivered signal changes nothing
            self._received.add(change.revision)
            self._pending.append(change)


async def request_review(
    request: ReviewRequest, *, revise: Reviser | None = None, task_queue: str = TASK_QUEUE
) -> ReviewOutcome:
    """Start a review as a child workflow and return its outcome.

    Args:
        request: The review.
        revise: Called with each change request; returns the new field values. Without
            it, a review whose fields allow reruns waits for content from elsewhere
            (the gateway's agent API).
        task_queue: Task queue of the review workers.
    """
    session = await ReviewSession.start(request, task_queue=task_queue, listen=revise is not None)
    if revise is not None:
        while (change := await session.next_change_request()) is not None:
            await session.submit(change, await revise(change))
    return await session.outcome()
