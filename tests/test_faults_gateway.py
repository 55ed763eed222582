"""Fault tests with a real gateway process: SIGKILLed mid-burst, and fifty reviewers racing.
Each test prints what it threw and what survived."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from support.processes import (
    crash,
    free_port,
    gateway_command,
    running,
    wait_until_serving,
    worker_command,
)

pytestmark = [pytest.mark.fault, pytest.mark.timeout(240)]

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
def racers_stack(
    dev_env: WorkflowEnvironment, folder: Path
) -> Iterator[tuple[dict[str, str], int]]:
    env = {
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_REVIEW_TASK_QUEUE": f"gw-fault-{uuid.uuid4().hex[:8]}",
        "TEMPORAL_REVIEW_CONFIG": str(gateway_config(folder / "gateway.toml")),
    }
    with running(worker_command(), env, folder / "worker.log"):
        yield env, free_port()


async def create_order(http: httpx.AsyncClient, key: str) -> httpx.Response:
    """What an agent sends, keyed so that a retry is the same request."""
    return await http.post(
        "/v1/reviews",
        json={"title": f"Order {key}", "groups": ["racers"]},
        headers={"Authorization": f"Bearer {AGENT_KEY}", "Idempotency-Key": key},
    )


async def test_clients_retrying_after_a_gateway_crash_get_the_original_results(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    with racers_stack(dev_env, tmp_path) as (env, port):
        url = f"http://127.0.0.1:{port}"
        keys = [f"order-{i}-{uuid.uuid4().hex[:6]}" for i in range(30)]
        with running(gateway_command(port), env, tmp_path / "gateway-1.log") as first:
            wait_until_serving(f"{url}/healthz", first)
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                # Ten answered before the crash; twenty in flight when it comes.
                early = [await create_order(http, k) for k in keys[:10]]
                sent = [asyncio.create_task(create_order(http, k)) for k in keys[10:]]
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
        with running(gateway_command(port), env, tmp_path / "gateway-2.log") as second:
            wait_until_serving(f"{url}/healthz", second)
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                retried = [await create_order(http, k) for k in keys]
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
    with racers_stack(dev_env, tmp_path) as (env, port):
        url = f"http://127.0.0.1:{port}"
        with running(gateway_command(port), env, tmp_path / "gateway.log") as gateway:
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
