"""``temporal-review dev``: the stack starts, shows a waiting review, and stops on Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client

from support.processes import free_port
from temporal_review.worker import ReviewPlugin
from temporal_review.workflows import ReviewStatus, ReviewWorkflow
from temporal_review.workflows import search_attributes as sa


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def test_dev_stack_seeds_a_waiting_review_and_stops_cleanly(tmp_path: Path) -> None:
    port, ui_port, gateway_port, metrics_port = free_port(), free_port(), free_port(), free_port()
    command = [
        str(Path(sys.executable).parent / "temporal-review"),
        "dev",
        "--state-dir",
        str(tmp_path / "state"),
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--gateway-port",
        str(gateway_port),
        "--metrics-port",
        str(metrics_port),
    ]
    stack = _spawn(command)
    try:
        banner = await asyncio.wait_for(asyncio.to_thread(_read_banner, stack), timeout=90)
        review_line = next(line for line in banner if "Waiting review" in line)
        workflow_id = review_line.strip().rsplit("/", 1)[1]
        assert (tmp_path / "state" / "temporal.db").exists()  # SQLite file in the state folder
        assert port_open(ui_port)

        client = await Client.connect(f"127.0.0.1:{port}", plugins=[ReviewPlugin()])
        handle = client.get_workflow_handle(workflow_id)
        state = await _state_when_ready(handle)
        assert state.status is ReviewStatus.PENDING and state.fields[0].name == "draft"
        described = await handle.describe()
        assert described.typed_search_attributes.get(sa.STATUS) == "pending"
        assert described.parent_id is not None  # awaited by the example agent
        assert "Announcement" in (await described.static_summary() or "")
        metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
        assert "**Status:** pending" in metadata.current_details
        updates = {u.name: u.description for u in metadata.definition.update_definitions}
        assert {"claim", "respond", "request_changes", "escalate"} <= set(updates)

        # The gateway serves the demo review to the printed reviewer token.
        token = next(line for line in banner if "Reviewer token" in line).split()[2]
        gateway = f"http://127.0.0.1:{gateway_port}"
        async with httpx.AsyncClient(base_url=gateway, timeout=10) as http:
            assert (await http.get("/docs")).status_code == 200
            inbox = await _inbox_with(http, token, workflow_id.removeprefix("review-"))
            assert inbox["items"][0]["title"].startswith("Announcement")
            # The printed web UI takes the printed token and shows the demo review.
            web = next(line for line in banner if "Reviewer web UI" in line).split()[3]
            assert web == f"{gateway}/ui/"
            login = await http.get("/ui/login")
            nonce = login.text.split('name="nonce" value="')[1].split('"')[0]
            signed_in = await http.post(
                "/ui/login", data={"nonce": nonce, "token": token, "next": "/ui/"}
            )
            assert signed_in.status_code == 303
            page = await http.get("/ui/")
            assert "Announcement" in page.text
            # After the demo run, the worker's metrics show the review it created.
            metrics_url = next(line for line in banner if "Metrics" in line).split()[-2]
            assert metrics_url == f"http://127.0.0.1:{metrics_port}/metrics"
            scraped = (await http.get(metrics_url)).text
            assert "temporal_review_reviews_created{" in scraped and 'queue="default"' in scraped
            assert "temporal_review_http_requests_total" in (await http.get("/metrics")).text
    finally:
        stack.send_signal(signal.SIGINT)
        out, _ = stack.communicate(timeout=60)
    assert stack.returncode == 0, out
    assert "stopped" in out
    assert not any(port_open(p) for p in (port, ui_port, gateway_port))  # every child is gone


def _spawn(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _read_banner(stack: subprocess.Popen[str]) -> list[str]:
    assert stack.stdout is not None
    lines: list[str] = []
    for line in stack.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            return lines
    raise AssertionError("dev stack exited early:\n" + "".join(lines))


async def _state_when_ready(handle: object) -> object:
    last: Exception | None = None
    for _ in range(300):
        try:
            return await handle.query(ReviewWorkflow.state)  # type: ignore[attr-defined]
        except Exception as err:  # the worker may still be starting
            last = err
            await asyncio.sleep(0.1)
    raise AssertionError(f"review never answered its state query: {last!r}")


async def _inbox_with(http: httpx.AsyncClient, token: str, review_id: str) -> dict[str, Any]:
    for _ in range(100):
        response = await http.get("/v1/inbox", headers={"Authorization": f"Bearer {token}"})
        if response.status_code == 200:
            page: dict[str, Any] = response.json()
            if [item["review_id"] for item in page["items"]] == [review_id]:
                return page
        await asyncio.sleep(0.1)
    raise AssertionError(f"the demo review never showed in the inbox: {response.text}")
