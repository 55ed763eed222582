"""Fault tests with real processes on loopback: kill the worker, the gateway, the Temporal
server; race fifty reviewers. Each test prints what it threw and what survived."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from support.processes import free_port, gateway_command, wait_until_serving, worker_command
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


@contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process; SIGKILL it yourself to simulate a crash, or it is stopped at exit."""
    with log.open("ab") as out:
        child = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def crash(child: subprocess.Popen[bytes]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait()


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
            lambda: handle.execute_update(update, params, id=update_id, rpc_timeout=_seconds(3))
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


def _seconds(n: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=n)


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
    with process(worker_command(), env, tmp_path / "worker-1.log") as first:
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
        with process(worker_command(), env, tmp_path / "worker-2.log"):
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
    with process(command, {}, log) as server:
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

REVIEWERS = 50
AGENT_KEY = "fault-agent-key-0123456789abcdef"


def token(i: int) -> str:
    return f"fault-reviewer-token-{i:04d}-0123456789"


def gateway_config(path: Path) -> Path:
    reviewers = "\n".join(
        f'[[reviewers]]\nuser = "r{i}"\ngroups = ["racers"]\ntoken = "{token(i)}"\n'
        for i in range(REVIEWERS)
    )
    path.write_text(f'[[agent_keys]]\nname = "fault-agent"\nkey = "{AGENT_KEY}"\n\n{reviewers}')
    return path


@contextmanager
def stack(dev_env: WorkflowEnvironment, folder: Path) -> Iterator[tuple[dict[str, str], int]]:
    env = {
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_REVIEW_TASK_QUEUE": f"gw-fault-{uuid.uuid4().hex[:8]}",
        "TEMPORAL_REVIEW_CONFIG": str(gateway_config(folder / "gateway.toml")),
    }
    with process(worker_command(), env, folder / "worker.log"):
        yield env, free_port()


async def test_clients_retrying_after_a_gateway_crash_get_the_original_results(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    agent = {"Authorization": f"Bearer {AGENT_KEY}"}
    with stack(dev_env, tmp_path) as (env, port):
        url = f"http://127.0.0.1:{port}"
        keys = [f"order-{i}-{uuid.uuid4().hex[:6]}" for i in range(30)]
        with process(gateway_command(port), env, tmp_path / "gateway-1.log") as first:
            wait_until_serving(f"{url}/healthz", first)
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                # Ten answered before the crash; twenty in flight when it comes.
                early = [
                    await http.post(
                        "/v1/reviews",
                        json={"title": f"Order {k}", "groups": ["racers"]},
                        headers={**agent, "Idempotency-Key": k},
                    )
                    for k in keys[:10]
                ]
                sent = [
                    asyncio.create_task(
                        http.post(
                            "/v1/reviews",
                            json={"title": f"Order {k}", "groups": ["racers"]},
                            headers={**agent, "Idempotency-Key": k},
                        )
                    )
                    for k in keys[10:]
                ]
                await asyncio.sleep(0.05)
                crash(first)
                answered = early + await asyncio.gather(*sent, return_exceptions=True)
        lost = sum(1 for a in answered if isinstance(a, Exception))
        first_ids = {
            k: a.json()["review_id"]
            for k, a in zip(keys, answered, strict=True)
            if isinstance(a, httpx.Response) and a.status_code < 300
        }
        print(f"threw: SIGKILL to the gateway during 30 creates ({lost} got no answer)")
        with process(gateway_command(port), env, tmp_path / "gateway-2.log") as second:
            wait_until_serving(f"{url}/healthz", second)
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                retried = [
                    await http.post(
                        "/v1/reviews",
                        json={"title": f"Order {k}", "groups": ["racers"]},
                        headers={**agent, "Idempotency-Key": k},
                    )
                    for k in keys
                ]
                assert all(r.status_code in (200, 201) for r in retried), [r.text for r in retried]
                replays = Counter(r.status_code for r in retried[10:])
                print(
                    f"retried the 20 in flight: {replays[200]} had been created,"
                    f" {replays[201]} had not"
                )
                ids = {k: r.json()["review_id"] for k, r in zip(keys, retried, strict=True)}
                assert all(ids[k] == first_ids[k] for k in first_ids)  # the original results
                assert len(set(ids.values())) == len(keys)  # one review per key, no duplicate
                assert len(first_ids) >= 10
                # An action retried with its key: the same result, acted once, even after
                # the review closed.
                review = ids[keys[0]]
                claim = {"Authorization": f"Bearer {token(0)}", "Idempotency-Key": "claim-once"}
                one = await http.post(
                    f"/v1/reviews/{review}/claim", json={"revision": 1}, headers=claim
                )
                two = await http.post(
                    f"/v1/reviews/{review}/claim", json={"revision": 1}, headers=claim
                )
                assert one.status_code == two.status_code == 200 and one.json() == two.json()
                state = (await http.get(f"/v1/reviews/{review}", headers=claim)).json()
                assert [e["action"] for e in state["audit"]].count("claimed") == 1
                answer = {**claim, "Idempotency-Key": "answer-once"}
                body = {"revision": 1, "response": "approve"}
                decided = await http.post(
                    f"/v1/reviews/{review}/respond", json=body, headers=answer
                )
                await asyncio.sleep(0.5)  # the review has closed by now
                again = await http.post(f"/v1/reviews/{review}/respond", json=body, headers=answer)
                assert decided.status_code == again.status_code == 200
                assert again.json() == decided.json() and again.json()["status"] == "completed"
    print(
        f"survived: retries returned the {len(first_ids)} original answers, created the rest once"
    )


async def test_fifty_reviewers_race_for_one_claim_and_one_decision(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    agent = {"Authorization": f"Bearer {AGENT_KEY}"}
    with stack(dev_env, tmp_path) as (env, port):
        url = f"http://127.0.0.1:{port}"
        with process(gateway_command(port), env, tmp_path / "gateway.log") as gateway:
            wait_until_serving(f"{url}/healthz", gateway)
            limits = httpx.Limits(max_connections=100)
            async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
                created = await http.post(
                    "/v1/reviews", json={"title": "Race", "groups": ["racers"]}, headers=agent
                )
                review = created.json()["review_id"]
                claims = await asyncio.gather(
                    *(
                        http.post(
                            f"/v1/reviews/{review}/claim",
                            json={"revision": 1},
                            headers={"Authorization": f"Bearer {token(i)}"},
                        )
                        for i in range(REVIEWERS)
                    )
                )
                codes = Counter(c.status_code for c in claims)
                print(f"threw: {REVIEWERS} simultaneous claims -> {dict(codes)}")
                winners = [i for i, c in enumerate(claims) if c.status_code == 200]
                assert len(winners) == 1 and codes[409] == REVIEWERS - 1
                assert all(
                    c.json()["error"]["code"] == "claimed_by_other"
                    for c in claims
                    if c.status_code == 409
                )
                winner = {"Authorization": f"Bearer {token(winners[0])}"}
                # Fifty submissions of the answer: half repeat one key, half carry none.
                answers = await asyncio.gather(
                    *(
                        http.post(
                            f"/v1/reviews/{review}/respond",
                            json={"revision": 1, "response": "approve"},
                            headers={**winner, **({"Idempotency-Key": "submit"} if i % 2 else {})},
                        )
                        for i in range(50)
                    )
                )
                codes = Counter(a.status_code for a in answers)
                print(f"threw: 50 duplicate submissions -> {dict(codes)}")
                assert codes[200] >= 1 and set(codes) <= {200, 409}
                assert all(
                    a.json()["error"]["code"] == "review_ended"
                    for a in answers
                    if a.status_code == 409
                )
                state = (await http.get(f"/v1/reviews/{review}", headers=winner)).json()
        actions = Counter(e["action"] for e in state["audit"])
        assert (
            state["status"] == "completed" and actions["responded"] == 1 and actions["claimed"] == 1
        )
    print(f"survived: one claim (r{winners[0]}), one decision")
