"""Reviewer API over HTTP: actions, every error code, every authorisation denial."""

from __future__ import annotations

import asyncio

import httpx
from temporalio.client import Client

from support.gateway import TOKENS, agent, app_for, create_review, http, reviewer


def error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


async def test_claim_release_respond(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api, fields=[{"name": "text", "value": "hi", "editable": True}])
    claimed = await api.post(
        f"/v1/reviews/{review_id}/claim", json={"revision": 1}, headers=reviewer("alice")
    )
    assert (claimed.status_code, claimed.json()["claimed_by"]) == (200, "alice")
    assert error(await api.post(f"/v1/reviews/{review_id}/claim", headers=reviewer("bob"))) == (
        409,
        "claimed_by_other",
    )
    released = await api.post(f"/v1/reviews/{review_id}/release", headers=reviewer("alice"))
    assert released.json()["status"] == "pending"
    responded = await api.post(
        f"/v1/reviews/{review_id}/respond",
        json={"revision": 1, "response": "modify", "edits": {"text": "hello"}, "comment": "ok"},
        headers=reviewer("bob"),
    )
    assert responded.json()["status"] == "completed"
    outcome = (await api.get(f"/v1/reviews/{review_id}/outcome", headers=agent())).json()["outcome"]
    assert outcome["fields"] == [{"name": "text", "value": "hello", "was_edited": True}]
    assert error(
        await api.post(
            f"/v1/reviews/{review_id}/respond",
            json={"revision": 1, "response": "approve"},
            headers=reviewer("alice"),
        )
    ) == (409, "review_ended")


async def test_fifty_reviewers_race_one_wins(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    names = ["alice", "bob"] * 25
    results = await asyncio.gather(
        *(api.post(f"/v1/reviews/{review_id}/claim", headers=reviewer(n)) for n in names)
    )
    winners = {r.json()["claimed_by"] for r in results if r.status_code == 200}
    assert len(winners) == 1
    assert all(error(r) == (409, "claimed_by_other") for r in results if r.status_code != 200)


async def test_duplicate_submissions_decide_once(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    headers = {**reviewer("alice"), "Idempotency-Key": "submit-7"}
    body = {"revision": 1, "response": {"decision": "reject", "reason": "typo"}}
    results = await asyncio.gather(
        *(
            api.post(f"/v1/reviews/{review_id}/respond", json=body, headers=headers)
            for _ in range(10)
        )
    )
    assert {r.status_code for r in results} == {200}
    assert len({r.text for r in results}) == 1
    state = (await api.get(f"/v1/reviews/{review_id}", headers=agent())).json()
    assert [e["action"] for e in state["audit"]].count("responded") == 1


async def test_stale_revision_and_invalid_response(api: httpx.AsyncClient) -> None:
    review_id = await create_review(
        api,
        fields=[{"name": "draft", "value": "v1", "retry": True}],
        response={"type": "rating", "min": 1, "max": 5},
    )
    await api.post(
        f"/v1/reviews/{review_id}/request-changes",
        json={"revision": 1, "changes": [{"field": "draft"}]},
        headers=reviewer("alice"),
    )
    await api.post(
        f"/v1/reviews/{review_id}/content",
        json={"revision": 1, "fields": {"draft": "v2"}},
        headers=agent(),
    )
    stale = await api.post(
        f"/v1/reviews/{review_id}/respond",
        json={"revision": 1, "response": 3},
        headers=reviewer("bob"),
    )
    assert error(stale) == (409, "stale_revision")
    invalid = await api.post(
        f"/v1/reviews/{review_id}/respond",
        json={"revision": 2, "response": 9},
        headers=reviewer("bob"),
    )
    assert error(invalid) == (422, "invalid_response")
    assert invalid.json()["error"]["details"] == [
        {"path": "", "message": "rating must be between 1 and 5"}
    ]
    state = (await api.get(f"/v1/reviews/{review_id}", headers=agent())).json()
    assert (state["status"], state["revision"]) == ("pending", 2)


async def test_escalate_reroutes_and_removes_access(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api, escalation=[{"after": "P1D", "groups": ["marketing"]}])
    escalated = await api.post(
        f"/v1/reviews/{review_id}/escalate",
        json={"reason": "needs marketing"},
        headers=reviewer("alice"),
    )
    assert escalated.json()["tier"] == 1
    assert error(await api.get(f"/v1/reviews/{review_id}", headers=reviewer("alice"))) == (
        403,
        "forbidden",
    )
    assert (
        await api.get(f"/v1/reviews/{review_id}", headers=reviewer("mallory"))
    ).status_code == 200
    assert error(await api.post(f"/v1/reviews/{review_id}/claim", headers=reviewer("alice"))) == (
        403,
        "forbidden",
    )


async def test_every_denial(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    url = f"/v1/reviews/{review_id}"
    # 401: no credentials, a wrong token, a malformed header.
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
        {"X-API-Key": ""},
    ):
        assert error(await api.get(url, headers=headers)) == (401, "unauthenticated")
        assert error(await api.post(f"{url}/claim", headers=headers)) == (401, "unauthenticated")
    assert error(await api.get("/v1/inbox")) == (401, "unauthenticated")
    # 403: a reviewer outside the routing sees, claims and answers nothing.
    mallory = reviewer("mallory")
    assert error(await api.get(url, headers=mallory)) == (403, "forbidden")
    assert error(await api.get(f"{url}/events", headers=mallory)) == (403, "forbidden")
    assert error(await api.post(f"{url}/claim", headers=mallory)) == (403, "forbidden")
    respond = {"revision": 1, "response": "approve"}
    assert error(await api.post(f"{url}/respond", json=respond, headers=mallory)) == (
        403,
        "forbidden",
    )
    assert error(await api.post(f"{url}/escalate", json={"reason": "x"}, headers=mallory)) == (
        403,
        "forbidden",
    )
    # 403: reviewers cannot use agent routes, agents cannot use reviewer routes.
    assert error(await api.post("/v1/reviews", json={"title": "t"}, headers=reviewer("alice"))) == (
        403,
        "forbidden",
    )
    assert error(await api.post(f"{url}/cancel", headers=reviewer("ops"))) == (403, "forbidden")
    assert error(await api.get(f"{url}/outcome", headers=reviewer("alice"))) == (403, "forbidden")
    assert error(await api.post(f"{url}/claim", headers=agent())) == (403, "forbidden")
    assert error(await api.get("/v1/inbox", headers=agent())) == (403, "forbidden")
    # The operator sees and acts on everything.
    assert (await api.get(url, headers=reviewer("ops"))).status_code == 200
    assert (
        await api.post(f"{url}/respond", json=respond, headers=reviewer("ops"))
    ).status_code == 200


async def test_unknown_review_and_route(api: httpx.AsyncClient) -> None:
    assert error(await api.get("/v1/reviews/does-not-exist", headers=agent())) == (404, "not_found")
    assert error(await api.post("/v1/reviews/does-not-exist/claim", headers=reviewer("alice"))) == (
        404,
        "not_found",
    )
    assert error(await api.get("/v1/nothing-here", headers=agent())) == (404, "not_found")
    assert error(await api.delete("/v1/inbox", headers=agent())) == (405, "method_not_allowed")


async def test_invalid_bodies_are_422_with_locations(api: httpx.AsyncClient) -> None:
    review_id = await create_review(api)
    bad = await api.post(
        f"/v1/reviews/{review_id}/respond", json={"response": "approve"}, headers=reviewer("alice")
    )
    assert error(bad) == (422, "invalid_request")
    assert bad.json()["error"]["details"][0]["loc"] == ["body", "revision"]
    not_json = await api.post(
        f"/v1/reviews/{review_id}/respond",
        content=b"{nope",
        headers={**reviewer("alice"), "Content-Type": "application/json"},
    )
    assert error(not_json) == (422, "invalid_request")
    not_utf8 = await api.post(
        f"/v1/reviews/{review_id}/respond",
        content=b"\xff\xfe\x00",
        headers={**reviewer("alice"), "Content-Type": "application/json"},
    )
    assert error(not_utf8) == (422, "invalid_request")
    bad_key = await api.post(
        f"/v1/reviews/{review_id}/claim",
        headers={**reviewer("alice"), "Idempotency-Key": "has spaces in it"},
    )
    assert error(bad_key) == (422, "invalid_request")
    bad_id = await api.get("/v1/reviews/bad%20id", headers=agent())
    assert error(bad_id) == (422, "invalid_request")
    big = await api.post("/v1/reviews", content=b"x" * 2_000_000, headers=agent())
    assert error(big) == (413, "body_too_large")


async def test_trusted_headers_identify_reviewers_only_when_enabled(
    client: Client, task_queue: str, worker: object
) -> None:
    proxy = {"X-Forwarded-User": "alice", "X-Forwarded-Groups": "editors, other"}
    async with http(app_for(client, task_queue)) as closed:
        assert error(await closed.get("/v1/inbox", headers=proxy)) == (401, "unauthenticated")
    trusted = {"trusted_headers": {"enabled": True, "operator_group": "admins"}}
    async with http(app_for(client, task_queue, **trusted)) as api:
        review_id = await create_review(api)
        claimed = await api.post(f"/v1/reviews/{review_id}/claim", headers=proxy)
        assert claimed.json()["claimed_by"] == "alice"
        outsider = {"X-Forwarded-User": "eve", "X-Forwarded-Groups": "sales"}
        assert error(await api.get(f"/v1/reviews/{review_id}", headers=outsider)) == (
            403,
            "forbidden",
        )
        admin = {"X-Forwarded-User": "root", "X-Forwarded-Groups": "admins"}
        assert (await api.get(f"/v1/reviews/{review_id}", headers=admin)).status_code == 200
        # A bearer token still wins over headers.
        mixed = {**outsider, "Authorization": f"Bearer {TOKENS['bob']}"}
        assert (await api.get(f"/v1/reviews/{review_id}", headers=mixed)).status_code == 200


async def test_no_worker_answering_is_503(client: Client) -> None:
    async with http(app_for(client, "queue-without-workers", action_timeout_seconds=1)) as api:
        review_id = await create_review(api)
        response = await api.post(f"/v1/reviews/{review_id}/claim", headers=reviewer("alice"))
        assert error(response) == (503, "unavailable")
        state = await api.get(f"/v1/reviews/{review_id}", headers=agent())
        assert error(state) == (503, "unavailable")


async def test_temporal_unreachable_is_503(task_queue: str) -> None:
    from temporalio.service import RetryConfig
    from temporalio.testing import WorkflowEnvironment

    from support.reviews import review_plugin
    from temporal_review.worker import temporal_cli_path

    # A gateway connected to a Temporal server that then goes away; its client retries
    # for about a second, as the gateway's own lifespan configures it.
    doomed = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_cli_path())
    client = await Client.connect(
        doomed.client.service_client.config.target_host,
        plugins=[review_plugin()],
        retry_config=RetryConfig(max_elapsed_time_millis=1000),
    )
    await doomed.shutdown()
    async with http(app_for(client, task_queue, action_timeout_seconds=1)) as api:
        for response in (
            await api.post("/v1/reviews", json={"title": "t"}, headers=agent()),
            await api.get("/v1/reviews/abc", headers=agent()),
            await api.post("/v1/reviews/abc/claim", headers=reviewer("alice")),
            await api.get("/v1/inbox", headers=reviewer("alice")),
        ):
            assert error(response) == (503, "unavailable"), response.text


async def test_hostile_proxy_identity_cannot_inject_queries(
    client: Client, task_queue: str, worker: object
) -> None:
    trusted = {"trusted_headers": {"enabled": True}}
    async with http(app_for(client, task_queue, **trusted)) as api:
        for user in ("eve' OR '1'='1", 'eve"', "eve\\"):
            response = await api.get("/v1/inbox", headers={"X-Forwarded-User": user})
            assert error(response) == (422, "invalid_request"), user
