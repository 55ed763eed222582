"""OpenTelemetry: one trace from the gateway request through the workflow to activities."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.worker import Worker

from support.gateway import app_for, create_review, http, reviewer
from support.reviews import WEBHOOK_SECRETS
from temporal_review.worker import ReviewPlugin

_exporter = InMemorySpanExporter()


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    # The global provider can be set once per process: this module is its only user.
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_exporter))
    trace.set_tracer_provider(provider)
    yield _exporter


async def test_one_trace_runs_from_the_request_to_the_workflow_and_its_activities(
    client: Client, task_queue: str, spans: InMemorySpanExporter
) -> None:
    config = client.service_client.config
    traced = await Client.connect(
        config.target_host,
        namespace=client.namespace,
        plugins=[ReviewPlugin(webhook_secrets=WEBHOOK_SECRETS, tracing=True)],
    )
    async with Worker(traced, task_queue=task_queue):
        app = app_for(traced, task_queue, tracing=True)
        async with http(app) as api:
            review_id = await create_review(api, title="Traced")
            await api.post(f"/v1/reviews/{review_id}/claim", headers=reviewer("alice"))
            answered = await api.post(
                f"/v1/reviews/{review_id}/respond",
                json={"revision": 1, "response": "approve"},
                headers=reviewer("alice"),
            )
            assert answered.status_code == 200
        await asyncio.sleep(0.5)  # the review finishes its workflow task
    finished: list[ReadableSpan] = list(spans.get_finished_spans())
    by_name: dict[str, list[ReadableSpan]] = {}
    for span in finished:
        by_name.setdefault(span.name, []).append(span)
    create = by_name["POST /v1/reviews"][0]
    trace_id = create.context.trace_id if create.context else None
    same_trace = {s.name for s in finished if s.context and s.context.trace_id == trace_id}
    assert "StartWorkflow:ReviewWorkflow" in same_trace
    assert "RunWorkflow:ReviewWorkflow" in same_trace
    assert any(
        name.startswith("RunActivity:temporal_review.plan_notifications") for name in same_trace
    )
    # The reviewer's answer is its own request; its update reaches the workflow's handler.
    respond = by_name["POST /v1/reviews/{review_id}/respond"][0]
    assert respond.context is not None
    respond_trace = {
        s.name for s in finished if s.context and s.context.trace_id == respond.context.trace_id
    }
    assert "StartWorkflowUpdate:respond" in respond_trace
    handled = by_name["HandleUpdate:respond"][0]
    assert handled.context is not None
    assert handled.context.trace_id in (trace_id, respond.context.trace_id)
