"""A runnable example agent: drafts an announcement, asks a person to review it, and
rewrites it following their instructions until they decide.

The drafting step is an activity (``activities/drafting.py``); that is where an LLM call
goes. Everything else is what a real agent workflow would write.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.activities.drafting import DraftInput, draft_text
    from temporal_review.workflows.agent import request_review
    from temporal_review.workflows.content import ContentField, FieldKind
    from temporal_review.workflows.names import TASK_QUEUE
    from temporal_review.workflows.request import AgentContext, ReviewRequest
    from temporal_review.workflows.response_spec import DecisionSpec
    from temporal_review.workflows.state import ChangeRequest, ReviewOutcome


class ExampleAgentInput(BaseModel):
    """What to write about, and where its review goes."""

    topic: str
    review_id: str | None = None
    queue: str = "default"
    groups: list[str] = Field(default_factory=list)  # none: the queue's members review
    review_task_queue: str = TASK_QUEUE
    review_url: str | None = None


class ExampleAgentResult(BaseModel):
    """The text the agent ends with, and whether the reviewer approved it."""

    published: bool
    text: str
    outcome: ReviewOutcome


@workflow.defn(name="ExampleAgentWorkflow")
class ExampleAgentWorkflow:
    """Draft, review, redraft on instructions, publish if approved."""

    @workflow.run
    async def run(self, input: ExampleAgentInput) -> ExampleAgentResult:
        """Run the agent to the reviewer's decision."""
        draft = await self._draft(DraftInput(topic=input.topic))
        request = ReviewRequest(
            title=f"Announcement: {input.topic}",
            review_id=input.review_id,
            queue=input.queue,
            groups=input.groups,
            review_url=input.review_url,
            fields=[
                ContentField(
                    name="draft",
                    kind=FieldKind.MARKDOWN,
                    value=draft,
                    editable=True,
                    retry=True,
                    instructions=True,
                ),
                ContentField(name="topic", value=input.topic),
            ],
            response=DecisionSpec(),
            context=AgentContext(
                confidence=0.72, reasoning="First draft from the topic alone.", flags=["demo"]
            ),
            meta={"agent": "example", "topic": input.topic},
        )

        async def revise(change: ChangeRequest) -> dict[str, str]:
            current = next(str(f.value) for f in change.fields if f.name == "draft")
            asked = next(c for c in change.changes if c.field == "draft")
            if asked.instruction:
                redo = DraftInput(
                    topic=input.topic, previous=current, instructions=[asked.instruction]
                )
            else:  # a plain rerun: draft again from scratch
                redo = DraftInput(topic=input.topic, attempt=change.revision + 1)
            return {"draft": await self._draft(redo)}

        outcome = await request_review(request, revise=revise, task_queue=input.review_task_queue)
        text = next(str(f.value) for f in outcome.fields if f.name == "draft")
        return ExampleAgentResult(published=outcome.approved, text=text, outcome=outcome)

    async def _draft(self, request: DraftInput) -> str:
        return await workflow.execute_activity(
            draft_text, request, start_to_close_timeout=timedelta(minutes=1)
        )
