"""Webhook signatures: sign, verify, refuse tampering and replays."""

from __future__ import annotations

import pytest

from temporal_review.activities import InvalidSignature, sign, verify_signature
from temporal_review.activities.signing import signature_headers

SECRET = "whsec-test"
BODY = b'{"id":"r1:1","type":"review.created"}'


def test_round_trip() -> None:
    headers = signature_headers(SECRET, BODY, now=1_000_000)
    verify_signature(
        SECRET,
        BODY,
        headers["X-Review-Timestamp"],
        headers["X-Review-Signature"],
        now=1_000_010,
    )


def test_known_vector() -> None:
    # HMAC-SHA256("whsec-test", "1000000." + body), computed independently with openssl.
    assert sign(SECRET, 1_000_000, BODY) == "v1=" + _openssl_hmac()


@pytest.mark.parametrize(
    ("secret", "body", "timestamp", "now", "reason"),
    [
        ("other", BODY, 1_000_000, 1_000_000, "does not match"),
        (SECRET, BODY + b" ", 1_000_000, 1_000_000, "does not match"),
        (SECRET, BODY, 1_000_000, 1_000_000 + 301, "replay window"),
        (SECRET, BODY, 1_000_000, 1_000_000 - 301, "replay window"),
    ],
)
def test_refusals(secret: str, body: bytes, timestamp: int, now: int, reason: str) -> None:
    signature = sign(SECRET, timestamp, BODY)
    with pytest.raises(InvalidSignature, match=reason):
        verify_signature(secret, body, str(timestamp), signature, now=now)


def test_missing_or_malformed_headers() -> None:
    with pytest.raises(InvalidSignature, match="missing"):
        verify_signature(SECRET, BODY, None, "v1=00")
    with pytest.raises(InvalidSignature, match="not a number"):
        verify_signature(SECRET, BODY, "yesterday", "v1=00")


def _openssl_hmac() -> str:
    import subprocess

    out = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", SECRET, "-hex"],
        input=b"1000000." + BODY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return out.strip().split()[-1]
