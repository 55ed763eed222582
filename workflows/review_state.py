"""The review's state machine: every transition of DESIGN section 3, with its bookkeeping.

Runs inside the workflow (it reads ``workflow.now()`` and writes search attributes and
current details) but holds no handlers: ``review_workflow.py`` wires updates to it after
``checks.py`` has accepted them. Each transition appends to the audit trail, upserts the
search attributes, refreshes the Markdown details and emits an event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.activities.events import ReviewEvent
    from temporal_review.workflows.deadlines import Due, due, upcoming_deadline
    from temporal_review.workflows.messages import (
        CarriedState,
        OutboxItem,
        RequestChangesInput,
        RespondInput,
    )
    from temporal_review.workflows.metrics import record
    from temporal_review.workflows.records import (
        change_request_for,
        changes_event_data,
        ended_event_data,
        initial_state,
        outcome_of,
    )
    from temporal_review.workflows.request import EventType, ReviewRequest
    from temporal_review.workflows.routing import tier_count, tier_deadline, tier_routing
    from temporal_review.workflows.state import (
        SYSTEM,
        Actor,
        AuditEntry,
        ChangeRequest,
        ReviewOutcome,
        ReviewStatus,
    )
    from temporal_review.workflows.update_ids import UpdateMemory
    from temporal_review.workflows.validation import validate_response
    from temporal_review.workflows.visibility import publish


RECENT_EVENTS = 200
"""Events kept for the ``events`` query (live streams read them)."""


class ReviewStateMachine:
    """The live state of one review and the transitions between its statuses."""

    def __init__(self, request: ReviewRequest, review_id: str, carried: CarriedState | None):
        self.request = request
        self.woken = False  # set by every transition: the main loop re-aims its timer
        self.on_event: Callable[[ReviewEvent, EventType], None] = lambda e, t: None
        self.updates = UpdateMemory(carried.update_results if carried else None)
        self.recent_events: list[ReviewEvent] = list(carried.recent_events) if carried else []
        if carried is not None:
            self.state = carried.state
            self._tier_started_at = carried.tier_started_at
            self._event_seq = carried.event_seq
            return
        # The start request's time, not the first task's: inbox age and deadlines count
        # from when the agent asked, whatever the worker's backlog.
        now = workflow.info().workflow_start_time
        self.state = initial_state(request, review_id, now)
        self._tier_started_at = now
        self._event_seq = 0

    # --- transitions -------------------------------------------------------------------

    def created(self) -> None:
        """The review exists."""
        self._transition(EventType.CREATED, SYSTEM, "created", f"routed to tier 0 ({self._who()})")

    def claim(self, reviewer: Actor) -> None:
        """``reviewer`` holds the review; a holder claiming again renews the lease."""
        s = self.state
        lease = self.request.claim_lease
        s.lease_expires_at = workflow.now() + lease if lease is not None else None
        if s.status is ReviewStatus.CLAIMED and s.claimed_by == reviewer.id:
            self.note(reviewer, "claim renewed", "")
            return
        taken_from = s.claimed_by
        s.status, s.claimed_by = ReviewStatus.CLAIMED, reviewer.id
        detail = f"lease of {taken_from} had expired" if taken_from else ""
        self._transition(EventType.CLAIMED, reviewer, "claimed", detail)

    def release(self, actor: Actor, why: str) -> None:
        """Back to pending, unclaimed."""
        s = self.state
        detail = f"{s.claimed_by} released"
        s.status, s.claimed_by, s.lease_expires_at = ReviewStatus.PENDING, None, None
        self._transition(EventType.RELEASED, actor, why, detail)

    def respond(self, params: RespondInput, now: datetime) -> None:
        """The reviewer's validated answer completes the review."""
        s = self.state
        response = validate_response(
            self.request.response, params.response, has_edits=bool(params.edits)
        )
        edited = {n for n, v in params.edits.items() if v != self._value_of(n)}
        s.fields = [
            f.model_copy(update={"value": params.edits[f.name]}) if f.name in params.edits else f
            for f in s.fields
        ]
        self._end(
            ReviewStatus.COMPLETED,
            EventType.COMPLETED,
            params.reviewer,
            "responded",
            response=response,
            edited=edited,
            comment=params.comment,
            responded_at=now,
        )

    def request_changes(self, params: RequestChangesInput) -> ChangeRequest:
        """The agent must redo fields; returns what is asked of it."""
        s = self.state
        s.rounds += 1
        for change in params.changes:
            if change.instruction and change.instruction.strip():
                history = s.all_text_instructions.setdefault(change.field, [])
                history.append(change.instruction.strip())
        asked = change_request_for(s, params.reviewer.id, params.changes, params.comment)
        s.pending_changes = asked
        s.status, s.claimed_by, s.lease_expires_at = ReviewStatus.CHANGES_REQUESTED, None, None
        names = ", ".join(c.field for c in params.changes)
        data = changes_event_data(asked)
        self._transition(
            EventType.CHANGES_REQUESTED, params.reviewer, "changes requested", names, data
        )
        return asked

    def new_content(self, actor: Actor, values: dict[str, Any]) -> None:
        """The agent's new content: next revision, pending again, the tier's clock restarts."""
        s = self.state
        requested_by = s.pending_changes.reviewer if s.pending_changes else None
        s.previous_fields = list(s.fields)
        s.fields = [
            f.model_copy(update={"value": values[f.name]}) if f.name in values else f
            for f in s.fields
        ]
        s.revision += 1
        s.status, s.pending_changes = ReviewStatus.PENDING, None
        self._tier_started_at = workflow.now()
        s.tier_deadline = tier_deadline(self.request, s.tier, self._tier_started_at)
        data = {"fields": sorted(values), "requested_by": requested_by}
        self._transition(
            EventType.UPDATED, actor, "content updated", ", ".join(sorted(values)), data
        )

    def escalate(self, actor: Actor, reason: str) -> None:
        """Route to the next tier, or end ``escalated`` past the last one."""
        s = self.state
        if s.tier + 1 >= tier_count(self.request):
            self._end(
                ReviewStatus.ESCALATED, EventType.ESCALATED, actor, "escalated", comment=reason
            )
            return
        s.tier += 1
        tier = tier_routing(self.request, s.tier)
        s.queue, s.users, s.groups = tier.queue, tier.users, tier.groups
        if s.status is ReviewStatus.CLAIMED:
            s.status = ReviewStatus.PENDING
        s.claimed_by, s.lease_expires_at = None, None
        self._tier_started_at = workflow.now()
        s.tier_deadline = tier_deadline(self.request, s.tier, self._tier_started_at)
        data = {"tier": s.tier, "users": s.users, "groups": s.groups, "reason": reason}
        self._transition(
            EventType.ESCALATED,
            actor,
            "escalated",
            f"to tier {s.tier} ({self._who()}): {reason}",
            data,
        )

    def cancel(self, actor: Actor, reason: str) -> None:
        """End ``cancelled``."""
        self._end(ReviewStatus.CANCELLED, EventType.CANCELLED, actor, "cancelled", comment=reason)

    def deadline_reached(self) -> None:
        """The timer fired: apply the deadline that has passed."""
        passed = due(self.state, workflow.now(), self.request.remind_before)
        if passed is Due.FINAL:
            default = self.request.default_response
            if default is None:
                self._end(ReviewStatus.ESCALATED, EventType.ESCALATED, SYSTEM, "deadline passed")
            else:
                self._end(
                    ReviewStatus.TIMED_OUT,
                    EventType.TIMED_OUT,
                    SYSTEM,
                    "timed out",
                    response=default,
                    default_applied=True,
                )
        elif passed is Due.TIER:
            self.escalate(SYSTEM, "tier deadline passed")
        elif passed is Due.LEASE:
            self.release(SYSTEM, "lease expired")
        elif passed is Due.REMINDER:
            self.remind()

    def remind(self) -> None:
        """Remind the current candidates that a deadline is near (once per deadline)."""
        s = self.state
        s.reminded_for = upcoming_deadline(s)
        assert s.reminded_for is not None
        kind = "final" if s.reminded_for == s.deadline else "escalation"
        data = {"deadline": s.reminded_for.isoformat(), "kind": kind, "tier": s.tier}
        detail = f"{kind} deadline at {s.reminded_for.isoformat()}"
        self._transition(EventType.REMINDER, SYSTEM, "reminded", detail, data)

    def note(self, actor: Actor, action: str, detail: str) -> None:
        """An audit entry that is not a transition (no event)."""
        self.state.audit.append(self._audit(actor, action, detail))

    # --- outcome, continue-as-new, bookkeeping -------------------------------------------

    def final_outcome(self) -> ReviewOutcome:
        """The outcome with the full audit trail (including late delivery failures)."""
        assert self.state.outcome is not None
        return self.state.outcome.model_copy(update={"audit": list(self.state.audit)})

    def carry(self, outbox: list[OutboxItem]) -> CarriedState:
        """Everything the next run needs."""
        return CarriedState(
            state=self.state,
            tier_started_at=self._tier_started_at,
            event_seq=self._event_seq,
            update_results=self.updates.results,
            outbox=outbox,
            recent_events=self.recent_events,
        )

    def refresh(self) -> None:
        """Write search attributes and current details from the state."""
        publish(self.state, self.request.review_url)

    def _end(
        self,
        status: ReviewStatus,
        event_type: EventType,
        actor: Actor,
        action: str,
        *,
        response: Any = None,
        default_applied: bool = False,
        edited: set[str] | None = None,
        comment: str | None = None,
        responded_at: datetime | None = None,
    ) -> None:
        s = self.state
        s.status, s.claimed_by, s.lease_expires_at, s.tier_deadline = status, None, None, None
        s.outcome = outcome_of(
            s,
            status,
            responded_by=actor.id if status is ReviewStatus.COMPLETED else None,
            response=response,
            default_applied=default_applied,
            edited=edited,
            comment=comment,
            responded_at=responded_at,
        )
        data = ended_event_data(s.outcome)
        self._transition(event_type, actor, action, comment or "", data)

    def _transition(
        self,
        event_type: EventType,
        actor: Actor,
        action: str,
        detail: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        s = self.state
        entry = self._audit(actor, action, detail)
        s.audit.append(entry)
        self._event_seq += 1
        event = ReviewEvent(
            id=f"{s.review_id}:{self._event_seq}",
            type=event_type.value,
            review_id=s.review_id,
            seq=self._event_seq,
            revision=s.revision,
            status=s.status.value,
            actor=actor.id,
            at=entry.at,
            meta=self.request.meta,
            data=data or {},
        )
        self.recent_events.append(event)
        del self.recent_events[:-RECENT_EVENTS]
        record(event_type, s, actor.id == SYSTEM.id, entry.at)
        self.refresh()
        self.woken = True
        self.on_event(event, event_type)

    def _audit(self, actor: Actor, action: str, detail: str) -> AuditEntry:
        s = self.state
        return AuditEntry(
            at=workflow.now(), actor=actor.id, action=action, revision=s.revision, detail=detail
        )

    def _value_of(self, name: str) -> Any:
        return next((f.value for f in self.state.fields if f.name == name), None)

    def _who(self) -> str:
        s = self.state
        return ", ".join([*s.users, *(f"@{g}" for g in s.groups)]) or "operators"
