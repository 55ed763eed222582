"""The generated response form in a real browser: every answer type with defaults and the
server's messages, escalation and stale pages, and the phone layout."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.async_api import Browser, expect
from temporalio.client import Client

from support.browser import new_page, shot, sign_in
from support.gateway import TOKENS, create_review, http

pytestmark = [pytest.mark.usefixtures("worker"), pytest.mark.timeout(120)]


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
