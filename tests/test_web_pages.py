"""Web UI behaviour that needs no browser: sessions, trusted headers, paging, filters."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from temporalio.client import Client

from support.gateway import TOKENS, app_for, create_review
from support.reviews import new_id

pytestmark = pytest.mark.usefixtures("worker")


def browser_like(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://gateway", follow_redirects=False)


async def sign_in(web: httpx.AsyncClient, name: str) -> httpx.Response:
    login = await web.get("/ui/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', login.text)
    assert nonce is not None
    return await web.post(
        "/ui/login", data={"nonce": nonce.group(1), "token": TOKENS[name], "next": "/ui/"}
    )


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


async def test_the_session_cookie_is_signed_httponly_and_ends_at_sign_out(
    client: Client, task_queue: str
) -> None:
    async with browser_like(app_for(client, task_queue)) as web:
        signed = await sign_in(web, "alice")
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/ui" in cookie
        assert TOKENS["alice"] not in cookie  # the cookie holds a digest, signed
        inbox = await web.get("/ui/")
        assert inbox.status_code == 200 and "Signed in as <strong>alice</strong>" in inbox.text
        # A tampered cookie is no session at all.
        value = web.cookies["review_session"]
        web.cookies.set(
            "review_session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"), path="/ui"
        )
        assert (await web.get("/ui/")).status_code == 303
        web.cookies.set("review_session", value, path="/ui")
        out = await web.post("/ui/logout", data={"csrf": csrf_of(inbox.text)})
        assert out.status_code == 303 and out.headers["location"] == "/ui/login"
        assert 'review_session=""' in out.headers["set-cookie"]


async def test_the_trusted_proxy_signs_reviewers_in_and_forms_still_need_csrf(
    client: Client, task_queue: str
) -> None:
    app = app_for(client, task_queue, trusted_headers={"enabled": True})
    async with browser_like(app) as web:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as api:
            review_id = await create_review(api, title="Via the proxy")
        proxy = {"X-Forwarded-User": "carol", "X-Forwarded-Groups": "editors, legal"}
        page = await web.get(f"/ui/reviews/{review_id}", headers=proxy)
        assert page.status_code == 200 and "Signed in as <strong>carol</strong>" in page.text
        assert "review_session=" in page.headers["set-cookie"]  # it carries the CSRF token
        forged = await web.post(
            f"/ui/reviews/{review_id}/claim", data={"revision": "1", "csrf": "x"}, headers=proxy
        )
        assert forged.status_code == 403
        claimed = await web.post(
            f"/ui/reviews/{review_id}/claim",
            data={"revision": "1", "csrf": csrf_of(page.text), "nonce": new_id()},
            headers=proxy,
        )
        assert claimed.status_code == 303
        after = await web.get(f"/ui/reviews/{review_id}", headers=proxy)
        assert "Claimed by <strong>carol</strong>" in after.text


async def test_the_inbox_pages_in_priority_then_age_order_and_filters(
    client: Client, task_queue: str
) -> None:
    queue = f"paging-{new_id()}"
    app = app_for(client, task_queue)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as api:
        ids = [await create_review(api, title=f"Item {i:02d}", queue=queue) for i in range(27)]
        urgent = await create_review(api, title="Urgent item", queue=queue, priority="critical")
    async with browser_like(app) as web:
        await sign_in(web, "alice")
        titles: list[str] = []
        url = f"/ui/?queue={queue}"
        for _ in range(50):  # visibility catches up with the new reviews
            first = await web.get(url)
            titles = re.findall(r'<a href="/ui/reviews/[^"]+">([^<]+)</a>', first.text)
            if '<span class="count">28</span>' in first.text:
                break
            await asyncio.sleep(0.1)
        assert titles[0] == "Urgent item"  # critical first, then oldest first
        assert titles[1:] == [f"Item {i:02d}" for i in range(24)]
        following = re.search(r'href="(/ui/\?[^"]*page=[^"]+)">Next page', first.text)
        assert following is not None
        second = await web.get(following.group(1).replace("&amp;", "&"))
        rest = re.findall(r'<a href="/ui/reviews/[^"]+">([^<]+)</a>', second.text)
        assert rest == ["Item 24", "Item 25", "Item 26"]
        assert "Next page" not in second.text
        only_critical = await web.get(f"/ui/?queue={queue}&priority=critical")
        assert re.findall(r'<a href="/ui/reviews/[^"]+">([^<]+)</a>', only_critical.text) == [
            "Urgent item"
        ]
        odd = await web.get(f"/ui/?queue={queue}&status=bogus&priority=nonsense")
        assert odd.status_code == 200  # unknown filters are ignored, not an error page
    assert len({*ids, urgent}) == 28
