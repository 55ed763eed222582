"""A real browser (Debian's chromium through Playwright) against a gateway served by
uvicorn on loopback, on the test's own event loop (so it shares the Temporal client)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, Page, async_playwright

from support.processes import free_port

CHROMIUM = "/usr/bin/chromium"
LINK_SECRET = "browser-test-link-secret-0123456789abcdef"
"""The gateway's link secret in browser tests (they sign links with it)."""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` over real HTTP; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            await browser.close()


async def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(
        path=str(SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name)}.png"), full_page=True
    )


async def sign_in(page: Page, base_url: str, token: str) -> None:
    await page.goto(f"{base_url}/ui/login")
    await page.fill("#token", token)
    await page.click("button[type=submit]")


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
