"""Metrics, health and logs of real worker and gateway processes."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
from temporalio.client import Client

from support.gateway import TOKENS, agent, app_for, create_review, http, reviewer
from support.processes import free_port, running, worker_command
from support.reviews import ALICE, new_id
from temporal_review.gateway import GatewaySettings, create_app
from temporal_review.worker import start_review
from temporal_review.workflows import (
    ClaimInput,
    EscalationStep,
    RespondInput,
    ReviewOutcome,
    ReviewRequest,
    ReviewWorkflow,
)

SECRET = "observability-webhook-secret-0123456789"


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one Prometheus sample (summed over label sets matching ``labels``)."""
    total, found = 0.0, False
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:{{(.*)}})? (\S+)$", line)
        if not match:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total, found = total + float(match.group(2)), True
    assert found, f"no {name} {labels} in the metrics"
    return total


async def test_the_worker_exports_sdk_and_review_metrics_and_json_logs(
    client: Client, tmp_path: Path
) -> None:
    queue, port = f"metrics-{new_id()}", free_port()
    env = {
        "TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "TEMPORAL_REVIEW_TASK_QUEUE": queue,
        "TEMPORAL_REVIEW_METRICS_BIND_ADDRESS": f"127.0.0.1:{port}",
        "TEMPORAL_REVIEW_LOG_FORMAT": "json",
        "TEMPORAL_REVIEW_WEBHOOK_SECRETS": json.dumps({"crm": SECRET}),
    }
    log = tmp_path / "worker.log"
    with running(worker_command(), env, log):
        decided = await start_review(
            client,
            ReviewRequest(title="Decide", queue="billing", groups=["editors"], priority="high"),
            task_queue=queue,
        )
        await decided.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
        await decided.execute_update(
            ReviewWorkflow.respond, RespondInput(reviewer=ALICE, revision=1, response="approve")
        )
        late = await start_review(
            client,
            ReviewRequest(
                title="Too slow",
                queue="billing",
                escalation=[EscalationStep(after=timedelta(seconds=1), users=["lead"])],
                timeout=timedelta(seconds=2),
                default_response="reject",
            ),
            task_queue=queue,
        )
        for handle in (decided, late):
            await client.get_workflow_handle(handle.id, result_type=ReviewOutcome).result()
        scraped = ""
        async with httpx.AsyncClient(timeout=5) as scraper:
            for _ in range(50):  # the exporter publishes on its own schedule
                scraped = (await scraper.get(f"http://127.0.0.1:{port}/metrics")).text
                if "temporal_review_time_to_decision" in scraped and "sla_breaches" in scraped:
                    break
                await asyncio.sleep(0.2)
    billing = {"queue": "billing"}
    assert metric(scraped, "temporal_review_reviews_created", **billing) == 2
    assert (
        metric(scraped, "temporal_review_reviews_decided", status="completed", priority="high") == 1
    )
    assert metric(scraped, "temporal_review_reviews_decided", status="timed_out") == 1
    assert metric(scraped, "temporal_review_escalations", **billing) == 1
    assert metric(scraped, "temporal_review_sla_breaches", deadline="tier") == 1
    assert metric(scraped, "temporal_review_sla_breaches", deadline="final") == 1
    assert metric(scraped, "temporal_review_time_to_decision_count", **billing) == 2
    # The slow one waited 2 s: inside the 10 s bucket, outside the 1 s one.
    assert (
        metric(scraped, "temporal_review_time_to_decision_bucket", status="timed_out", le="10") == 1
    )
    assert (
        metric(scraped, "temporal_review_time_to_decision_bucket", status="timed_out", le="1") == 0
    )
    assert metric(scraped, "temporal_workflow_completed", workflow_type="ReviewWorkflow") >= 2
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines and all(
        {"time", "level", "logger", "message"} <= json.loads(line).keys() for line in lines
    )
    assert SECRET not in log.read_text()


async def test_the_gateway_counts_requests_by_route_and_reports_readiness(
    client: Client, task_queue: str, worker: object
) -> None:
    app = app_for(client, task_queue)
    async with http(app) as api:
        review_id = await create_review(api, title="Counted")
        await api.post(
            f"/v1/reviews/{review_id}/claim", json={"revision": 1}, headers=reviewer("alice")
        )
        await api.post(
            f"/v1/reviews/{review_id}/claim", json={"revision": 1}, headers=reviewer("bob")
        )
        assert (await api.get("/healthz")).json() == {"status": "ok"}
        assert (await api.get("/readyz")).json() == {"status": "ready"}
        scraped = (await api.get("/metrics")).text
    assert (
        metric(scraped, "temporal_review_http_requests_total", route="/v1/reviews", status="201")
        == 1
    )
    claims = {"route": "/v1/reviews/{review_id}/claim"}
    assert metric(scraped, "temporal_review_http_requests_total", status="200", **claims) == 1
    assert metric(scraped, "temporal_review_http_requests_total", status="409", **claims) == 1
    assert metric(scraped, "temporal_review_http_request_duration_seconds_count", **claims) == 2
    assert review_id not in scraped and TOKENS["alice"] not in scraped  # templates, not paths
    # Not connected to Temporal: alive, but not ready.
    lonely = create_app(GatewaySettings(task_queue=task_queue))
    async with http(lonely) as api:
        assert (await api.get("/healthz")).status_code == 200
        not_ready = await api.get("/readyz")
        assert not_ready.status_code == 503 and not_ready.json()["error"]["code"] == "unavailable"
    assert agent()  # the agent key helper stays in use for the created review
