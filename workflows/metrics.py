"""Review metrics, emitted from the workflow through Temporal's metric meter.

The worker's runtime exports them with the SDK's own metrics (Prometheus when the worker
sets ``metrics_bind_address``). The SDK drops metrics while replaying, so each
transition is counted once however often its history is replayed.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.workflows.request import EventType
    from temporal_review.workflows.state import ReviewState

CREATED = "temporal_review_reviews_created"
DECIDED = "temporal_review_reviews_decided"
TIME_TO_DECISION = "temporal_review_time_to_decision"
ESCALATIONS = "temporal_review_escalations"
SLA_BREACHES = "temporal_review_sla_breaches"

TIME_TO_DECISION_BUCKETS = (1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600)
"""Seconds: a minute, an hour, a working day and a long weekend are all told apart."""

_ENDINGS = {EventType.COMPLETED, EventType.TIMED_OUT, EventType.CANCELLED}


def record(event_type: EventType, state: ReviewState, automatic: bool, now: datetime) -> None:
    """Count one transition. ``automatic``: a deadline caused it, not a person."""
    meter = workflow.metric_meter().with_additional_attributes(
        {"queue": state.queue, "priority": state.priority.value}
    )
    if event_type is EventType.CREATED:
        meter.create_counter(CREATED, "Reviews created").add(1)
        return
    ended = event_type in _ENDINGS or (
        event_type is EventType.ESCALATED and state.status.is_terminal
    )
    if event_type is EventType.ESCALATED:
        meter.create_counter(ESCALATIONS, "Escalations (re-routed or ended)").add(1)
    if automatic and event_type in (EventType.ESCALATED, EventType.TIMED_OUT):
        breaches = meter.create_counter(SLA_BREACHES, "Deadlines passed without a decision")
        kind = "final" if state.status.is_terminal else "tier"
        breaches.with_additional_attributes({"deadline": kind}).add(1)
    if ended:
        decided = meter.create_counter(DECIDED, "Reviews ended, by status")
        decided.with_additional_attributes({"status": state.status.value}).add(1)
        waited = max(0.0, (now - state.created_at).total_seconds())
        meter.create_histogram_float(
            TIME_TO_DECISION, "From request to outcome", unit="s"
        ).with_additional_attributes({"status": state.status.value}).record(waited)
