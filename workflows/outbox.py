"""The review's outbox: side effects delivered off the decision path, in order per lane.

Transitions only append here; background tasks drain the queue, so a slow or dead
receiver never delays a state change. Each destination is a lane (``OutboxItem.lane``):
items of a lane go out one at a time, in the order queued, and a receiver that is down
holds up only its own lane. Each delivery is its own activity with Temporal retries; a
notice to the parent agent is a signal; notifications are planned by a local activity
(the worker's configuration says who hears of what), then sent one activity each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from temporal_review.activities.events import (
        DELIVER_WEBHOOK,
        PLAN_NOTIFICATIONS,
        SEND_NOTIFICATION,
        UNKNOWN_CHANNEL,
        UNKNOWN_SECRET,
        WEBHOOK_REJECTED,
        DeliveryResult,
        Notification,
        NotificationNotice,
        WebhookDelivery,
    )
    from temporal_review.workflows.messages import OutboxItem
    from temporal_review.workflows.names import changes_requested_signal, outcome_signal
    from temporal_review.workflows.state import ReviewOutcome

LANES_PATCH = "outbox-lanes-and-notifications"
"""Histories from before this patch drained one queue and planned no notifications."""

DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=[WEBHOOK_REJECTED, UNKNOWN_SECRET, UNKNOWN_CHANNEL],
)
DELIVERY_DEADLINE = timedelta(days=1)
"""How long one event keeps being retried before it is recorded as failed."""

FailureNote = Callable[[str, str], None]
"""Records a failed side effect in the audit trail: (action, detail)."""


def lanes_enabled() -> bool:
    """Whether this run uses lanes and notifications (False replaying older histories)."""
    return workflow.patched(LANES_PATCH)


class Outbox:
    """Queued side effects of one review, delivered by ``drain``."""

    def __init__(self, review_id: str, items: list[OutboxItem], note_failure: FailureNote):
        self.items = items
        self._review_id = review_id
        self._note_failure = note_failure
        self._closing = False  # deliver everything queued, then stop
        self._handing_over = False  # stop after the items in flight (continue-as-new)
        self._busy: set[str] = set()  # lanes with a delivery in flight

    def add(self, item: OutboxItem) -> None:
        """Queue a side effect behind the others of its lane."""
        self.items.append(item)

    def close(self) -> None:
        """Let ``drain`` finish once the queue is empty."""
        self._closing = True

    def hand_over(self) -> None:
        """Let ``drain`` stop after the items in flight; the rest travels with continue-as-new."""
        self._handing_over = True

    async def drain(self) -> None:
        """Deliver queued items until closed (and empty) or handed over."""
        single_lane = not lanes_enabled()
        lanes: set[asyncio.Task[None]] = set()
        while True:
            await workflow.wait_condition(
                lambda: (
                    self._next_idle_lane(single_lane) is not None
                    or self._handing_over
                    or (self._closing and not self.items and not self._busy)
                )
            )
            if self._handing_over or (self._closing and not self.items and not self._busy):
                await asyncio.gather(*lanes)
                return
            lane = self._next_idle_lane(single_lane)
            assert lane is not None
            self._busy.add(lane)
            task = asyncio.create_task(self._drain_lane(lane, single_lane))
            lanes.add(task)
            task.add_done_callback(lanes.discard)

    async def tell_parent(self, outcome: ReviewOutcome) -> None:
        """Signal the outcome to the parent agent now, ahead of the queue, so a webhook
        receiver that is down cannot hold the agent up."""
        await self._signal_parent(outcome_signal(self._review_id), outcome, "told the outcome")

    def _lane_of(self, item: OutboxItem, single_lane: bool) -> str:
        return "all" if single_lane else item.lane()

    def _next_idle_lane(self, single_lane: bool) -> str | None:
        for item in self.items:
            lane = self._lane_of(item, single_lane)
            if lane not in self._busy:
                return lane
        return None

    async def _drain_lane(self, lane: str, single_lane: bool) -> None:
        try:
            while not self._handing_over:
                item = next((i for i in self.items if self._lane_of(i, single_lane) == lane), None)
                if item is None:
                    return
                await self._perform(item)
                self.items.remove(item)
        finally:
            self._busy.discard(lane)

    async def _perform(self, item: OutboxItem) -> None:
        if item.webhook is not None:
            await self._deliver(item.webhook)
        elif item.notice is not None:
            await self._plan(item.notice)
        elif item.notification is not None:
            await self._notify(item.notification)
        elif item.parent_notice is not None:
            signal = changes_requested_signal(self._review_id)
            await self._signal_parent(signal, item.parent_notice, "notified")

    async def _signal_parent(self, signal: str, arg: object, what: str) -> None:
        """Signal the parent agent, if any; a failure is audited as ``parent not <what>``."""
        parent = workflow.info().parent
        if parent is None:
            return
        handle = workflow.get_external_workflow_handle(parent.workflow_id)
        try:
            await handle.signal(signal, arg)
        except FailureError as err:
            self._note_failure(f"parent not {what}", str(err))

    async def _send(
        self, activity: str, arg: object, attempt_limit: timedelta, summary: str
    ) -> str | None:
        """Run one delivery activity with the delivery retries; the failure reason, if any."""
        try:
            await workflow.execute_activity(
                activity,
                arg,
                result_type=DeliveryResult,
                start_to_close_timeout=attempt_limit,
                schedule_to_close_timeout=DELIVERY_DEADLINE,
                retry_policy=DELIVERY_RETRY,
                summary=summary,
            )
        except ActivityError as err:
            return str(err.cause) if err.cause is not None else str(err)
        return None

    async def _deliver(self, delivery: WebhookDelivery) -> None:
        host = delivery.url.split("/")[2] if delivery.url.count("/") >= 2 else delivery.url
        summary = f"{delivery.event.type} to {host}"
        failed = await self._send(DELIVER_WEBHOOK, delivery, timedelta(seconds=30), summary)
        if failed is not None:
            self._note_failure("webhook failed", f"{delivery.event.id} to {host}: {failed}")

    async def _plan(self, notice: NotificationNotice) -> None:
        """Queue one item per planned message, each in its destination's lane."""
        try:
            planned = await workflow.execute_local_activity(
                PLAN_NOTIFICATIONS,
                notice,
                result_type=list[Notification],
                start_to_close_timeout=timedelta(seconds=10),
                summary=f"who hears of {notice.event.type}",
            )
        except ActivityError as err:
            reason = str(err.cause) if err.cause is not None else str(err)
            self._note_failure("notifications not planned", f"{notice.event.id}: {reason}")
            return
        for note in planned:
            self.add(OutboxItem(notification=note))

    async def _notify(self, note: Notification) -> None:
        where = f"{note.channel} {note.destination}"
        summary = f"{note.notice.event.type} via {where}"
        failed = await self._send(SEND_NOTIFICATION, note, timedelta(seconds=60), summary)
        if failed is not None:
            event_id = note.notice.event.id
            self._note_failure("notification failed", f"{event_id} via {where}: {failed}")
