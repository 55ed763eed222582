"""Receivers written for gotoHuman or HITL.sh get the shapes they expect, field by field."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from temporalio.client import Client

from support.receiver import running_receiver
from support.reviews import ALICE, WEBHOOK_SECRETS, start
from temporal_review.activities import InvalidSignature
from temporal_review.workflows import (
    Callback,
    ContentField,
    EscalateInput,
    FieldChange,
    RequestChangesInput,
    RespondInput,
    ReviewWorkflow,
    UpdateContentInput,
)
from temporal_review.workflows.state import Actor

pytestmark = pytest.mark.usefixtures("worker")
SECRET = WEBHOOK_SECRETS["receiver"]


def hitl_signature(secret: str, body: bytes, headers: Any) -> None:
    """What a HITL.sh receiver checks: hex HMAC-SHA256 of the raw body."""
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, headers.get("X-HITL-Signature", "")):
        raise InvalidSignature("bad X-HITL-Signature")


async def test_gotohuman_format(client: Client, task_queue: str) -> None:
    with running_receiver(SECRET) as receiver:
        handle = await start(
            client,
            task_queue,
            meta={"threadId": "t-9"},
            fields=[
                ContentField(name="email", value="Hi", editable=True, instructions=True),
                ContentField(name="subject", value="Hello", editable=True, retry=True),
            ],
            callbacks=[Callback(url=receiver.url, secret_ref="receiver", format="gotohuman")],
        )
        for instruction in ("friendlier", "shorter"):
            revision = (await handle.describe()).run_id and (
                await handle.query(ReviewWorkflow.state)
            ).revision
            await handle.execute_update(
                ReviewWorkflow.request_changes,
                RequestChangesInput(
                    reviewer=ALICE,
                    revision=revision,
                    changes=[
                        FieldChange(field="email", instruction=instruction),
                        FieldChange(field="subject"),
                    ],
                ),
            )
            await handle.execute_update(
                ReviewWorkflow.update_content,
                UpdateContentInput(
                    actor=Actor(id="agent"),
                    revision=revision,
                    fields={"email": f"Hi ({instruction})", "subject": "Hello!"},
                ),
            )
        await handle.execute_update(
            ReviewWorkflow.respond,
            RespondInput(reviewer=ALICE, revision=3, response="modify", edits={"email": "Hey"}),
        )
        outcome = await handle.result()
    first, second, done = receiver.accepted  # only instructions and the response
    assert first["type"] == "instructions" and first["reviewId"] == outcome.review_id
    assert first["meta"] == {"threadId": "t-9"} and first["revision"] == 1
    assert first["responseValues"] == {
        "email": {
            "value": "Hi",
            "wasEdited": False,
            "instruction": "friendlier",
            "allTextInstructions": ["friendlier"],
        },
        "subject": {
            "value": "Hello",
            "wasEdited": False,
            "instruction": None,
            "allTextInstructions": [],
        },
    }
    assert second["responseValues"]["email"]["allTextInstructions"] == ["friendlier", "shorter"]
    assert second["responseValues"]["email"]["value"] == "Hi (friendlier)"
    assert done["type"] == "review_response" and done["meta"] == {"threadId": "t-9"}
    assert done["response"] == {"decision": "modify", "reason": None}
    assert done["responseValues"] == {
        "email": {"value": "Hey", "wasEdited": True},
        "subject": {"value": "Hello!", "wasEdited": False},
    }
    assert done["respondingUser"] == "alice"


async def test_hitl_format(client: Client, task_queue: str) -> None:
    with running_receiver(SECRET, verify=hitl_signature) as receiver:
        callbacks = [Callback(url=receiver.url, secret_ref="receiver", format="hitl")]
        approved = await start(client, task_queue, meta={"loop": "ops"}, callbacks=callbacks)
        await approved.execute_update(
            ReviewWorkflow.respond,
            RespondInput(
                reviewer=ALICE, revision=1, response={"decision": "reject", "reason": "no"}
            ),
        )
        await approved.result()
        escalated = await start(client, task_queue, callbacks=callbacks)
        await escalated.execute_update(
            ReviewWorkflow.escalate, EscalateInput(actor=ALICE, reason="not mine")
        )
        await escalated.result()
    assert receiver.bad_signatures == 0
    completed, escalation = receiver.accepted  # created/claimed have no HITL.sh message
    assert completed["event"] == "request.completed"
    assert completed["data"] == {
        "request_id": approved.id.removeprefix("review-"),
        "status": "completed",
        "response": {"decision": "reject", "reason": "no"},
        "default_applied": False,
        "responded_by": "alice",
        "reason": None,
        "context": {"loop": "ops"},
    }
    assert escalation["event"] == "request.escalated"
    assert escalation["data"]["request_id"] == escalated.id.removeprefix("review-")
    assert escalation["data"]["status"] == "escalated"
    assert escalation["data"]["reason"] == "not mine"
