"""The gateway as deployed: a uvicorn process configured by a TOML file and environment
overrides, a separate worker process, and schemathesis hunting for 5xx over HTTP."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from temporalio.testing import WorkflowEnvironment

from support.processes import (
    free_port,
    gateway_command,
    running,
    wait_until_serving,
    worker_command,
)

AGENT_KEY = "process-agent-key-0123456789"
OPS_TOKEN = "process-ops-token-0123456789"
ALICE_TOKEN = "process-alice-token-01234567"

CONFIG = f"""
max_wait_seconds = 30            # overridden to 1 by the environment below

[[agent_keys]]
name = "crm"
key = "{AGENT_KEY}"

[[reviewers]]
user = "alice"
groups = ["editors"]
token = "{ALICE_TOKEN}"

[[reviewers]]
user = "ops"
operator = true
token = "{OPS_TOKEN}"

[templates.approval]
title = "Approve the change"
groups = ["editors"]
fields = [{{ name = "diff", kind = "text" }}]
response = {{ type = "decision" }}
"""


@dataclass
class Stack:
    url: str
    logs: Path


@pytest.fixture(scope="module")
def stack(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("gateway-process")
    config = folder / "gateway.toml"
    config.write_text(CONFIG)
    port = free_port()
    env = {
        "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "TEMPORAL_NAMESPACE": "default",
        "TEMPORAL_REVIEW_TASK_QUEUE": f"process-{uuid.uuid4().hex[:8]}",
        "TEMPORAL_REVIEW_CONFIG": str(config),
        "TEMPORAL_REVIEW_MAX_WAIT_SECONDS": "1",
    }
    url = f"http://127.0.0.1:{port}"
    with (
        running(worker_command(), env, folder / "worker.log"),
        running(gateway_command(port), env, folder / "gateway.log") as gateway,
    ):
        wait_until_serving(f"{url}/openapi.json", gateway)
        yield Stack(url=url, logs=folder)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_round_trip_over_real_http_with_env_overrides(stack: Stack) -> None:
    with httpx.Client(base_url=stack.url, timeout=30) as http:
        created = http.post(
            "/v1/reviews",
            json={"template": "approval", "values": {"diff": "-1 line"}},
            headers=auth(AGENT_KEY),
        )
        review_id = created.json()["review_id"]
        waited = http.get(f"/v1/reviews/{review_id}/outcome?wait=20", headers=auth(AGENT_KEY))
        assert waited.json()["done"] is False
        assert waited.elapsed.total_seconds() < 10  # capped at 1 s by the environment
        decided = http.post(
            f"/v1/reviews/{review_id}/respond",
            json={"revision": 1, "response": "approve"},
            headers=auth(ALICE_TOKEN),
        )
        assert decided.json()["status"] == "completed"
        outcome = http.get(f"/v1/reviews/{review_id}/outcome?wait=1", headers=auth(AGENT_KEY))
        assert outcome.json()["outcome"]["responded_by"] == "alice"


def test_openapi_documents_every_route_body_and_error(stack: Stack) -> None:
    spec = httpx.get(f"{stack.url}/openapi.json").json()
    operations = [
        (path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
    ]
    assert {(p, m) for p, m, _ in operations} >= {
        ("/v1/reviews", "post"),
        ("/v1/reviews/{review_id}", "get"),
        ("/v1/reviews/{review_id}/outcome", "get"),
        ("/v1/reviews/{review_id}/events", "get"),
        ("/v1/reviews/{review_id}/content", "post"),
        ("/v1/reviews/{review_id}/cancel", "post"),
        ("/v1/inbox", "get"),
        ("/v1/reviews/{review_id}/claim", "post"),
        ("/v1/reviews/{review_id}/release", "post"),
        ("/v1/reviews/{review_id}/respond", "post"),
        ("/v1/reviews/{review_id}/request-changes", "post"),
        ("/v1/reviews/{review_id}/escalate", "post"),
    }
    for path, method, op in operations:
        assert op.get("description") or op.get("summary"), (path, method)
        assert {"401", "403", "404", "409", "422", "503"} <= set(op["responses"]), (path, method)
        if method == "post" and not path.endswith(("claim", "release", "cancel")):
            assert "requestBody" in op, (path, method)
    assert httpx.get(f"{stack.url}/docs").status_code == 200


def test_secrets_never_reach_the_logs(stack: Stack) -> None:
    for log in stack.logs.glob("*.log"):
        text = log.read_text(errors="replace")
        for secret in (AGENT_KEY, OPS_TOKEN, ALICE_TOKEN):
            assert secret not in text, log.name


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.mark.parametrize("token", [AGENT_KEY, OPS_TOKEN], ids=["as-agent", "as-operator"])
@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda m: m.value)
def test_no_input_yields_a_server_error(stack: Stack, token: str, mode: GenerationMode) -> None:
    """Schemathesis generates valid and invalid inputs for every operation from the OpenAPI
    schema; none may get a 5xx, and every error has the one JSON shape. Half the cases aim
    at a real live review, so bodies reach the review workflow's validators."""
    # Driven through its Hypothesis strategies: its pytest loader does not support pytest 9.
    api = schemathesis.openapi.from_url(f"{stack.url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 12
    seen: Counter[int] = Counter()
    for operation in operations:
        _fuzzer(operation, mode, stack, token, seen)()
    print(f"{mode.value} fuzz as {token[:12]}: {dict(sorted(seen.items()))}")
    assert sum(seen.values()) >= 10 * len(operations)


def _fuzzer(
    operation: Any, mode: GenerationMode, stack: Stack, token: str, seen: Counter[int]
) -> Any:
    live_review = _live_review(stack)
    # A live review's event stream never ends: aim only the other operations at it.
    aimable = not operation.path.endswith("/events")

    @given(case=operation.as_strategy(generation_mode=mode), aim=st.booleans())
    @FUZZ
    def fuzz(case: Any, aim: bool) -> None:
        if aim and aimable and "review_id" in (case.path_parameters or {}):
            case.path_parameters["review_id"] = live_review
        seen[_call_and_check(case, stack, token)] += 1

    return fuzz


def _live_review(stack: Stack) -> str:
    created = httpx.post(
        f"{stack.url}/v1/reviews",
        json={
            "title": "fuzz target",
            "groups": ["editors"],
            "fields": [{"name": "draft", "value": "x", "editable": True, "instructions": True}],
        },
        headers=auth(AGENT_KEY),
    )
    review_id: str = created.json()["review_id"]
    return review_id


def _call_and_check(case: Any, stack: Stack, token: str) -> int:
    response = case.call(base_url=stack.url, headers=auth(token), timeout=30)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
    assert response.status_code != 400, "undecodable bodies are 422 like every invalid body"
    if response.status_code == 400:
        print(
            "400:",
            case.method,
            case.formatted_path,
            case.headers,
            repr(case.body)[:200],
            response.text,
        )
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
        assert {"code", "message", "details"} <= set(response.json()["error"])
    status: int = response.status_code
    return status


# --- hostile input: each case prints what it threw and how the service answered ---------

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
    review_id = _live_review(stack)
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
