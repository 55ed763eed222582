"""Helpers shared by the end-to-end tests: actors, starting reviews, replaying histories."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle, WorkflowHistory
from temporalio.worker import Replayer

from temporal_review.worker import ReviewPlugin, start_review
from temporal_review.workflows import (
    Actor,
    ReviewRequest,
    ReviewState,
    ReviewWorkflow,
)

WEBHOOK_SECRETS = {"receiver": "test-secret-ñ-1234567890"}
"""Secrets the test workers sign with; requests name them only by reference."""


def review_plugin() -> ReviewPlugin:
    """The plugin test workers run: test secrets and the example agent."""
    return ReviewPlugin(webhook_secrets=WEBHOOK_SECRETS, include_example_agent=True)


ALICE = Actor(id="alice", groups=("editors",))
BOB = Actor(id="bob", groups=("editors",))
MALLORY = Actor(id="mallory", groups=("marketing",))
OPERATOR = Actor(id="ops", operator=True)
AGENT = Actor(id="agent")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


async def start(client: Client, task_queue: str, **fields: Any) -> WorkflowHandle[Any, Any]:
    """Start a review routed to the editors group unless told otherwise."""
    fields.setdefault("title", "Check this")
    fields.setdefault("groups", ["editors"])
    fields.setdefault("review_id", new_id())
    return await start_review(client, ReviewRequest(**fields), task_queue=task_queue)


async def wait_until_cancelled(handle: WorkflowHandle[Any, Any]) -> None:
    """Poll until the workflow execution is CANCELED (cancellation is asynchronous)."""
    for _ in range(200):
        described = await handle.describe()
        if described.status is WorkflowExecutionStatus.CANCELED:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{handle.id} is {described.status}, not cancelled")


async def state_of(handle: WorkflowHandle[Any, Any]) -> ReviewState:
    return await handle.query(ReviewWorkflow.state)


async def history_length(handle: WorkflowHandle[Any, Any]) -> int:
    return len((await handle.fetch_history()).events)


HISTORY_DIR = Path(__file__).resolve().parents[1] / "histories"
RECORD_ENV = "TEMPORAL_REVIEW_RECORD_HISTORIES"


def replayer() -> Replayer:
    """A replayer set up like a real worker (the plugin registers the workflows)."""
    return Replayer(workflows=[], plugins=[ReviewPlugin(include_example_agent=True)])


async def assert_replays(client: Client, *handles: WorkflowHandle[Any, Any]) -> None:
    """Replay each workflow's history with the current code (determinism).

    With ``TEMPORAL_REVIEW_RECORD_HISTORIES=1`` the histories are also saved under
    ``tests/histories/``, where ``test_replay.py`` replays them in every later run: that is
    how a change that would break in-flight reviews fails a test.
    """
    for handle in handles:
        history = await handle.fetch_history()
        result = await replayer().replay_workflow(history, raise_on_replay_failure=True)
        assert result.replay_failure is None
        if os.environ.get(RECORD_ENV):
            _save(history)


def _save(history: WorkflowHistory) -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
    name = re.sub(r"[^A-Za-z0-9]+", "_", test.split("::")[-1]).strip("_")
    kind = history.events[0].workflow_execution_started_event_attributes.workflow_type.name
    HISTORY_DIR.mkdir(exist_ok=True)
    path = HISTORY_DIR / f"{name}.{kind}.json"
    path.write_text(
        json.dumps(
            {"workflow_id": history.workflow_id, "history": json.loads(history.to_json())}, indent=1
        )
    )
