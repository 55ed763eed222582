"""A real HTTP webhook receiver on loopback that verifies signatures and counts events by id."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from temporal_review.activities import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignature,
    verify_signature,
)


@dataclass
class Receiver:
    """What the receiver saw. ``behaviour(path, attempt_of_this_event) -> status``."""

    secret: str
    url: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    in_flight: int = 0
    status_for: Any = None  # callable(path, attempt) -> int
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attempts_by_id(self) -> Counter[str]:
        return Counter(p["_event_id"] for p in self.posts)

    def accepted_ids(self) -> list[str]:
        """Event ids in the order first accepted, each once (what a deduplicating app keeps)."""
        seen: list[str] = []
        for event in self.accepted:
            if event["_event_id"] not in seen:
                seen.append(event["_event_id"])
        return seen

    async def wait_for(self, count: int, within: float = 30) -> None:
        """Wait (without blocking the event loop a test worker runs on) for ``count`` ids."""
        deadline = time.monotonic() + within
        while len(self.accepted_ids()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"received {self.accepted_ids()} of {count} events")
            await asyncio.sleep(0.05)


Verifier = Callable[[str, bytes, Any], None]
"""(secret, raw body, headers) -> None, raising InvalidSignature."""


def unsigned(secret: str, body: bytes, headers: Any) -> None:
    """Slack-style incoming webhooks are not signed: the URL itself is the secret."""


def native_signature(secret: str, body: bytes, headers: Any) -> None:
    verify_signature(secret, body, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER))


@contextmanager
def running_receiver(
    secret: str, verify: Verifier = native_signature, port: int = 0
) -> Iterator[Receiver]:
    """Accepts deliveries whose signature ``verify`` accepts; stamps each body with the
    ``X-Review-Event-Id`` it came with as ``_event_id`` (every format sends it)."""
    receiver = Receiver(secret=secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                verify(receiver.secret, body, self.headers)
            except InvalidSignature:
                with receiver.lock:
                    receiver.bad_signatures += 1
                self._answer(401)
                return
            event = json.loads(body)
            event["_event_id"] = self.headers.get(EVENT_ID_HEADER)
            with receiver.lock:
                receiver.posts.append(event)
                attempt = receiver.attempts_by_id()[event["_event_id"]]
                receiver.in_flight += 1
            try:
                time.sleep(receiver.delay)
                status = receiver.status_for(self.path, attempt) if receiver.status_for else 200
                if status < 300:
                    with receiver.lock:
                        receiver.accepted.append(event)
                self._answer(status)
            finally:
                with receiver.lock:
                    receiver.in_flight -= 1

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
