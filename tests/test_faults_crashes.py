"""Fault tests with real processes on loopback: the worker SIGKILLed mid-flight, the
Temporal server restarted on its file. Each test prints what it threw and what survived."""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError
from temporalio.worker import Worker

from support.processes import (
    crash,
    free_port,
    running,
    worker_command,
)
from support.reviews import AGENT, ALICE, new_id
from temporal_review.worker import (
    ReviewPlugin,
    dev_server_flags,
    ensure_search_attributes,
    start_review,
    temporal_cli_path,
)
from temporal_review.workflows import (
    ActionResult,
    CancelInput,
    ClaimInput,
    ContentField,
    FieldChange,
    ReleaseInput,
    RequestChangesInput,
    RespondInput,
    ReviewOutcome,
    ReviewRequest,
    ReviewStatus,
    ReviewWorkflow,
    UpdateContentInput,
)

pytestmark = [pytest.mark.fault, pytest.mark.timeout(240)]


async def until_done(action: Callable[[], Awaitable[ActionResult]]) -> ActionResult:
    """Send an update until it is answered: while no worker runs, calls time out; the
    update id makes every retry the same action."""
    for _ in range(120):
        try:
            return await action()
        except (WorkflowUpdateRPCTimeoutOrCancelledError, RPCError):
            await asyncio.sleep(0.5)
    raise AssertionError("the action never went through")


# --- the worker killed mid-flight ---------------------------------------------------------

SCRIPTS = ("approve", "changes-then-reject", "release-then-edit", "cancel")


async def run_script(client: Client, review_id: str, kind: str) -> None:
    handle = client.get_workflow_handle(f"review-{review_id}")
    step = 0

    async def act(update: Any, params: Any) -> ActionResult:
        nonlocal step
        step += 1
        update_id = f"{review_id}/{step}"
        return await until_done(
            lambda: handle.execute_update(
                update, params, id=update_id, rpc_timeout=timedelta(seconds=3)
            )
        )

    if kind == "cancel":
        await act(ReviewWorkflow.cancel, CancelInput(actor=AGENT, reason="withdrawn"))
        return
    await act(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    if kind == "changes-then-reject":
        await act(
            ReviewWorkflow.request_changes,
            RequestChangesInput(
                reviewer=ALICE,
                revision=1,
                changes=[FieldChange(field="body", instruction="shorter")],
            ),
        )
        await act(
            ReviewWorkflow.update_content,
            UpdateContentInput(actor=AGENT, revision=1, fields={"body": "short"}),
        )
        await act(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await act(
            ReviewWorkflow.respond,
            RespondInput(
                reviewer=ALICE, revision=2, response={"decision": "reject", "reason": "still no"}
            ),
        )
    elif kind == "release-then-edit":
        await act(ReviewWorkflow.release, ReleaseInput(reviewer=ALICE))
        await act(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await act(
            ReviewWorkflow.respond,
            RespondInput(
                reviewer=ALICE, revision=1, response="modify", edits={"body": f"edited {review_id}"}
            ),
        )
    else:
        await act(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )


async def test_a_worker_killed_mid_flight_loses_nothing_and_decides_once(
    client: Client, tmp_path: Path
) -> None:
    queue = f"fault-{new_id()}"
    env = {
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "TEMPORAL_REVIEW_TASK_QUEUE": queue,
    }
    ids = [new_id() for _ in range(100)]
    kinds = {review_id: SCRIPTS[i % len(SCRIPTS)] for i, review_id in enumerate(ids)}
    with running(worker_command(), env, tmp_path / "worker-1.log") as first:
        for review_id in ids:
            request = ReviewRequest(
                title=f"Fault {review_id}",
                review_id=review_id,
                groups=["editors"],
                fields=[
                    ContentField(
                        name="body", value="long text", editable=True, retry=True, instructions=True
                    )
                ],
            )
            await start_review(client, request, task_queue=queue)
        scripts = asyncio.gather(*(run_script(client, r, kinds[r]) for r in ids))
        await asyncio.sleep(1.5)  # reviewers are mid-way through their steps
        crash(first)
        print(f"threw: SIGKILL to the worker (pid {first.pid}) with 100 reviews in flight")
        await asyncio.sleep(2)  # reviewers keep acting against no worker
        with running(worker_command(), env, tmp_path / "worker-2.log"):
            await asyncio.wait_for(scripts, timeout=150)
            outcomes = {
                r: await client.get_workflow_handle(
                    f"review-{r}", result_type=ReviewOutcome
                ).result()
                for r in ids
            }
    expected = {
        "approve": (ReviewStatus.COMPLETED, {"decision": "approve", "reason": None}, 1),
        "changes-then-reject": (
            ReviewStatus.COMPLETED,
            {"decision": "reject", "reason": "still no"},
            2,
        ),
        "release-then-edit": (ReviewStatus.COMPLETED, {"decision": "modify", "reason": None}, 1),
        "cancel": (ReviewStatus.CANCELLED, None, 1),
    }
    for review_id, outcome in outcomes.items():
        status, response, revision = expected[kinds[review_id]]
        assert (outcome.status, outcome.response, outcome.revision) == (
            status,
            response,
            revision,
        ), review_id
        actions = Counter(entry.action for entry in outcome.audit)
        assert actions["responded"] + actions["cancelled"] == 1, (
            review_id,
            actions,
        )  # decided once
        if kinds[review_id] == "release-then-edit":
            body = next(f for f in outcome.fields if f.name == "body")
            assert body.was_edited and body.value == f"edited {review_id}"
        if kinds[review_id] == "changes-then-reject":
            assert actions["changes requested"] == 1 and actions["content updated"] == 1
    print(f"survived: all {len(outcomes)} reviews ended as scripted, each decided exactly once")


# --- the Temporal server restarted on its SQLite file ------------------------------------


@contextmanager
def dev_server(db: Path, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        temporal_cli_path(),
        "server",
        "start-dev",
        "--headless",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--db-filename",
        str(db),
        "--log-level",
        "error",
        *dev_server_flags(),
    ]
    with running(command, {}, log) as server:
        yield server


async def connected(port: int) -> Client:
    for _ in range(100):
        try:
            return await Client.connect(f"127.0.0.1:{port}", plugins=[ReviewPlugin()])
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise AssertionError("the dev server never answered")


async def test_open_reviews_continue_after_the_server_restarts_on_its_file(tmp_path: Path) -> None:
    db, port, queue = tmp_path / "temporal.db", free_port(), f"restart-{new_id()}"
    ids = [new_id() for _ in range(6)]
    with dev_server(db, port, tmp_path / "server-1.log") as first:
        client = await connected(port)
        await ensure_search_attributes(client)
        async with Worker(client, task_queue=queue):
            for review_id in ids:
                await start_review(
                    client,
                    ReviewRequest(title="Survive", review_id=review_id, groups=["editors"]),
                    task_queue=queue,
                )
            for review_id in ids[:3]:
                await client.get_workflow_handle(f"review-{review_id}").execute_update(
                    ReviewWorkflow.claim, ClaimInput(reviewer=ALICE)
                )
        first.terminate()
        first.wait(timeout=30)
    print(f"threw: the dev server stopped with {len(ids)} open reviews, 3 claimed")
    with dev_server(db, port, tmp_path / "server-2.log"):
        client = await connected(port)
        async with Worker(client, task_queue=queue):
            for i, review_id in enumerate(ids):
                handle = client.get_workflow_handle(
                    f"review-{review_id}", result_type=ReviewOutcome
                )
                state = await until_done(lambda h=handle: h.query(ReviewWorkflow.state))  # type: ignore[misc]
                assert state.status is (ReviewStatus.CLAIMED if i < 3 else ReviewStatus.PENDING)
                if i >= 3:
                    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
                await handle.execute_update(
                    ReviewWorkflow.respond,
                    RespondInput(reviewer=ALICE, revision=1, response="approve"),
                )
                outcome = await handle.result()
                assert (
                    outcome.status is ReviewStatus.COMPLETED
                    and outcome.audit[0].action == "created"
                )
            listed = [w async for w in client.list_workflows(f"TaskQueue = '{queue}'")]
            assert len(listed) == len(ids)
    print("survived: every review continued on the restarted server and completed once")


# --- the gateway killed mid-request; fifty reviewers racing --------------------------------
