"""Decision latency: the reviewer's answer -> the waiting parent agent workflow resumes.

Three paths, samples alternating so all see the same machine conditions, on one dev server
and worker: the reviewer's respond as a Temporal update from Python; the same answer as an
HTTP POST to the gateway (a uvicorn process); and the raw Temporal floor, a bare child
workflow completed by one update and awaited by a bare parent. Prints p50/p90 and the
ratios to the floor (target: p50 ratio <= 1.5).

    .venv/bin/python bench/decision_latency.py [--samples 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp
from latency_workflows import AgentInput, BareChild, BareParent, ReviewAwaitingAgent
from stack import gateway_process, percentile, reviewer_headers
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from temporal_review.worker import ReviewPlugin, review_handle, temporal_cli_path
from temporal_review.workflows import Actor, RespondInput, ReviewWorkflow
from temporal_review.workflows import search_attributes as sa

REVIEWER = Actor(id="bench-reviewer", groups=("bench",))


async def until_ready(probe: Callable[[], Awaitable[Any]]) -> None:
    """Wait until a worker has run the child's first task (not measured): both variants
    probe with a query, so neither pays for a first workflow task inside the timing."""
    while True:
        try:
            await probe()
            return
        except Exception:
            await asyncio.sleep(0.005)


async def waiting_agent(client: Client, queue: str) -> tuple[Any, Any]:
    """An agent awaiting a fresh review whose first task has run (not measured)."""
    review_id = uuid.uuid4().hex
    agent = await client.start_workflow(
        ReviewAwaitingAgent.run,
        AgentInput(review_id=review_id, task_queue=queue),
        id=f"agent-{review_id}",
        task_queue=queue,
    )
    review = review_handle(client, review_id)
    await until_ready(lambda: review.query(ReviewWorkflow.state))
    return agent, review


async def review_sample(client: Client, queue: str) -> float:
    agent, review = await waiting_agent(client, queue)
    sent = time.time()
    await review.execute_update(
        ReviewWorkflow.respond, RespondInput(reviewer=REVIEWER, revision=1, response="approve")
    )
    resumed: datetime = await agent.result()
    return resumed.timestamp() - sent


async def http_sample(client: Client, queue: str, http: aiohttp.ClientSession) -> float:
    agent, review = await waiting_agent(client, queue)
    sent = time.time()
    body = {"revision": 1, "response": "approve"}
    review_id = review.id.removeprefix("review-")
    async with http.post(f"/v1/reviews/{review_id}/respond", json=body) as response:
        assert response.status == 200, await response.text()
    resumed: datetime = await agent.result()
    return resumed.timestamp() - sent


async def raw_sample(client: Client, queue: str) -> float:
    child_id = f"child-{uuid.uuid4().hex}"
    parent = await client.start_workflow(
        BareParent.run, child_id, id=f"parent-{child_id}", task_queue=queue
    )
    child = client.get_workflow_handle_for(BareChild.run, child_id)
    await until_ready(lambda: child.query(BareChild.ready))
    sent = time.time()
    await child.execute_update(BareChild.finish, "approve")
    resumed: datetime = await parent.result()
    return resumed.timestamp() - sent


async def main(samples: int, warmup: int) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        search_attributes=sa.ALL,
        plugins=[ReviewPlugin()],
    )
    async with env:
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        workflows = [ReviewAwaitingAgent, BareChild, BareParent]
        address = env.client.service_client.config.target_host
        async with (
            Worker(env.client, task_queue=queue, workflows=workflows),
            gateway_process(address, queue) as url,
            aiohttp.ClientSession(base_url=url, headers=reviewer_headers()) as http,
        ):
            for _ in range(warmup):
                await review_sample(env.client, queue)
                await http_sample(env.client, queue, http)
                await raw_sample(env.client, queue)
            ours: list[float] = []
            over_http: list[float] = []
            raw: list[float] = []
            for _ in range(samples):
                ours.append(await review_sample(env.client, queue))
                over_http.append(await http_sample(env.client, queue, http))
                raw.append(await raw_sample(env.client, queue))
    report(ours, over_http, raw)


def report(ours: list[float], over_http: list[float], raw: list[float]) -> None:
    def row(name: str, values: list[float]) -> str:
        p50, p90 = percentile(values, 0.5) * 1000, percentile(values, 0.9) * 1000
        mean = statistics.fmean(values) * 1000
        ratio = percentile(values, 0.5) / percentile(raw, 0.5)
        return f"{name:<36} {p50:8.1f} {p90:8.1f} {mean:8.1f} {ratio:8.2f}x"

    print(f"decision latency over {len(ours)} reviews per path (ms)")
    print(f"{'':<36} {'p50':>8} {'p90':>8} {'mean':>8} {'p50/floor':>9}")
    print(row("temporal-review, update from Python", ours))
    print(row("temporal-review, HTTP via gateway", over_http))
    print(row("raw Temporal floor (bare update)", raw))
    worst = max(percentile(v, 0.5) for v in (ours, over_http)) / percentile(raw, 0.5)
    verdict = "meets" if worst <= 1.5 else "MISSES"
    print(f"worst p50 ratio {worst:.2f}x ({verdict} the 1.5x target)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.samples, args.warmup))
