"""Agent workflows used by tests (importable by the workflow sandbox)."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.workflows import Callback, ReviewOutcome, ReviewRequest, request_review


class CallbackAgentInput(BaseModel):
    review_id: str
    callback_url: str
    task_queue: str


@workflow.defn
class CallbackAgent:
    """Awaits one review that delivers its events to ``callback_url``."""

    @workflow.run
    async def run(self, params: CallbackAgentInput) -> ReviewOutcome:
        request = ReviewRequest(
            title="with a webhook",
            review_id=params.review_id,
            groups=["editors"],
            callbacks=[Callback(url=params.callback_url)],
        )
        return await request_review(request, task_queue=params.task_queue)
