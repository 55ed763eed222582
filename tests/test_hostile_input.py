"""Malformed and hostile input against a real gateway process: a clear 4xx every time,
nothing changed, the service still answering. Each case prints what it threw."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from support.gateway_process import AGENT_KEY, OPS_TOKEN, Stack, auth, live_review

pytestmark = pytest.mark.fault

DEEP = 100_000
HOSTILE_BODIES: list[tuple[str, bytes, int]] = [
    ("deeply nested JSON", b"[" * DEEP + b"]" * DEEP, 422),
    (
        "deeply nested object",
        b'{"title": "x", "meta": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
        422,
    ),
    ("invalid UTF-8", b'{"title": "\xff\xfe"}', 422),
    ("lone surrogate", b'{"title": "\\ud800 broken"}', 422),
    ("NUL in an id", b'{"title": "x", "review_id": "a\\u0000b"}', 422),
    ("not JSON at all", b"title=x", 422),
    ("JSON null", b"null", 422),
    (
        "huge field count",
        json.dumps({"title": "x", "fields": [{"name": f"f{i}"} for i in range(5000)]}).encode(),
        422,
    ),
    (
        "huge group list",
        json.dumps({"title": "x", "groups": [f"g{i}" for i in range(5000)]}).encode(),
        422,
    ),
    ("negative timeout", b'{"title": "x", "timeout": "-PT1H"}', 422),
    ("absurd timeout", b'{"title": "x", "timeout": "P99999999D"}', 422),
    (
        "absurd escalation",
        b'{"title": "x", "escalation": [{"after": "P9999999D", "users": ["a"]}]}',
        422,
    ),
    ("zero lease", b'{"title": "x", "claim_lease": "PT0S"}', 422),
    ("number as duration", b'{"title": "x", "timeout": 1e308}', 422),
]


@pytest.mark.parametrize(
    ("label", "body", "status"), HOSTILE_BODIES, ids=[c[0] for c in HOSTILE_BODIES]
)
def test_hostile_bodies_get_a_clear_4xx_and_change_nothing(
    stack: Stack, label: str, body: bytes, status: int
) -> None:
    key = f"hostile-{uuid.uuid4().hex}"
    headers = {**auth(AGENT_KEY), "Content-Type": "application/json", "Idempotency-Key": key}
    answer = httpx.post(f"{stack.url}/v1/reviews", content=body, headers=headers, timeout=30)
    print(f"threw {label} ({len(body)} bytes): HTTP {answer.status_code} {answer.text[:160]}")
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["code"] and error["message"]
    # Nothing was created under that key, and the service still answers.
    again = httpx.post(
        f"{stack.url}/v1/reviews",
        json={"title": "after the storm"},
        headers={**auth(AGENT_KEY), "Idempotency-Key": key},
        timeout=30,
    )
    assert again.status_code == 201, again.text
    print(f"survived: a valid create under the same key answered {again.status_code}")


def test_an_oversized_chunked_body_is_refused_without_reading_it_all(stack: Stack) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"title": "'
        for _ in range(64):  # 64 MiB in 1 MiB chunks, no Content-Length
            sent += 1 << 20
            yield b"a" * (1 << 20)
        yield b'"}'

    answer = httpx.post(
        f"{stack.url}/v1/reviews", content=chunks(), headers=auth(AGENT_KEY), timeout=60
    )
    print(f"threw a chunked body of up to 64 MiB: HTTP {answer.status_code}")
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"
    assert httpx.get(f"{stack.url}/healthz", timeout=5).status_code == 200
    print("survived: /healthz answers")


def test_bad_actions_are_refused_and_the_review_is_unchanged(stack: Stack) -> None:
    review_id = live_review(stack)
    before = httpx.get(f"{stack.url}/v1/reviews/{review_id}", headers=auth(OPS_TOKEN)).json()
    cases: list[tuple[str, str, Any]] = [
        (
            "respond with a deep answer",
            "respond",
            b'{"revision": 1, "response": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        ),
        ("respond at a negative revision", "respond", b'{"revision": -1, "response": "approve"}'),
        (
            "respond at a huge revision",
            "respond",
            b'{"revision": 99999999999999999999, "response": "approve"}',
        ),
        ("escalate with a 1 MB reason", "escalate", json.dumps({"reason": "x" * 900_000}).encode()),
        (
            "changes to 5000 fields",
            "request-changes",
            json.dumps(
                {"revision": 1, "changes": [{"field": f"f{i}"} for i in range(5000)]}
            ).encode(),
        ),
    ]
    for label, action, body in cases:
        answer = httpx.post(
            f"{stack.url}/v1/reviews/{review_id}/{action}",
            content=body,
            headers={**auth(OPS_TOKEN), "Content-Type": "application/json"},
            timeout=30,
        )
        print(f"threw {label}: HTTP {answer.status_code} {answer.text[:120]}")
        assert 400 <= answer.status_code < 500 and answer.json()["error"]["message"]
    after = httpx.get(f"{stack.url}/v1/reviews/{review_id}", headers=auth(OPS_TOKEN)).json()
    assert after["status"] == before["status"] and after["revision"] == before["revision"]
    assert after["audit"] == before["audit"]
    print(f"survived: review {review_id} still {after['status']} at revision {after['revision']}")
