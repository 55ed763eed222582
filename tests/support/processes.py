"""Real worker and gateway processes on loopback, for tests that need them out of process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, stopped with SIGTERM (then SIGKILL) on exit."""
    with log.open("ab") as out:
        child = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def crash(child: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no shutdown handlers, no goodbyes (``running`` then has nothing to stop)."""
    child.send_signal(signal.SIGKILL)
    child.wait()


def worker_command() -> list[str]:
    return [sys.executable, "-m", "temporal_review.worker"]


def gateway_command(port: int) -> list[str]:
    return [sys.executable, "-m", "temporal_review.gateway", "--port", str(port)]


def wait_until_serving(url: str, child: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise AssertionError(f"process exited with {child.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} never answered")
