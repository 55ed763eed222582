"""HMAC-SHA256 webhook signatures, and the check a receiver runs on each delivery.

The signed message is ``<timestamp>.<body>``; the timestamp travels in
``X-Review-Timestamp`` (Unix seconds) and the signature in ``X-Review-Signature`` as
``v1=<hex digest>``. Binding the timestamp lets receivers refuse replays older than a window.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = [
    "EVENT_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "InvalidSignature",
    "sign",
    "signature_headers",
    "verify_signature",
]

TIMESTAMP_HEADER = "X-Review-Timestamp"
SIGNATURE_HEADER = "X-Review-Signature"
EVENT_ID_HEADER = "X-Review-Event-Id"
_SCHEME = "v1="


class InvalidSignature(ValueError):
    """A delivery whose signature is missing, wrong, or outside the replay window."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``v1=<hex>`` signature of ``body`` sent at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    return _SCHEME + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """Return the timestamp and signature headers for one delivery of ``body``."""
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify_signature(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    tolerance_seconds: float = 300,
    now: float | None = None,
) -> None:
    """Check one delivery; raise ``InvalidSignature`` saying why it is refused.

    Args:
        secret: The shared secret for this receiver.
        body: The raw request body, exactly as received.
        timestamp: The ``X-Review-Timestamp`` header.
        signature: The ``X-Review-Signature`` header.
        tolerance_seconds: Replay window: older (or future) timestamps are refused.
        now: Current Unix time (for tests); defaults to the clock.
    """
    if not timestamp or not signature:
        raise InvalidSignature("missing signature headers")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise InvalidSignature("timestamp is not a number") from None
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_seconds:
        raise InvalidSignature("timestamp outside the replay window")
    expected = sign(secret, sent_at, body)
    # Constant-time: a byte-by-byte comparison would leak the digest to a patient attacker.
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise InvalidSignature("signature does not match")
