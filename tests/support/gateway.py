"""Gateway test setup: configured credentials and an httpx client on the app (ASGI)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from temporal_review.gateway import (
    AgentKey,
    GatewaySettings,
    ReviewerToken,
    ReviewTemplate,
    create_app,
    digest,
)
from temporal_review.workflows import ContentField, FormInput, FormSpec, NumberSpec, TextSpec

AGENT_KEY = "agent-key-0123456789abcdef"
READ_ONLY_KEY = "read-only-0123456789abcdef"
CREATE_ONLY_KEY = "create-only-0123456789abc"
TOKENS = {
    "alice": "alice-token-0123456789abcdef",
    "bob": "bob-token-0123456789abcdefgh",
    "mallory": "mallory-token-0123456789abcd",
    "ops": "ops-token-0123456789abcdefgh",
}


def settings(task_queue: str, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "task_queue": task_queue,
        "base_url": "https://reviews.example.test",
        "action_timeout_seconds": 5,
        "agent_keys": [
            AgentKey(name="crm", key=AGENT_KEY),
            # Stored as a digest: the clear key never needs to be in the configuration.
            AgentKey(name="dashboard", key_sha256=digest(READ_ONLY_KEY), scopes={"reviews:read"}),
            AgentKey(name="intake", key=CREATE_ONLY_KEY, scopes={"reviews:create"}),
        ],
        "reviewers": [
            ReviewerToken(user="alice", groups=["editors"], token=TOKENS["alice"]),
            ReviewerToken(user="bob", groups=["editors"], token_sha256=digest(TOKENS["bob"])),
            ReviewerToken(user="mallory", groups=["marketing"], token=TOKENS["mallory"]),
            ReviewerToken(user="ops", operator=True, token=TOKENS["ops"]),
        ],
        "templates": {
            "refund": ReviewTemplate(
                title="Refund request",
                fields=[
                    ContentField(name="customer", value=None),
                    ContentField(name="amount", kind="json", value=None),
                    ContentField(name="note", value="", editable=True),
                ],
                response=FormSpec(
                    inputs=[
                        FormInput(name="approved_amount", spec=NumberSpec(min=0)),
                        FormInput(name="reason", spec=TextSpec(), required=False),
                    ]
                ),
                groups=["editors"],
                queue="billing",
                priority="high",
            )
        },
    }
    values.update(overrides)
    return GatewaySettings(**values)


def app_for(client: Client, task_queue: str, **overrides: Any) -> FastAPI:
    return create_app(settings(task_queue, **overrides), client=client)


def http(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


def agent(key: str = AGENT_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def reviewer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


async def create_review(api: httpx.AsyncClient, **body: object) -> str:
    """Create a review as the agent (routed to editors unless told otherwise); its id."""
    body.setdefault("title", "Check")
    body.setdefault("groups", ["editors"])
    response = await api.post("/v1/reviews", json=body, headers=agent())
    assert response.status_code == 201, response.text
    review_id: str = response.json()["review_id"]
    return review_id
