"""The reviewer web UI in a real browser: Debian's chromium driven by Playwright, against
the gateway served by uvicorn, a real Temporal dev server, and the example agent."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, Page, expect
from temporalio.client import Client

from support.browser import chromium, serving, shot, sign_in
from support.gateway import TOKENS, app_for, create_review, http
from support.reviews import new_id
from temporal_review.activities.links import LinkClaims, sign_link
from temporal_review.workflows import ReviewStatus
from temporal_review.workflows.example_agent import ExampleAgentInput, ExampleAgentWorkflow

pytestmark = [pytest.mark.usefixtures("worker"), pytest.mark.timeout(120)]

LINK_SECRET = "browser-test-link-secret-0123456789abcdef"


@pytest.fixture
def app(client: Client, task_queue: str) -> FastAPI:
    return app_for(client, task_queue, link_secret=LINK_SECRET)


@pytest.fixture
async def site(app: FastAPI) -> AsyncIterator[str]:
    async with serving(app) as base_url:
        yield base_url


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def new_page(browser: Browser, *, javascript: bool = True) -> Page:
    context = await browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1100, "height": 900}
    )
    return await context.new_page()


async def reload_until(page: Page, selector: str, text: str, within: float = 30) -> None:
    """Reload until ``selector`` shows ``text`` (the agent works in the background)."""
    deadline = asyncio.get_running_loop().time() + within
    while text not in (await page.locator(selector).inner_text()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{selector} never showed {text!r}")
        await asyncio.sleep(0.3)
        await page.reload()


async def test_a_reviewer_walks_the_whole_flow_without_javascript(
    client: Client, task_queue: str, browser: Browser, site: str
) -> None:
    review_id = new_id()
    queue = f"launches-{review_id}"  # the shared server holds other tests' reviews too
    agent = await client.start_workflow(
        ExampleAgentWorkflow.run,
        ExampleAgentInput(
            topic="the spring release",
            review_id=review_id,
            queue=queue,
            groups=["editors"],
            review_task_queue=task_queue,
        ),
        id=f"agent-{review_id}",
        task_queue=task_queue,
    )
    page = await new_page(browser, javascript=False)  # every step works without scripts
    await page.goto(f"{site}/ui/")
    await expect(page).to_have_url(f"{site}/ui/login?next=/ui/")
    await shot(page, "login")
    await sign_in(page, site, TOKENS["alice"])
    await expect(page.locator("header nav")).to_contain_text("Signed in as alice")

    # The inbox, filtered to the agent's queue, lists the review; it opens from there.
    title = "Announcement: the spring release"
    await page.fill("input[name=queue]", queue)
    await page.click(".filters button[type=submit]")
    await expect(page).to_have_url(re.compile(rf"queue={queue}"))
    await reload_until(page, "main", title)
    row = page.locator("table.inbox tr", has_text=title)
    await expect(row).to_contain_text("medium")
    await expect(row).to_contain_text(queue)
    await shot(page, "inbox")
    await row.get_by_role("link", name=title).click()
    await expect(page).to_have_url(f"{site}/ui/reviews/{review_id}")
    await expect(page.locator(".context")).to_contain_text("Confidence: 72%")
    await expect(page.locator(".context")).to_contain_text("First draft from the topic alone.")
    await expect(page.locator("#field-draft")).to_contain_text(
        "A short announcement about the spring release."
    )

    # Claim, then ask for a change to one field, with instructions.
    await page.click("#claim")
    await expect(page.locator(".notice")).to_contain_text("You claimed this review")
    await expect(page.locator("#status")).to_have_text("claimed")
    await shot(page, "review-claimed")
    await page.check("input[name=change][value=draft]")
    await page.fill("textarea[name='instruction.draft']", "Mention the launch date")
    await page.click("#send-changes")
    await expect(page.locator(".notice")).to_contain_text("Your instructions went to the agent")
    await shot(page, "review-waiting-for-agent")

    # The example agent rewrites the draft; revision 2 shows what changed.
    await reload_until(page, "#revision", "Revision 2")
    draft = page.locator("#field-draft")
    await expect(draft).to_contain_text("It also covers the launch date.")
    await expect(draft.locator(".changed")).to_have_text("changed in revision 2")
    await expect(draft.locator("details.previous")).to_contain_text("A short announcement")
    await expect(page.locator(".audit")).to_contain_text("changes requested")
    await expect(page.locator(".audit")).to_contain_text("content updated")

    # Claim revision 2, edit the draft in place, approve.
    await page.click("#claim")
    edited = "A short announcement about the spring release. It launches on 3 March."
    await page.fill("textarea[name='edit.draft']", edited)
    await page.check("input[name=response][value=approve]")
    await shot(page, "review-answer")
    await page.click("#send-answer")
    await expect(page.locator("#outcome")).to_contain_text("completed")
    await expect(page.locator("#outcome")).to_contain_text("approve")
    await shot(page, "review-decided")

    result = await asyncio.wait_for(agent.result(), timeout=30)
    assert result.published and result.text == edited
    assert result.outcome.revision == 2 and result.outcome.responded_by == "alice"
    draft_outcome = next(f for f in result.outcome.fields if f.name == "draft")
    assert draft_outcome.was_edited and draft_outcome.value == edited


async def test_the_reviewer_who_loses_the_claim_race_sees_who_won(
    client: Client, task_queue: str, app: FastAPI, browser: Browser, site: str
) -> None:
    async with http(app) as api:
        review_id = await create_review(api, title="Racy review")
    alice, bob = await new_page(browser), await new_page(browser)
    for page, name in ((alice, "alice"), (bob, "bob")):
        await sign_in(page, site, TOKENS[name])
        await page.goto(f"{site}/ui/reviews/{review_id}")
        await expect(page.locator("#claim")).to_be_visible()
    await alice.click("#claim")
    await expect(alice.locator("#status")).to_have_text("claimed")
    await bob.click("#claim")  # bob's page still offers the claim: he loses the race
    problem = bob.locator("#problem")
    await expect(problem).to_contain_text("Someone else claimed this review first")
    await expect(bob.locator(".facts")).to_contain_text("Claimed by alice")
    await expect(bob.locator("#send-answer")).to_have_count(0)
    await expect(problem.get_by_role("link", name="Inbox")).to_be_visible()
    await shot(bob, "claim-race-lost")


async def test_a_reviewer_sees_nothing_not_routed_to_them(
    app: FastAPI, browser: Browser, site: str
) -> None:
    async with http(app) as api:
        review_id = await create_review(api, title="Editors only")
    # Not signed in: the page asks for sign-in, it does not show the review.
    stranger = await new_page(browser)
    response = await stranger.goto(f"{site}/ui/reviews/{review_id}")
    assert response is not None and "/ui/login" in stranger.url
    await expect(stranger.locator("body")).not_to_contain_text("Editors only")
    # Signed in, but not routed: absent from the inbox and refused by URL.
    mallory = await new_page(browser)
    await sign_in(mallory, site, TOKENS["mallory"])
    await expect(mallory.locator("main")).not_to_contain_text("Editors only")
    response = await mallory.goto(f"{site}/ui/reviews/{review_id}")
    assert response is not None and response.status == 403
    await expect(mallory.locator("h1")).to_have_text("Not routed to you")
    await expect(mallory.locator("body")).not_to_contain_text("Editors only")
    await shot(mallory, "not-routed")
    # A bad token does not sign in.
    await sign_in(stranger, site, "not-a-real-token-at-all")
    await expect(stranger.locator(".problem")).to_have_text("That token is not valid.")


async def test_a_signed_link_opens_its_review_and_nothing_else(
    app: FastAPI, browser: Browser, site: str
) -> None:
    async with http(app) as api:
        review_id = await create_review(api, title="Linked review")
        other_id = await create_review(api, title="Another review")
    expires = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    claims = LinkClaims(review_id=review_id, user="bob", groups=["editors"], expires_at=expires)
    page = await new_page(browser)
    await page.goto(f"{site}/ui/reviews/{review_id}?token={sign_link(LINK_SECRET, claims)}")
    await expect(page).to_have_url(f"{site}/ui/reviews/{review_id}")  # the token leaves the URL
    await expect(page.locator("h1")).to_have_text("Linked review")
    await expect(page.locator("header nav")).to_contain_text("Signed in as bob")
    await page.click("#claim")
    await expect(page.locator("#status")).to_have_text("claimed")
    # The link's session opens that review only.
    response = await page.goto(f"{site}/ui/reviews/{other_id}")
    assert response is not None and response.status == 403
    await page.goto(f"{site}/ui/")
    await expect(page).to_have_url(f"{site}/ui/reviews/{review_id}")
    # Expired, forged or misdirected links do not sign anyone in.
    stale = claims.model_copy(update={"expires_at": expires - 7200})
    for token, target in (
        (sign_link(LINK_SECRET, stale), review_id),
        (sign_link("another-secret-0123456789abcdef-0123", claims), review_id),
        (sign_link(LINK_SECRET, claims), other_id),
    ):
        fresh = await new_page(browser)
        response = await fresh.goto(f"{site}/ui/reviews/{target}?token={token}")
        assert response is not None and response.status == 403
        await expect(fresh.locator("h1")).to_have_text("This link does not work")


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


EVERY_TYPE = {
    "type": "form",
    "inputs": [
        {"name": "verdict", "spec": {"type": "decision", "reason_required_on_reject": True}},
        {
            "name": "tone",
            "spec": {
                "type": "single_select",
                "options": [{"value": "formal"}, {"value": "casual", "preselected": True}],
            },
        },
        {
            "name": "channels",
            "spec": {
                "type": "multi_select",
                "min_selections": 1,
                "options": [
                    {"value": "email", "preselected": True},
                    {"value": "sms", "label": "Text message"},
                    {"value": "push"},
                ],
            },
        },
        {"name": "quality", "spec": {"type": "rating", "min": 1, "max": 5, "default": 3}},
        {"name": "budget", "spec": {"type": "number", "min": 0, "max": 500, "integer": True}},
        {"name": "urgent", "spec": {"type": "boolean", "default": False}},
        {
            "name": "note",
            "label": "Note to the agent",
            "required": False,
            "spec": {"type": "text", "max_length": 200},
        },
    ],
}


async def test_the_response_form_covers_every_type_with_defaults_and_server_messages(
    client: Client, task_queue: str, app: FastAPI, browser: Browser, site: str
) -> None:
    async with http(app) as api:
        review_id = await create_review(api, title="Campaign plan", response=EVERY_TYPE)
    page = await new_page(browser, javascript=False)
    await sign_in(page, site, TOKENS["alice"])
    await page.goto(f"{site}/ui/reviews/{review_id}")
    await page.click("#claim")
    # Preselected options and defaults are shown checked.
    await expect(page.locator("input[name='response.tone'][value=casual]")).to_be_checked()
    await expect(page.locator("input[name='response.channels'][value=email]")).to_be_checked()
    await expect(page.locator("input[name='response.channels'][value=sms]")).not_to_be_checked()
    await expect(page.locator("fieldset.multi_select")).to_contain_text("Text message")
    await expect(page.locator("input[name='response.quality'][value='3']")).to_be_checked()
    await expect(page.locator("input[name='response.urgent'][value=false]")).to_be_checked()
    # A rejection without a reason, no channel and an absurd budget: the server says why.
    await page.check("input[name='response.verdict'][value=reject]")
    await page.uncheck("input[name='response.channels'][value=email]")
    await page.fill("input[name='response.budget']", "12.5")
    await page.click("#send-answer")
    await expect(page.locator("#problem")).to_contain_text("Some answers need another look")
    errors = page.locator(".field-error")
    await expect(errors).to_have_count(3)
    await expect(
        page.locator("fieldset.invalid", has=page.locator("input[name='response.verdict']"))
    ).to_contain_text("a rejection needs a reason")
    await expect(
        page.locator("fieldset.invalid", has=page.locator("input[name='response.channels']"))
    ).to_contain_text("choose at least 1")
    await expect(
        page.locator("fieldset.invalid", has=page.locator("input[name='response.budget']"))
    ).to_contain_text("answer a whole number")
    # What was typed is kept.
    await expect(page.locator("input[name='response.budget']")).to_have_value("12.5")
    await expect(page.locator("input[name='response.verdict'][value=reject]")).to_be_checked()
    await shot(page, "form-validation")
    await page.fill("textarea[name='response.verdict.reason']", "Too expensive")
    await page.check("input[name='response.channels'][value=sms]")
    await page.check("input[name='response.channels'][value=push]")
    await page.fill("input[name='response.budget']", "120")
    await page.check("input[name='response.quality'][value='5']")
    await page.check("input[name='response.urgent'][value=true]")
    await page.check("input[name='response.tone'][value=formal]")
    await page.fill("textarea[name='response.note']", "Try again next week")
    await page.click("#send-answer")
    await expect(page.locator("#outcome")).to_contain_text("completed")
    async with http(app) as api:
        outcome = (
            await api.get(
                f"/v1/reviews/{review_id}", headers={"Authorization": f"Bearer {TOKENS['alice']}"}
            )
        ).json()
    assert outcome["outcome"]["response"] == {
        "verdict": {"decision": "reject", "reason": "Too expensive"},
        "tone": "formal",
        "channels": ["sms", "push"],
        "quality": 5,
        "budget": 120,
        "urgent": True,
        "note": "Try again next week",
    }


async def test_escalation_and_stale_pages_are_explained(
    client: Client, task_queue: str, app: FastAPI, browser: Browser, site: str
) -> None:
    async with http(app) as api:
        review_id = await create_review(
            api, title="Escalate me", escalation=[{"after": "PT4H", "users": ["carol"]}]
        )
    alice, bob = await new_page(browser), await new_page(browser)
    for page, name in ((alice, "alice"), (bob, "bob")):
        await sign_in(page, site, TOKENS[name])
        await page.goto(f"{site}/ui/reviews/{review_id}")
    await alice.click("#claim")
    await alice.click(".escalate summary")
    await alice.fill("textarea[name=reason]", "Needs a lawyer")
    await alice.click(".escalate button[type=submit]")
    await expect(alice.locator(".notice")).to_have_text(
        "The review was escalated to the next reviewers."
    )
    await expect(alice.locator("main")).not_to_contain_text("Escalate me")  # it is carol's now
    # bob's page is out of date: his claim is refused with a way forward, not a trace.
    response_status = []
    bob.on("response", lambda r: response_status.append(r.status))
    await bob.click("#claim")
    await expect(bob.locator("h1")).to_have_text("Cannot act")
    await expect(bob.locator("main")).to_contain_text("not routed to bob")
    await expect(bob.get_by_role("link", name="Back to your inbox")).to_be_visible()
    assert 403 in response_status
    async with http(app) as api:
        state = (
            await api.get(
                f"/v1/reviews/{review_id}", headers={"Authorization": f"Bearer {TOKENS['ops']}"}
            )
        ).json()
    assert state["users"] == ["carol"] and state["tier"] == 1
    assert any(
        e["action"] == "escalated" and "Needs a lawyer" in e["detail"] for e in state["audit"]
    )


async def test_the_review_page_fits_a_phone(app: FastAPI, browser: Browser, site: str) -> None:
    async with http(app) as api:
        review_id = await create_review(
            api,
            title="A rather long title that has to wrap on a small screen, not scroll sideways",
            fields=[{"name": "body", "kind": "markdown", "value": "# Heading\n\n" + "word " * 200}],
        )
    context = await browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = await context.new_page()
    await sign_in(phone, site, TOKENS["alice"])
    await expect(phone.locator("table.inbox")).to_be_visible()
    await shot(phone, "phone-inbox")
    await phone.goto(f"{site}/ui/reviews/{review_id}")
    await phone.click("#claim")
    await expect(phone.locator("#send-answer")).to_be_visible()
    overflow = await phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    await shot(phone, "phone-review")
