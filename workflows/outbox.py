"""The review's outbox: side effects delivered one at a time, in order, off the decision path.

Transitions only append here; a background task drains the queue, so a slow or dead
webhook receiver never delays a state change. Each webhook delivery is its own activity
with Temporal retries; a notice to the parent agent is a signal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from temporal_review.activities.events import (
        DELIVER_WEBHOOK,
        UNKNOWN_SECRET,
        WEBHOOK_REJECTED,
        DeliveryResult,
        WebhookDelivery,
    )
    from temporal_review.workflows.messages import OutboxItem
    from temporal_review.workflows.names import changes_requested_signal, outcome_signal
    from temporal_review.workflows.state import ReviewOutcome

DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=[WEBHOOK_REJECTED, UNKNOWN_SECRET],
)
DELIVERY_DEADLINE = timedelta(days=1)
"""How long one event keeps being retried before it is recorded as failed."""

FailureNote = Callable[[str, str], None]
"""Records a failed side effect in the audit trail: (action, detail)."""


class Outbox:
    """Queued side effects of one review, delivered in order by ``drain``."""

    def __init__(self, review_id: str, items: list[OutboxItem], note_failure: FailureNote):
        self.items = items
        self._review_id = review_id
        self._note_failure = note_failure
        self._closing = False  # deliver everything queued, then stop
        self._handing_over = False  # stop after the item in flight (continue-as-new)

    def add(self, item: OutboxItem) -> None:
        """Queue a side effect behind the others."""
        self.items.append(item)

    def close(self) -> None:
        """Let ``drain`` finish once the queue is empty."""
        self._closing = True

    def hand_over(self) -> None:
        """Let ``drain`` stop after the item in flight; the rest travels with continue-as-new."""
        self._handing_over = True

    async def drain(self) -> None:
        """Deliver queued items one by one until closed (and empty) or handed over."""
        while True:
            await workflow.wait_condition(
                lambda: bool(self.items) or self._closing or self._handing_over
            )
            if self._handing_over or not self.items:
                return
            await self._perform(self.items[0])
            self.items.pop(0)

    async def tell_parent(self, outcome: ReviewOutcome) -> None:
        """Signal the outcome to the parent agent now, ahead of the queue, so a webhook
        receiver that is down cannot hold the agent up."""
        parent = workflow.info().parent
        if parent is None:
            return
        handle = workflow.get_external_workflow_handle(parent.workflow_id)
        try:
            await handle.signal(outcome_signal(self._review_id), outcome)
        except FailureError as err:
            self._note_failure("parent not told the outcome", str(err))

    async def _perform(self, item: OutboxItem) -> None:
        if item.webhook is not None:
            await self._deliver(item.webhook)
        elif item.parent_notice is not None:
            parent = workflow.info().parent
            if parent is None:
                return
            handle = workflow.get_external_workflow_handle(parent.workflow_id)
            try:
                await handle.signal(changes_requested_signal(self._review_id), item.parent_notice)
            except FailureError as err:
                self._note_failure("parent not notified", str(err))

    async def _deliver(self, delivery: WebhookDelivery) -> None:
        host = delivery.url.split("/")[2] if delivery.url.count("/") >= 2 else delivery.url
        try:
            await workflow.execute_activity(
                DELIVER_WEBHOOK,
                delivery,
                result_type=DeliveryResult,
                start_to_close_timeout=timedelta(seconds=30),
                schedule_to_close_timeout=DELIVERY_DEADLINE,
                retry_policy=DELIVERY_RETRY,
                summary=f"{delivery.event.type} to {host}",
            )
        except ActivityError as err:
            reason = str(err.cause) if err.cause is not None else str(err)
            self._note_failure("webhook failed", f"{delivery.event.id} to {host}: {reason}")
