"""Webhook body formats, so receivers written for other review services work unchanged.

- ``native``: the ``ReviewEvent`` as JSON, signed with ``X-Review-Signature`` (every event).
- ``gotohuman``: gotoHuman-style. A change request is ``{"type": "instructions",
  "responseValues": {field: {value, wasEdited, instruction, allTextInstructions}}}``; an
  ended review is ``{"type": "review_response", "responseValues": ..., "meta": ...}``.
- ``hitl``: HITL.sh-style. ``{"event": "request.completed" | "request.escalated" |
  "request.cancelled", "data": {"request_id", "status", "response", ...}}``, signed with the
  hex HMAC-SHA256 of the body in ``X-HITL-Signature``.

Events a format has no word for are not sent in that format. Pure functions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from enum import StrEnum
from typing import Any

from temporal_review.activities.events import ReviewEvent
from temporal_review.activities.signing import EVENT_ID_HEADER, signature_headers

HITL_SIGNATURE_HEADER = "X-HITL-Signature"

_HITL_EVENTS = {
    "review.completed": "request.completed",
    "review.timed_out": "request.completed",  # the default response was applied
    "review.escalated": "request.escalated",
    "review.cancelled": "request.cancelled",
}
_GOTOHUMAN_EVENTS = {"review.changes_requested", "review.completed", "review.timed_out"}


class WebhookFormat(StrEnum):
    """The body format a callback receives."""

    NATIVE = "native"
    GOTOHUMAN = "gotohuman"
    HITL = "hitl"


def carries(fmt: WebhookFormat, event_type: str) -> bool:
    """Whether ``fmt`` has a message for this event type."""
    if fmt is WebhookFormat.HITL:
        return event_type in _HITL_EVENTS
    if fmt is WebhookFormat.GOTOHUMAN:
        return event_type in _GOTOHUMAN_EVENTS
    return True


def render(
    fmt: WebhookFormat, event: ReviewEvent, secret: str | None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery of ``event`` in ``fmt``."""
    headers = {"Content-Type": "application/json", EVENT_ID_HEADER: event.id}
    if fmt is WebhookFormat.HITL:
        body = _json(_hitl(event))
        if secret is not None:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers[HITL_SIGNATURE_HEADER] = digest
        return body, headers
    body = _json(
        _gotohuman(event) if fmt is WebhookFormat.GOTOHUMAN else event.model_dump(mode="json")
    )
    if secret is not None:
        headers.update(signature_headers(secret, body))
    return body, headers


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _gotohuman(event: ReviewEvent) -> dict[str, Any]:
    base = {
        "reviewId": event.review_id,
        "eventId": event.id,
        "revision": event.revision,
        "timestamp": event.at.isoformat(),
        "meta": event.meta,
    }
    if event.type == "review.changes_requested":
        values = {
            change["field"]: {
                "value": _field_value(event, change["field"]),
                "wasEdited": False,
                "instruction": change.get("instruction"),
                "allTextInstructions": event.data.get("all_text_instructions", {}).get(
                    change["field"], []
                ),
            }
            for change in event.data.get("changes", [])
        }
        return {
            "type": "instructions",
            **base,
            "responseValues": values,
            "respondingUser": event.actor,
        }
    fields = event.data.get("fields", [])
    values = {f["name"]: {"value": f["value"], "wasEdited": f["was_edited"]} for f in fields}
    return {
        "type": "review_response",
        **base,
        "response": event.data.get("response"),
        "defaultApplied": event.data.get("default_applied", False),
        "responseValues": values,
        "respondingUser": event.actor,
    }


def _field_value(event: ReviewEvent, name: str) -> Any:
    fields = event.data.get("field_values", {})
    return fields.get(name)


def _hitl(event: ReviewEvent) -> dict[str, Any]:
    return {
        "event": _HITL_EVENTS[event.type],
        "id": event.id,
        "created_at": event.at.isoformat(),
        "data": {
            "request_id": event.review_id,
            "status": event.status,
            "response": event.data.get("response"),
            "default_applied": event.data.get("default_applied", False),
            "responded_by": event.actor,
            "reason": event.data.get("reason") or event.data.get("comment"),
            "context": event.meta,
        },
    }
