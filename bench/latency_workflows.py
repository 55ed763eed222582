"""Workflows the decision-latency benchmark races: a review-awaiting agent, and the raw floor."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.workflows import ReviewRequest, request_review


class AgentInput(BaseModel):
    review_id: str
    task_queue: str


@workflow.defn
class ReviewAwaitingAgent:
    """An agent that awaits one review and notes when it resumed."""

    @workflow.run
    async def run(self, params: AgentInput) -> datetime:
        request = ReviewRequest(title="bench", review_id=params.review_id, groups=["bench"])
        await request_review(request, task_queue=params.task_queue)
        return workflow.now()


@workflow.defn
class BareChild:
    """The floor: a workflow completed by one update."""

    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self._done)
        return "done"

    @workflow.query
    def ready(self) -> bool:
        """Answers once a worker runs the child (the probe before timing starts)."""
        return True

    @workflow.update
    def finish(self, answer: str) -> str:
        self._done = True
        return answer


@workflow.defn
class BareParent:
    """Awaits the bare child and notes when it resumed."""

    @workflow.run
    async def run(self, child_id: str) -> datetime:
        await workflow.execute_child_workflow(BareChild.run, id=child_id)
        return workflow.now()
