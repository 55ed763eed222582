"""Decision latency: reviewer's respond update -> the waiting parent agent workflow resumes.

Measured beside the raw Temporal floor in the same run, on the same dev server and worker:
a bare child workflow completed by one update, awaited by a bare parent. Samples of the two
alternate so both see the same machine conditions. Prints p50/p90 for each and the ratio
(target: p50 ratio <= 1.5).

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

from latency_workflows import AgentInput, BareChild, BareParent, ReviewAwaitingAgent
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from temporal_review.worker import ReviewPlugin, temporal_cli_path
from temporal_review.workflows import Actor, RespondInput, ReviewWorkflow, review_handle
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


async def review_sample(client: Client, queue: str) -> float:
    review_id = uuid.uuid4().hex
    agent = await client.start_workflow(
        ReviewAwaitingAgent.run,
        AgentInput(review_id=review_id, task_queue=queue),
        id=f"agent-{review_id}",
        task_queue=queue,
    )
    review = review_handle(client, review_id)
    await until_ready(lambda: review.query(ReviewWorkflow.state))
    sent = time.time()
    await review.execute_update(
        ReviewWorkflow.respond, RespondInput(reviewer=REVIEWER, revision=1, response="approve")
    )
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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(samples: int, warmup: int) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        search_attributes=sa.ALL,
        plugins=[ReviewPlugin()],
    )
    async with env:
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        workflows = [ReviewAwaitingAgent, BareChild, BareParent]
        async with Worker(env.client, task_queue=queue, workflows=workflows):
            for _ in range(warmup):
                await review_sample(env.client, queue)
                await raw_sample(env.client, queue)
            ours: list[float] = []
            raw: list[float] = []
            for _ in range(samples):
                ours.append(await review_sample(env.client, queue))
                raw.append(await raw_sample(env.client, queue))
    report(ours, raw)


def report(ours: list[float], raw: list[float]) -> None:
    def row(name: str, values: list[float]) -> str:
        p50, p90 = percentile(values, 0.5) * 1000, percentile(values, 0.9) * 1000
        mean = statistics.fmean(values) * 1000
        return f"{name:<34} {p50:8.1f} {p90:8.1f} {mean:8.1f}"

    print(f"decision latency over {len(ours)} reviews (ms)")
    print(f"{'':<34} {'p50':>8} {'p90':>8} {'mean':>8}")
    print(row("temporal-review (respond update)", ours))
    print(row("raw Temporal floor (bare update)", raw))
    p50_ratio = percentile(ours, 0.5) / percentile(raw, 0.5)
    p90_ratio = percentile(ours, 0.9) / percentile(raw, 0.9)
    verdict = "meets" if p50_ratio <= 1.5 else "MISSES"
    print(f"ratio p50 {p50_ratio:.2f}x, p90 {p90_ratio:.2f}x ({verdict} the 1.5x p50 target)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.samples, args.warmup))
