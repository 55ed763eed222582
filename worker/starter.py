"""Client side: start a review and get a handle to one, from any Python process.

Here, not in ``workflows/``: it generates ids with ``uuid4`` and talks to the client, which
workflow modules (imported into the sandbox) must not.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from temporal_review.workflows.details import list_memo, static_details, static_summary
from temporal_review.workflows.messages import ReviewInput
from temporal_review.workflows.names import TASK_QUEUE, workflow_id_for
from temporal_review.workflows.request import ReviewRequest
from temporal_review.workflows.review_workflow import ReviewWorkflow
from temporal_review.workflows.state import ReviewOutcome

ReviewHandle = WorkflowHandle[Any, ReviewOutcome]


async def start_review(
    client: Client,
    request: ReviewRequest,
    *,
    task_queue: str = TASK_QUEUE,
    join_running: bool = True,
    extra_memo: Mapping[str, str] | None = None,
    rpc_timeout: timedelta | None = None,
) -> ReviewHandle:
    """Start a review.

    Args:
        client: A client with ``ReviewPlugin``.
        request: The review; a ``review_id`` is generated when absent.
        task_queue: Task queue of the review workers.
        join_running: Starting an id that is already running returns that review; when
            False it raises ``WorkflowAlreadyStartedError`` instead. Reusing the id of a
            review that ended always raises it: a review id names one review.
        extra_memo: More memo entries (returned with visibility listings).
        rpc_timeout: Bound on the start call (default: the client's retry budget).
    """
    review_id = request.review_id or str(uuid.uuid4())
    request = request.model_copy(update={"review_id": review_id})
    return await client.start_workflow(
        ReviewWorkflow.run,
        ReviewInput(request=request),
        id=workflow_id_for(review_id),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
        if join_running
        else WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        static_summary=static_summary(request),
        static_details=static_details(request),
        memo={**list_memo(request), **(extra_memo or {})},
        rpc_timeout=rpc_timeout,
    )


def review_handle(client: Client, review_id: str) -> ReviewHandle:
    """A handle to the review with this id (its latest run)."""
    return client.get_workflow_handle_for(ReviewWorkflow.run, workflow_id_for(review_id))
