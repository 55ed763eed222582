"""The reviewer web UI in a real browser (Debian's chromium driven by Playwright), against
the gateway served by uvicorn, a real Temporal dev server and the example agent: the main
flow, the claim race, access control and signed links."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, expect
from temporalio.client import Client

from support.browser import LINK_SECRET, new_page, reload_until, shot, sign_in
from support.gateway import TOKENS, create_review, http
from support.reviews import new_id
from temporal_review.activities.links import LinkClaims, sign_link
from temporal_review.workflows.example_agent import ExampleAgentInput, ExampleAgentWorkflow

pytestmark = [pytest.mark.usefixtures("worker"), pytest.mark.timeout(120)]


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
