"""Agent API over HTTP: create (idempotent), read, long-poll the outcome, stream events,
submit content, cancel; templates."""

from __future__ import annotations

import asyncio
import json

import httpx

from support.gateway import CREATE_ONLY_KEY, READ_ONLY_KEY, agent, create_review, reviewer

DRAFT = {"name": "draft", "value": "v1", "editable": True, "instructions": True}


async def test_create_then_read_state(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/reviews",
        json={"title": "Ship it?", "fields": [DRAFT], "groups": ["editors"], "meta": {"run": 9}},
        headers=agent(),
    )
    assert response.status_code == 201
    created = response.json()
    assert created["created"] is True
    assert created["workflow_id"] == f"review-{created['review_id']}"
    assert created["url"] == f"https://reviews.example.test/ui/reviews/{created['review_id']}"
    state = (await api.get(f"/v1/reviews/{created['review_id']}", headers=agent())).json()
    assert (state["status"], state["revision"], state["meta"]) == ("pending", 1, {"run": 9})
    assert state["fields"][0]["value"] == "v1"


async def test_idempotency_key_returns_the_same_review(api: httpx.AsyncClient) -> None:
    headers = {**agent(), "Idempotency-Key": "order-42"}
    body = {"title": "Once", "groups": ["editors"]}
    first, second = await asyncio.gather(
        api.post("/v1/reviews", json=body, headers=headers),
        api.post("/v1/reviews", json=body, headers=headers),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["review_id"] == second.json()["review_id"]
    third = await api.post("/v1/reviews", json=body, headers=headers)
    assert (third.status_code, third.json()["created"]) == (200, False)
    # The same key with a different body is a conflict, not a second review.
    other = await api.post("/v1/reviews", json={**body, "title": "Twice"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"


async def test_outcome_long_poll_returns_when_decided(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    pending = await api.get(f"/v1/reviews/{review_id}/outcome", headers=agent())
    assert pending.json() == {
        "review_id": review_id,
        "done": False,
        "status": "pending",
        "outcome": None,
    }

    async def decide_soon() -> None:
        await asyncio.sleep(0.5)
        decided = await api.post(
            f"/v1/reviews/{review_id}/respond",
            json={"revision": 1, "response": "approve"},
            headers=reviewer("alice"),
        )
        assert decided.status_code == 200

    waiting = api.get(f"/v1/reviews/{review_id}/outcome?wait=20", headers=agent(), timeout=30)
    response, _ = await asyncio.gather(waiting, decide_soon())
    body = response.json()
    assert body["done"] is True and body["status"] == "completed"
    assert body["outcome"]["response"] == {"decision": "approve", "reason": None}
    assert body["outcome"]["responded_by"] == "alice"


async def test_outcome_wait_is_capped(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    response = await api.get(f"/v1/reviews/{review_id}/outcome?wait=61", headers=agent())
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["query", "wait"]


async def test_events_stream_until_the_review_ends(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    received: list[dict[str, object]] = []

    async def listen() -> None:
        async with api.stream("GET", f"/v1/reviews/{review_id}/events", headers=agent()) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    received.append(json.loads(line.removeprefix("data: ")))

    async def act() -> None:
        await asyncio.sleep(0.3)
        await api.post(f"/v1/reviews/{review_id}/claim", headers=reviewer("bob"))
        await api.post(
            f"/v1/reviews/{review_id}/respond",
            json={"revision": 1, "response": "reject"},
            headers=reviewer("bob"),
        )

    await asyncio.wait_for(asyncio.gather(listen(), act()), timeout=30)
    assert [e["type"] for e in received] == ["review.created", "review.claimed", "review.completed"]
    assert [e["id"] for e in received] == [f"{review_id}:{n}" for n in (1, 2, 3)]
    # Resuming after the second event replays only what came later.
    async with api.stream(
        "GET",
        f"/v1/reviews/{review_id}/events",
        headers={**agent(), "Last-Event-ID": f"{review_id}:2"},
    ) as resumed:
        lines = [line async for line in resumed.aiter_lines() if line.startswith("id: ")]
    assert lines == [f"id: {review_id}:3"]


async def test_content_loop_and_cancel_for_http_agents(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api, fields=[DRAFT])
    asked = await api.post(
        f"/v1/reviews/{review_id}/request-changes",
        json={"revision": 1, "changes": [{"field": "draft", "instruction": "shorter"}]},
        headers=reviewer("alice"),
    )
    assert asked.json()["status"] == "changes_requested"
    state = (await api.get(f"/v1/reviews/{review_id}", headers=agent())).json()
    assert state["pending_changes"]["all_text_instructions"] == {"draft": ["shorter"]}
    updated = await api.post(
        f"/v1/reviews/{review_id}/content",
        json={"revision": 1, "fields": {"draft": "v2"}},
        headers={**agent(), "Idempotency-Key": "content-1"},
    )
    assert (updated.status_code, updated.json()["revision"]) == (200, 2)
    repeat = await api.post(
        f"/v1/reviews/{review_id}/content",
        json={"revision": 1, "fields": {"draft": "v2"}},
        headers={**agent(), "Idempotency-Key": "content-1"},
    )
    assert repeat.json() == updated.json()  # a retried submission returns the first result
    stale = await api.post(
        f"/v1/reviews/{review_id}/content",
        json={"revision": 1, "fields": {"draft": "v3"}},
        headers=agent(),
    )
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "wrong_status")
    cancelled = await api.post(
        f"/v1/reviews/{review_id}/cancel", json={"reason": "superseded"}, headers=agent()
    )
    assert cancelled.json()["status"] == "cancelled"
    outcome = (await api.get(f"/v1/reviews/{review_id}/outcome", headers=agent())).json()
    assert outcome["outcome"]["status"] == "cancelled"
    assert outcome["outcome"]["comment"] == "superseded"
    again = await api.post(f"/v1/reviews/{review_id}/cancel", headers=agent())
    assert (again.status_code, again.json()["error"]["code"]) == (409, "review_ended")


async def test_template_fills_fields_and_routing(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/reviews",
        json={"template": "refund", "values": {"customer": "ACME", "amount": {"eur": 120}}},
        headers=agent(),
    )
    assert response.status_code == 201, response.text
    review_id = response.json()["review_id"]
    state = (await api.get(f"/v1/reviews/{review_id}", headers=agent())).json()
    assert state["title"] == "Refund request" and state["template"] == "refund"
    assert (state["queue"], state["priority"], state["groups"]) == ("billing", "high", ["editors"])
    assert [f["value"] for f in state["fields"]] == ["ACME", {"eur": 120}, ""]
    bad = await api.post(
        f"/v1/reviews/{review_id}/respond",
        json={"revision": 1, "response": {"approved_amount": -5}},
        headers=reviewer("alice"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"] == [
        {"path": "approved_amount", "message": "must be at least 0"}
    ]


async def test_template_errors_are_422(api: httpx.AsyncClient) -> None:
    cases = [
        ({"template": "nope", "values": {}}, "unknown_template"),
        ({"template": "refund", "values": {"customer": "A"}}, "invalid_values"),  # amount missing
        ({"template": "refund", "values": {"customer": 7, "amount": 1}}, "invalid_values"),
        (
            {"template": "refund", "values": {"customer": "A", "amount": 1, "x": 1}},
            "invalid_values",
        ),
        ({"title": "t", "values": {"a": 1}}, "invalid_request"),
    ]
    for body, code in cases:
        response = await api.post("/v1/reviews", json=body, headers=agent())
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), body


async def test_scopes_limit_agent_keys(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    read_only = agent(READ_ONLY_KEY)
    assert (await api.get(f"/v1/reviews/{review_id}", headers=read_only)).status_code == 200
    refused = await api.post("/v1/reviews", json={"title": "t"}, headers=read_only)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
    create_only = agent(CREATE_ONLY_KEY)
    assert (await api.get(f"/v1/reviews/{review_id}", headers=create_only)).status_code == 403
    assert (
        await api.post(f"/v1/reviews/{review_id}/cancel", headers=create_only)
    ).status_code == 403
    assert (await api.post(f"/v1/reviews/{review_id}/cancel", headers=read_only)).status_code == 403
    state = (await api.get(f"/v1/reviews/{review_id}", headers=agent())).json()
    assert state["status"] == "pending"  # refused calls changed nothing


async def test_outcome_is_not_held_up_by_a_dead_webhook_receiver(api: httpx.AsyncClient) -> None:
    from support.processes import free_port

    # Nothing listens there: the review decides, then keeps retrying its deliveries.
    dead = f"http://127.0.0.1:{free_port()}/hook"
    review_id = await create_review(api, callbacks=[{"url": dead}])
    await api.post(
        f"/v1/reviews/{review_id}/respond",
        json={"revision": 1, "response": "approve"},
        headers=reviewer("alice"),
    )
    waited = await api.get(f"/v1/reviews/{review_id}/outcome?wait=30", headers=agent(), timeout=40)
    body = waited.json()
    assert body["done"] is True and body["outcome"]["status"] == "completed"
    assert waited.elapsed.total_seconds() < 10  # not the full wait
