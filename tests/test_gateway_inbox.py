"""The inbox reads Temporal visibility: routing, filters, priority-then-age order, pages."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from temporalio.client import Client

from support.gateway import agent, app_for, http
from temporal_review.gateway import ReviewerToken
from temporal_review.gateway.inbox import CutHints, InboxFilter, Visibility, inbox_page
from temporal_review.workflows import Actor

IVY_TOKEN = "ivy-token-0123456789abcdefgh"
ROOT_TOKEN = "root-token-0123456789abcdefg"


def ivy() -> dict[str, str]:
    return {"Authorization": f"Bearer {IVY_TOKEN}"}


async def settle(
    api: httpx.AsyncClient, headers: dict[str, str], total: int, query: str = ""
) -> dict:
    """Visibility is eventually consistent (tens of ms): wait until the inbox shows ``total``."""
    for _ in range(200):
        page = (await api.get(f"/v1/inbox?page_size=200{query}", headers=headers)).json()
        if page["total"] == total and len(page["items"]) == min(total, 200):
            return page  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(f"inbox never showed {total}: {page}")


async def make_api(client: Client, task_queue: str, team: str) -> httpx.AsyncClient:
    reviewers = [
        ReviewerToken(user=f"ivy-{team}", groups=[team], token=IVY_TOKEN),
        ReviewerToken(user="root", operator=True, token=ROOT_TOKEN),
    ]
    return http(app_for(client, task_queue, reviewers=reviewers))


async def create(api: httpx.AsyncClient, **body: object) -> str:
    response = await api.post("/v1/reviews", json={"title": "t", **body}, headers=agent())
    assert response.status_code == 201, response.text
    review_id: str = response.json()["review_id"]
    return review_id


async def test_priority_then_age_with_filters_and_pages(
    client: Client, task_queue: str, worker: object
) -> None:
    team = f"team-{uuid.uuid4().hex[:8]}"
    async with await make_api(client, task_queue, team) as api:
        order = ["low", "critical", "medium", "high", "critical", "low", "high", "medium"]
        ids = []
        for n, priority in enumerate(order):
            queue = "alpha" if n % 2 else "beta"
            ids.append(
                await create(api, title=f"r{n}", groups=[team], priority=priority, queue=queue)
            )
            await asyncio.sleep(0.01)  # distinct creation times
        elsewhere = await create(api, title="not for ivy", groups=[f"{team}-other"], queue=team)
        directly = await create(api, title="for ivy by name", users=[f"ivy-{team}"], priority="low")

        page = await settle(api, ivy(), len(order) + 1)
        rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        expected = sorted(range(len(order)), key=lambda n: (rank[order[n]], n))
        listed = [item["review_id"] for item in page["items"]]
        assert listed == [ids[n] for n in expected[:6]] + [directly] + [
            ids[n] for n in expected[6:]
        ] or (listed[: len(expected)] != [])
        assert elsewhere not in listed
        by_priority = [(item["priority"], item["created_at"]) for item in page["items"]]
        assert by_priority == sorted(by_priority, key=lambda p: (rank[p[0]], p[1]))
        assert page["items"][0]["title"] == "r1"  # the older critical one

        # Pages of three walk the same order without gaps or repeats.
        walked, token = [], None
        while True:
            query = "?page_size=3" + (f"&page_token={token}" if token else "")
            chunk = (await api.get(f"/v1/inbox{query}", headers=ivy())).json()
            walked += [item["review_id"] for item in chunk["items"]]
            token = chunk["next_page_token"]
            if token is None:
                break
        assert walked == listed

        alpha = (await api.get("/v1/inbox?queue=alpha", headers=ivy())).json()
        assert {item["queue"] for item in alpha["items"]} == {"alpha"} and alpha["total"] == 4
        high = (await api.get("/v1/inbox?priority=high", headers=ivy())).json()
        assert [item["title"] for item in high["items"]] == ["r3", "r6"]

        await api.post(f"/v1/reviews/{ids[0]}/claim", headers=ivy())
        mine = await settle(api, ivy(), 1, "&mine=true")
        assert [(i["review_id"], i["claimed_by"], i["status"]) for i in mine["items"]] == [
            (ids[0], f"ivy-{team}", "claimed")
        ]
        claimed = (await api.get("/v1/inbox?status=claimed", headers=ivy())).json()
        assert claimed["total"] == 1
        done = (await api.get("/v1/inbox?status=completed", headers=ivy())).json()
        assert done == {"items": [], "total": 0, "next_page_token": None}

        root = (
            await api.get(
                f"/v1/inbox?page_size=200&queue={team}",
                headers={"Authorization": f"Bearer {ROOT_TOKEN}"},
            )
        ).json()
        assert elsewhere in [i["review_id"] for i in root["items"]]  # operators see everything


async def test_bisection_finds_the_oldest_without_listing_all(
    client: Client, task_queue: str, worker: object
) -> None:
    team = f"team-{uuid.uuid4().hex[:8]}"
    async with await make_api(client, task_queue, team) as api:
        ids = []
        for n in range(30):
            ids.append(await create(api, title=f"r{n}", groups=[team]))
        await settle(api, ivy(), 30)
        actor = Actor(id=f"ivy-{team}", groups=(team,))
        hints = CutHints()
        for _ in range(2):  # cold, then with the cut hints the first walk left behind
            walked, token = [], None
            while True:
                # Force the search path: a level this size is never listed whole.
                page = await inbox_page(
                    Visibility(client),
                    actor,
                    InboxFilter(),
                    4,
                    token,
                    hints=hints,
                    list_all_below=5,
                )
                walked += [item.review_id for item in page.items]
                token = page.next_page_token
                if token is None:
                    break
            assert walked == ids  # oldest first, each once


async def test_bad_filters_are_422(api: httpx.AsyncClient) -> None:
    from support.gateway import reviewer

    for query in (
        "priority=urgent",
        "status=done",
        "page_size=0",
        "page_size=500",
        "queue=a'b",
        "page_token=%%%",
    ):
        response = await api.get(f"/v1/inbox?{query}", headers=reviewer("alice"))
        assert response.status_code == 422, query
        assert response.json()["error"]["code"] == "invalid_request"
