"""The review workflow: one durable workflow per review, from pending to an outcome.

Reviewer and agent actions are Updates whose validators (``checks.py``) reject bad input
without writing history. One timer aims at the earliest of the final deadline, the tier
deadline and the claim lease. Side effects (webhooks, notices to the parent agent) queue
in an outbox drained in order by a background task, so a slow receiver never delays a
decision.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    # Activity modules and pydantic models: imported once outside the sandbox so replay
    # does not re-import them per workflow and model classes keep one identity.
    from temporal_review.activities.events import ReviewEvent, WebhookDelivery
    from temporal_review.activities.formats import WebhookFormat, carries
    from temporal_review.workflows import checks
    from temporal_review.workflows.deadlines import next_deadline, timer_summary
    from temporal_review.workflows.messages import (
        ActionQuery,
        ActionResult,
        CancelInput,
        CarriedState,
        ClaimInput,
        ContentSubmission,
        EscalateInput,
        EventsQuery,
        OutboxItem,
        ReleaseInput,
        RequestChangesInput,
        RespondInput,
        ReviewInput,
        UpdateContentInput,
    )
    from temporal_review.workflows.names import SUBMIT_CONTENT_SIGNAL, review_id_from
    from temporal_review.workflows.notices import PEOPLE_HEAR_OF, notice_for
    from temporal_review.workflows.outbox import Outbox, lanes_enabled
    from temporal_review.workflows.request import EventType
    from temporal_review.workflows.review_state import ReviewStateMachine
    from temporal_review.workflows.state import (
        SYSTEM,
        Actor,
        ReviewOutcome,
        ReviewState,
    )


@workflow.defn(name="ReviewWorkflow")
class ReviewWorkflow:
    """One review's lifecycle. Start it with a ``ReviewInput``; it returns a ``ReviewOutcome``."""

    @workflow.init
    def __init__(self, input: ReviewInput) -> None:
        review_id = review_id_from(workflow.info().workflow_id)
        self._machine = ReviewStateMachine(input.request, review_id, input.carried)
        queued = list(input.carried.outbox) if input.carried else []
        self._outbox = Outbox(review_id, queued, self._note_failure)
        self._machine.on_event = self._on_event
        # Here, not in run(): updates delivered with the first task run before run() starts.
        if input.carried is None:
            self._machine.created()
        else:
            self._machine.refresh()

    @property
    def _state(self) -> ReviewState:
        return self._machine.state

    @workflow.run
    async def run(self, input: ReviewInput) -> ReviewOutcome:
        """Wait for a decision, a deadline or cancellation; then deliver what is queued."""
        drainer = asyncio.create_task(self._outbox.drain())
        try:
            hand_over = await self._wait_for_end()
        except asyncio.CancelledError:
            self._machine.cancel(SYSTEM, "the workflow was cancelled")
            await self._close(drainer)
            raise
        if hand_over:
            self._outbox.hand_over()
            await drainer
            await workflow.wait_condition(workflow.all_handlers_finished)
            workflow.continue_as_new(ReviewInput(request=input.request, carried=self._carry()))
        if self._machine.request.signal_outcome:
            # No workflow.patched needed: only requests carrying signal_outcome (new in
            # this version, absent from every earlier history) take this path.
            await self._outbox.tell_parent(self._machine.final_outcome())
        await self._close(drainer)
        return self._machine.final_outcome()

    async def _wait_for_end(self) -> bool:
        """Run timers until the review ends; True when continue-as-new is due first."""
        while not self._state.status.is_terminal:
            if workflow.info().is_continue_as_new_suggested():
                return True
            self._machine.woken = False
            remind_before = self._machine.request.remind_before
            deadline = next_deadline(self._state, remind_before)
            if deadline is not None and deadline <= workflow.now():
                self._machine.deadline_reached()
                continue
            try:
                await workflow.wait_condition(
                    lambda: (
                        self._machine.woken
                        or self._state.status.is_terminal
                        or workflow.info().is_continue_as_new_suggested()
                    ),
                    timeout=_until(deadline),
                    timeout_summary=timer_summary(self._state, remind_before),
                )
            except TimeoutError:
                self._machine.deadline_reached()
        return False

    async def _close(self, drainer: asyncio.Task[None]) -> None:
        """Deliver everything queued and let running handlers finish, whatever arrives."""
        self._outbox.close()
        while True:
            try:
                # Shielded: a cancellation arriving now must not cancel the deliveries.
                await asyncio.shield(drainer)
                await workflow.wait_condition(workflow.all_handlers_finished)
                return
            except asyncio.CancelledError:
                if drainer.done():
                    raise  # the worker is evicting the workflow: let it go
                continue  # the review already ended: finishing its deliveries wins

    def _carry(self) -> CarriedState:
        return self._machine.carry(list(self._outbox.items))

    # --- queries -----------------------------------------------------------------------

    @workflow.query(
        description="The review as it stands: status, revision, content, routing, deadlines, audit."
    )
    def state(self) -> ReviewState:
        """The review as it stands."""
        return self._state

    @workflow.query(description="Recent events after a sequence number, oldest first.")
    def events(self, params: EventsQuery) -> list[ReviewEvent]:
        """Events newer than ``params.after_seq`` (the last 200 are kept)."""
        return [e for e in self._machine.recent_events if e.seq > params.after_seq]

    @workflow.query(
        description="What an earlier action answered, by update id (also once the review closed)."
    )
    def action_result(self, params: ActionQuery) -> ActionResult | None:
        """The remembered result of update ``params.update_id``, if it acted."""
        return self._machine.updates.results.get(params.update_id)

    # --- reviewer and agent actions ----------------------------------------------------

    @workflow.update(
        description="Take the review (reviewer at the current tier); renews a claim you hold."
    )
    def claim(self, params: ClaimInput) -> ActionResult:
        """Take the review (or renew a claim you hold)."""
        return self._once(lambda: self._machine.claim(params.reviewer))

    @claim.validator
    def _check_claim(self, params: ClaimInput) -> None:
        if self._fresh_update():
            checks.claim(self._state, params, workflow.now())

    @workflow.update(description="Give a claimed review back to its queue.")
    def release(self, params: ReleaseInput) -> ActionResult:
        """Give the review back to its queue."""
        return self._once(lambda: self._machine.release(params.reviewer, "released"))

    @release.validator
    def _check_release(self, params: ReleaseInput) -> None:
        if self._fresh_update():
            checks.release(self._state, params)

    @workflow.update(description="Answer the review at a revision; it completes.")
    def respond(self, params: RespondInput) -> ActionResult:
        """Answer the review; it completes."""
        return self._once(lambda: self._machine.respond(params, workflow.now()))

    @respond.validator
    def _check_respond(self, params: RespondInput) -> None:
        if self._fresh_update():
            checks.respond(self._machine.request, self._state, params, workflow.now())

    @workflow.update(description="Ask the agent to redo fields, with or without instructions.")
    def request_changes(self, params: RequestChangesInput) -> ActionResult:
        """Ask the agent to redo fields."""
        return self._once(lambda: self._request_changes(params))

    @request_changes.validator
    def _check_request_changes(self, params: RequestChangesInput) -> None:
        if self._fresh_update():
            checks.request_changes(self._machine.request, self._state, params, workflow.now())

    @workflow.update(description="The agent's new content; the review moves to the next revision.")
    def update_content(self, params: UpdateContentInput) -> ActionResult:
        """New content from the agent; the review moves to the next revision."""
        return self._once(lambda: self._machine.new_content(params.actor, params.fields))

    @update_content.validator
    def _check_update_content(self, params: UpdateContentInput) -> None:
        if self._fresh_update():
            checks.update_content(self._state, params)

    @workflow.update(
        description="Move to the next escalation tier now (or end escalated past the last)."
    )
    def escalate(self, params: EscalateInput) -> ActionResult:
        """Move to the next tier now."""
        return self._once(lambda: self._machine.escalate(params.actor, params.reason))

    @escalate.validator
    def _check_escalate(self, params: EscalateInput) -> None:
        if self._fresh_update():
            checks.escalate(self._state, params.actor, params.revision)

    @workflow.update(description="End the review cancelled.")
    def cancel(self, params: CancelInput) -> ActionResult:
        """End the review ``cancelled``."""
        return self._once(lambda: self._machine.cancel(params.actor, params.reason or ""))

    @cancel.validator
    def _check_cancel(self, params: CancelInput) -> None:
        if self._fresh_update():
            checks.live(self._state)

    @workflow.signal(
        name=SUBMIT_CONTENT_SIGNAL,
        description="New content from a parent agent, deduplicated by revision.",
    )
    def submit_content(self, submission: ContentSubmission) -> None:
        """New content from a parent agent workflow (which cannot send updates).

        Signals cannot be refused, so a repeat or stale submission is ignored: the
        revision number deduplicates it.
        """
        params = UpdateContentInput(
            actor=Actor(id=submission.actor_id),
            revision=submission.revision,
            fields=submission.fields,
        )
        try:
            checks.update_content(self._state, params)
        except ApplicationError as err:
            workflow.logger.info("Ignoring content for revision %s: %s", params.revision, err)
            return
        self._machine.new_content(params.actor, params.fields)

    def _request_changes(self, params: RequestChangesInput) -> None:
        change_request = self._machine.request_changes(params)
        if self._machine.request.notify_parent and workflow.info().parent is not None:
            self._outbox.add(OutboxItem(parent_notice=change_request))

    def _fresh_update(self) -> bool:
        """False for a retry of an update id that already acted: its validator must accept
        it (the handler answers with the first result) even if the review moved on."""
        return self._machine.updates.result_of_current() is None

    def _once(self, apply: Callable[[], object]) -> ActionResult:
        """Apply an action unless this update id already did (ids survive continue-as-new)."""
        previous = self._machine.updates.result_of_current()
        if previous is not None:
            return previous
        apply()
        result = ActionResult.of(self._state)
        self._machine.updates.remember_current(result)
        return result

    # --- side effects ------------------------------------------------------------------

    def _on_event(self, event: ReviewEvent, event_type: EventType) -> None:
        if event_type in PEOPLE_HEAR_OF and lanes_enabled():
            notice = notice_for(event, self._state, self._machine.request)
            self._outbox.add(OutboxItem(notice=notice))
        for callback in self._machine.request.callbacks:
            fmt = WebhookFormat(callback.format)
            if callback.wants(event_type) and carries(fmt, event_type.value):
                delivery = WebhookDelivery(
                    url=callback.url, secret_ref=callback.secret_ref, event=event, format=fmt
                )
                self._outbox.add(OutboxItem(webhook=delivery))

    def _note_failure(self, action: str, detail: str) -> None:
        self._machine.note(SYSTEM, action, detail)


def _until(deadline: datetime | None) -> timedelta | None:
    return None if deadline is None else deadline - workflow.now()
