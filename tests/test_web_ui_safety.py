"""Agent content cannot run scripts in the reviewer's browser; forms need the session's
CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, expect

from support.browser import new_page, shot, sign_in
from support.gateway import TOKENS, create_review, http
from temporal_review.workflows import ReviewStatus

pytestmark = [pytest.mark.usefixtures("worker"), pytest.mark.timeout(120)]


HOSTILE = {
    "title": 'Hostile <script>window.pwned = "title"</script>',
    "fields": [
        {
            "name": "md",
            "kind": "markdown",
            "value": (
                '<script>window.pwned = "script"</script>\n\n'
                '<img src="x" onerror="window.pwned = \'onerror\'">\n\n'
                '[click me](javascript:window.pwned="link")\n\n'
                '<a href="javascript:window.pwned=1" onclick="window.pwned=2">raw link</a>\n\n'
                "**bold** and a [real link](https://example.com/)"
            ),
        },
        {"name": "txt", "value": "<img src=x onerror=\"window.pwned = 'text'\">"},
        {"name": "data", "kind": "json", "value": {"html": "<script>window.pwned='json'</script>"}},
    ],
    "context": {"reasoning": "<svg onload=\"window.pwned='svg'\"></svg>", "flags": ["<b>x</b>"]},
}


async def test_content_from_agents_cannot_run_scripts(
    app: FastAPI, browser: Browser, site: str
) -> None:
    async with http(app) as api:
        review_id = await create_review(api, **HOSTILE)
    page = await new_page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await sign_in(page, site, TOKENS["alice"])
    response = await page.goto(f"{site}/ui/reviews/{review_id}")
    assert (
        response is not None and "script-src" not in (response.headers["content-security-policy"])
    )
    await expect(page.locator("#field-md strong")).to_have_text("bold")
    await expect(page.locator("#field-md a", has_text="real link")).to_have_attribute(
        "href", "https://example.com/"
    )
    # The text arrives as text, not markup.
    await expect(page.locator("h1")).to_have_text(HOSTILE["title"])
    await expect(page.locator("#field-txt")).to_contain_text("<img src=x onerror=")
    # No element from the content carries a script, a handler or a script URL...
    hostile = "main script, main [onerror], main [onclick], main [onload], a[href^='javascript']"
    await expect(page.locator(hostile)).to_have_count(0)
    # ...and following every link the content produced runs nothing either.
    for link in await page.locator(".content a").all():
        href = await link.get_attribute("href")
        assert href is not None and href.startswith(("http://", "https://"))
    await page.locator(".content").get_by_text("click me").click()
    assert await page.evaluate("window.pwned") is None
    assert dialogs == []
    await shot(page, "hostile-content")


async def test_forms_without_the_session_csrf_token_are_refused(app: FastAPI, site: str) -> None:
    import httpx

    async with http(app) as api:
        review_id = await create_review(api, title="CSRF target")
    async with httpx.AsyncClient(base_url=site, follow_redirects=False) as browser_like:
        login = await browser_like.get("/ui/login")
        nonce = login.text.split('name="nonce" value="')[1].split('"')[0]
        signed = await browser_like.post(
            "/ui/login", data={"nonce": nonce, "token": TOKENS["alice"], "next": "/ui/"}
        )
        assert signed.status_code == 303
        forged: dict[str, Any] = {"revision": "1", "csrf": "guessed"}
        refused = await browser_like.post(f"/ui/reviews/{review_id}/claim", data=forged)
        assert refused.status_code == 403 and "Expired form" in refused.text
        async with http(app) as api:
            state = (
                await api.get(
                    f"/v1/reviews/{review_id}",
                    headers={"Authorization": f"Bearer {TOKENS['alice']}"},
                )
            ).json()
        assert state["status"] == ReviewStatus.PENDING.value  # nothing changed
