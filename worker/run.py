"""The worker process: connect through temporalio's environment configuration and poll."""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RetryConfig
from temporalio.worker import Worker

from temporal_review.worker._plugin import ReviewPlugin
from temporal_review.worker.search_attributes import ensure_search_attributes
from temporal_review.worker.settings import WorkerSettings
from temporal_review.worker.tracing import configure_tracing
from temporal_review.workflows import metrics

log = logging.getLogger("temporal_review.worker")


async def connect(
    plugin: ReviewPlugin, retry_config: RetryConfig | None = None, runtime: Runtime | None = None
) -> Client:
    """Connect with the profile/environment temporalio reads (address, namespace, TLS, API key).

    Args:
        plugin: The review plugin (data converter, workflows, activities).
        retry_config: How long calls keep retrying while Temporal is unreachable.
        runtime: A runtime with telemetry (metrics); the default one otherwise.
    """
    config = ClientConfig.load_client_connect_config()
    config.setdefault("target_host", "localhost:7233")
    return await Client.connect(
        **config, plugins=[plugin], retry_config=retry_config, runtime=runtime
    )


def metrics_runtime(bind_address: str) -> Runtime:
    """A runtime exporting SDK and review metrics on a Prometheus endpoint."""
    prometheus = PrometheusConfig(
        bind_address=bind_address,
        durations_as_seconds=True,
        histogram_bucket_overrides={
            metrics.TIME_TO_DECISION: [float(b) for b in metrics.TIME_TO_DECISION_BUCKETS]
        },
    )
    return Runtime(telemetry=TelemetryConfig(metrics=prometheus))


async def run_worker(settings: WorkerSettings, stop: asyncio.Event | None = None) -> None:
    """Run a review worker until ``stop`` is set (or for ever)."""
    if settings.tracing:
        configure_tracing("temporal-review-worker")
    plugin = ReviewPlugin(
        webhook_secrets=settings.secrets(),
        include_example_agent=settings.example_agent,
        notifications=settings.notification_settings(),
        base_url=settings.base_url,
        link_secret=settings.link_secret,
        tracing=settings.tracing,
    )
    runtime = (
        metrics_runtime(settings.metrics_bind_address) if settings.metrics_bind_address else None
    )
    client = await connect(plugin, runtime=runtime)
    if settings.ensure_search_attributes:
        added = await ensure_search_attributes(client)
        if added:
            log.info("registered search attributes %s", ", ".join(added))
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        max_cached_workflows=settings.max_cached_workflows,
    )
    log.info(
        "review worker polling %s on %s/%s",
        settings.task_queue,
        client.service_client.config.target_host,
        client.namespace,
    )
    async with worker:
        await (stop or asyncio.Event()).wait()
