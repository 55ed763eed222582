"""A real worker and gateway process, configured by a TOML file and the environment."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.processes import (
    free_port,
    gateway_command,
    running,
    wait_until_serving,
    worker_command,
)

AGENT_KEY = "process-agent-key-0123456789"
OPS_TOKEN = "process-ops-token-0123456789"
ALICE_TOKEN = "process-alice-token-01234567"

CONFIG = f"""
max_wait_seconds = 30            # overridden to 1 by the environment below

[[agent_keys]]
name = "crm"
key = "{AGENT_KEY}"

[[reviewers]]
user = "alice"
groups = ["editors"]
token = "{ALICE_TOKEN}"

[[reviewers]]
user = "ops"
operator = true
token = "{OPS_TOKEN}"

[templates.approval]
title = "Approve the change"
groups = ["editors"]
fields = [{{ name = "diff", kind = "text" }}]
response = {{ type = "decision" }}
"""


@dataclass
class Stack:
    url: str
    logs: Path


@contextmanager
def process_stack(temporal_address: str, folder: Path) -> Iterator[Stack]:
    """A worker and a gateway on their own task queue; the gateway serving when yielded."""
    config = folder / "gateway.toml"
    config.write_text(CONFIG)
    port = free_port()
    env = {
        "TEMPORAL_ADDRESS": temporal_address,
        "TEMPORAL_NAMESPACE": "default",
        "TEMPORAL_REVIEW_TASK_QUEUE": f"process-{uuid.uuid4().hex[:8]}",
        "TEMPORAL_REVIEW_CONFIG": str(config),
        "TEMPORAL_REVIEW_MAX_WAIT_SECONDS": "1",
    }
    url = f"http://127.0.0.1:{port}"
    with (
        running(worker_command(), env, folder / "worker.log"),
        running(gateway_command(port), env, folder / "gateway.log") as gateway,
    ):
        wait_until_serving(f"{url}/openapi.json", gateway)
        yield Stack(url=url, logs=folder)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def live_review(stack: Stack) -> str:
    created = httpx.post(
        f"{stack.url}/v1/reviews",
        json={
            "title": "fuzz target",
            "groups": ["editors"],
            "fields": [{"name": "draft", "value": "x", "editable": True, "instructions": True}],
        },
        headers=auth(AGENT_KEY),
    )
    review_id: str = created.json()["review_id"]
    return review_id
