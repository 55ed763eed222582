"""The gateway's one door to Temporal: create reviews, read them, act on them.

Maps Temporal failures to ``ApiError`` by type; routes stay free of Temporal details.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from temporal_review.activities import ReviewEvent
from temporal_review.gateway.errors import (
    ApiError,
    forbidden,
    from_rpc_error,
    from_update_failure,
    unavailable,
)
from temporal_review.gateway.inbox import CutHints, Visibility
from temporal_review.gateway.schemas import OutcomeResponse
from temporal_review.worker import ReviewHandle, review_handle, start_review
from temporal_review.workflows import (
    ActionQuery,
    ActionResult,
    Actor,
    EventsQuery,
    ReviewRequest,
    ReviewState,
    ReviewWorkflow,
)
from temporal_review.workflows.routing import Tier, is_candidate

REQUEST_DIGEST_MEMO = "request_sha256"


class Reviews:
    """Review operations on one Temporal client."""

    def __init__(self, client: Client, task_queue: str, action_timeout: float) -> None:
        self.client = client
        self.inbox_hints = CutHints()
        self._task_queue = task_queue
        self._rpc_timeout = timedelta(seconds=action_timeout)
        self.visibility = Visibility(client, self._rpc_timeout)

    def handle(self, review_id: str) -> ReviewHandle:
        """The workflow handle of a review."""
        return review_handle(self.client, review_id)

    async def create(self, request: ReviewRequest, digest_of: dict[str, Any]) -> bool:
        """Start the review; False when this exact request already created it.

        The request's digest travels in the memo, so a repeated idempotency key with a
        different body is told apart from a retry (409).
        """
        digest = hashlib.sha256(json.dumps(digest_of, sort_keys=True).encode()).hexdigest()
        assert request.review_id is not None
        try:
            await start_review(
                self.client,
                request,
                task_queue=self._task_queue,
                join_running=False,
                rpc_timeout=self._rpc_timeout,
                extra_memo={REQUEST_DIGEST_MEMO: digest},
            )
            return True
        except WorkflowAlreadyStartedError:
            described = await self.handle(request.review_id).describe(rpc_timeout=self._rpc_timeout)
            if await described.memo_value(REQUEST_DIGEST_MEMO, default=None) != digest:
                raise ApiError(
                    409, "idempotency_conflict", "this key already created a different review"
                ) from None
            return False
        except RPCError as err:
            raise from_rpc_error(err, request.review_id) from None

    async def state(self, review_id: str) -> ReviewState:
        """The review's state (query)."""
        try:
            return await self.handle(review_id).query(
                ReviewWorkflow.state, rpc_timeout=self._rpc_timeout
            )
        except RPCError as err:
            raise from_rpc_error(err, review_id) from None

    async def visible_state(self, review_id: str, reviewer: Actor) -> ReviewState:
        """The state, if the review is routed to ``reviewer`` at its current tier (else 403)."""
        state = await self.state(review_id)
        tier = Tier(index=state.tier, queue=state.queue, users=state.users, groups=state.groups)
        if not is_candidate(reviewer, tier) and state.claimed_by != reviewer.id:
            raise forbidden(f"review {review_id} is not routed to {reviewer.id}")
        return state

    async def events(self, review_id: str, after_seq: int) -> list[ReviewEvent]:
        """Recent events after ``after_seq``."""
        try:
            return await self.handle(review_id).query(
                ReviewWorkflow.events,
                EventsQuery(after_seq=after_seq),
                rpc_timeout=self._rpc_timeout,
            )
        except RPCError as err:
            raise from_rpc_error(err, review_id) from None

    async def act(
        self, review_id: str, update: Any, params: Any, update_id: str | None
    ) -> ActionResult:
        """Send an action (a workflow update) and return its result."""
        handle = self.handle(review_id)
        try:
            result: ActionResult = await handle.execute_update(
                update, params, id=update_id, rpc_timeout=self._rpc_timeout
            )
            return result
        except WorkflowUpdateFailedError as err:
            raise from_update_failure(err) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise unavailable("no review worker answered in time") from None
        except RPCError as err:
            error = from_rpc_error(err, review_id)
            if error.status == 404 and await self._exists(review_id):
                # The review has closed. A retry of an action that already acted gets its
                # first answer (the review remembers results by update id); anything
                # else arrived too late and was not applied.
                earlier = await self._earlier_result(review_id, update_id)
                if earlier is not None:
                    return earlier
                raise ApiError(409, "review_ended", "the review already ended") from None
            raise error from None

    async def outcome(self, review_id: str, wait: float) -> OutcomeResponse:
        """The outcome, waiting up to ``wait`` seconds for a live review to end.

        Waits on the workflow's result and, once a second, on its state: a review that has
        decided but is still delivering webhooks (a receiver down) answers at once.
        """
        handle = self.handle(review_id)
        try:
            described = await handle.describe(rpc_timeout=self._rpc_timeout)
        except RPCError as err:
            raise from_rpc_error(err, review_id) from None
        if described.status is WorkflowExecutionStatus.RUNNING and wait > 0:
            finished = asyncio.ensure_future(handle.result())
            loop = asyncio.get_running_loop()
            deadline = loop.time() + wait
            try:
                while (remaining := deadline - loop.time()) > 0:
                    done, _ = await asyncio.wait({finished}, timeout=min(1.0, remaining))
                    if done:
                        break
                    state = await self.state(review_id)
                    if state.outcome is not None:
                        return self._answer(review_id, state)
            finally:
                finished.cancel()
                if finished.done() and not finished.cancelled():
                    finished.exception()  # retrieved: a cancelled review's result raises
        return self._answer(review_id, await self.state(review_id))

    @staticmethod
    def _answer(review_id: str, state: ReviewState) -> OutcomeResponse:
        return OutcomeResponse(
            review_id=review_id,
            done=state.outcome is not None,
            status=state.status,
            outcome=state.outcome,
        )

    async def _earlier_result(self, review_id: str, update_id: str | None) -> ActionResult | None:
        if update_id is None:
            return None
        try:
            result: ActionResult | None = await self.handle(review_id).query(
                ReviewWorkflow.action_result,
                ActionQuery(update_id=update_id),
                rpc_timeout=self._rpc_timeout,
            )
        except RPCError:
            return None
        return result

    async def _exists(self, review_id: str) -> bool:
        try:
            await self.handle(review_id).describe(rpc_timeout=self._rpc_timeout)
            return True
        except RPCError:
            return False
