"""Reviews created per second through the gateway over HTTP, against raw ``start_workflow``
from Python on the same server in the same run (target: 0.8x or better).

Both start the same ReviewWorkflow with the same concurrency; rounds alternate.

    .venv/bin/python bench/creation_rate.py [--reviews 600] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import aiohttp
from stack import agent_headers, running_stack

from temporal_review.worker import start_review
from temporal_review.workflows import ReviewRequest


async def rate(total: int, concurrency: int, create: Callable[[int], Awaitable[None]]) -> float:
    queue = iter(range(total))

    async def lane() -> None:
        for n in queue:
            await create(n)

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def main(total: int, concurrency: int, rounds: int) -> None:
    async with running_stack() as stack:
        # aiohttp as the load generator: on two cores, httpx's own CPU cost per request
        # would be charged to the gateway (an agent's client runs on its own machine).
        http = aiohttp.ClientSession(
            base_url=stack.gateway_url,
            headers=agent_headers(),
            connector=aiohttp.TCPConnector(limit=concurrency),
        )
        body = {"title": "bench", "groups": ["bench"], "fields": [{"name": "text", "value": "x"}]}

        async def via_gateway(n: int) -> None:
            async with http.post("/v1/reviews", json=body) as response:
                assert response.status == 201, await response.text()

        async def via_start_workflow(n: int) -> None:
            request = ReviewRequest(
                title="bench", groups=["bench"], fields=[{"name": "text", "value": "x"}]
            )
            request = request.model_copy(update={"review_id": uuid.uuid4().hex})
            await start_review(stack.client, request, task_queue=stack.task_queue)

        await rate(50, concurrency, via_gateway)  # warm both paths
        await rate(50, concurrency, via_start_workflow)
        gateway_rates, raw_rates = [], []
        for _ in range(rounds):
            gateway_rates.append(await rate(total, concurrency, via_gateway))
            raw_rates.append(await rate(total, concurrency, via_start_workflow))
        await http.close()
    report(gateway_rates, raw_rates, total, concurrency)


def report(gateway: list[float], raw: list[float], total: int, concurrency: int) -> None:
    best_gateway, best_raw = max(gateway), max(raw)
    print(f"review creation, {len(gateway)} rounds of {total} at concurrency {concurrency}")
    print(f"  gateway over HTTP     {best_gateway:7.0f} reviews/s  (rounds {_fmt(gateway)})")
    print(f"  raw start_workflow    {best_raw:7.0f} reviews/s  (rounds {_fmt(raw)})")
    ratio = best_gateway / best_raw
    verdict = "meets" if ratio >= 0.8 else "MISSES"
    print(f"ratio {ratio:.2f}x ({verdict} the 0.8x target)")


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.reviews, args.concurrency, args.rounds))
