"""10,000 pending reviews: inbox top-50 latency, worker memory, actions on evicted reviews.

Figures beside baselines from the same run:
- inbox top 50 (priority then age, over HTTP) vs one raw visibility page of 50
  (``list_workflows``, unordered) from Python: target p50 under 150 ms;
- worker RSS with every review started, vs the same worker idle before: bounded by
  ``max_cached_workflows`` (1000 here), not by the number of reviews;
- a claim over HTTP on a long-evicted review vs on a freshly cached one: target under 200 ms.

    .venv/bin/python bench/inbox_at_scale.py [--reviews 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid

import aiohttp
from stack import percentile, reviewer_headers, rss_mib, running_stack

from temporal_review.worker import start_review
from temporal_review.workflows import Priority, ReviewRequest

PRIORITIES = list(Priority)


async def main(total: int, cache: int, samples: int) -> None:
    async with running_stack(max_cached_workflows=cache) as stack:
        await asyncio.sleep(2)
        idle_rss = rss_mib(stack.worker.pid)
        ids: list[str] = []
        started = time.perf_counter()

        async def create(n: int) -> None:
            review_id = f"scale-{n:05d}-{uuid.uuid4().hex[:6]}"
            request = ReviewRequest(
                title=f"Review {n}",
                review_id=review_id,
                groups=["bench"],
                priority=PRIORITIES[n % 4],
                fields=[{"name": "text", "value": "x" * 200}],
            )
            await start_review(stack.client, request, task_queue=stack.task_queue)
            ids.append(review_id)

        for batch in range(0, total, 200):
            await asyncio.gather(*(create(n) for n in range(batch, min(total, batch + 200))))
        created_in = time.perf_counter() - started
        query = "WorkflowType = 'ReviewWorkflow' AND ReviewStatus = 'pending'"
        while (await stack.client.count_workflows(query)).count < total:  # noqa: ASYNC110
            await asyncio.sleep(1)  # the worker runs every review's first task
        ready_in = time.perf_counter() - started
        full_rss = rss_mib(stack.worker.pid)

        async with aiohttp.ClientSession(
            base_url=stack.gateway_url, headers=reviewer_headers()
        ) as http:
            inbox, raw = [], []
            for _ in range(samples):
                inbox.append(await timed_inbox(http))
                raw.append(await timed_raw_page(stack.client, query))
            evicted, cached = [], []
            old = random.Random(7).sample(ids[: total // 2], samples)
            for review_id in old:
                evicted.append(await timed_claim(http, review_id))
                fresh = await fresh_review(stack)
                cached.append(await timed_claim(http, fresh))
        after_rss = rss_mib(stack.worker.pid)

    print(
        f"{total} pending reviews created in {created_in:.0f} s, all pending after {ready_in:.0f} s"
    )
    print(f"{'(ms)':<44} {'p50':>7} {'p90':>7} {'p99':>7}")
    row("inbox top 50, priority then age (HTTP)", inbox)
    row("baseline: raw visibility page of 50", raw)
    row("claim on an evicted review (HTTP)", evicted)
    row("baseline: claim on a cached review (HTTP)", cached)
    p50 = percentile(inbox, 0.5) * 1000
    print(f"inbox p50 {p50:.0f} ms: {'meets' if p50 < 150 else 'MISSES'} the 150 ms target")
    print(f"  (the first, cold request: {inbox[0] * 1000:.0f} ms; later ones start from its cut)")
    p99 = percentile(evicted, 0.99) * 1000
    print(f"evicted claim p99 {p99:.0f} ms: {'meets' if p99 < 200 else 'MISSES'} the 200 ms target")
    print(
        f"worker RSS: {idle_rss:.0f} MiB idle, {full_rss:.0f} MiB with {total} started, "
        f"{after_rss:.0f} MiB after the actions (max_cached_workflows={cache})"
    )


def row(name: str, values: list[float]) -> None:
    p50, p90, p99 = (percentile(values, q) * 1000 for q in (0.5, 0.9, 0.99))
    print(f"{name:<44} {p50:7.1f} {p90:7.1f} {p99:7.1f}")


async def timed_inbox(http: aiohttp.ClientSession) -> float:
    started = time.perf_counter()
    async with http.get("/v1/inbox?page_size=50") as response:
        page = await response.json()
    elapsed = time.perf_counter() - started
    assert response.status == 200 and len(page["items"]) == 50, page
    assert page["items"][0]["priority"] == "critical"
    return elapsed


async def timed_raw_page(client: object, query: str) -> float:
    started = time.perf_counter()
    rows = []
    async for execution in client.list_workflows(query, page_size=50, limit=50):  # type: ignore[attr-defined]
        rows.append(execution)
    elapsed = time.perf_counter() - started
    assert len(rows) == 50
    return elapsed


async def timed_claim(http: aiohttp.ClientSession, review_id: str) -> float:
    started = time.perf_counter()
    async with http.post(f"/v1/reviews/{review_id}/claim") as response:
        body = await response.json()
    elapsed = time.perf_counter() - started
    assert response.status == 200, body
    return elapsed


async def fresh_review(stack: object) -> str:
    review_id = f"fresh-{uuid.uuid4().hex}"
    request = ReviewRequest(title="fresh", review_id=review_id, groups=["bench"])
    handle = await start_review(stack.client, request, task_queue=stack.task_queue)  # type: ignore[attr-defined]
    await handle.query("state")  # in the worker's cache now
    return review_id


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--cache", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.reviews, args.cache, args.samples))
