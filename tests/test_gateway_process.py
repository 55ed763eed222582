"""The gateway as deployed: a uvicorn process configured by a TOML file and environment
overrides, a separate worker process, and schemathesis hunting for 5xx over HTTP."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from support.gateway_process import (
    AGENT_KEY,
    ALICE_TOKEN,
    OPS_TOKEN,
    Stack,
    auth,
    live_review,
)


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
    target = live_review(stack)
    # A live review's event stream never ends: aim only the other operations at it.
    aimable = not operation.path.endswith("/events")

    @given(case=operation.as_strategy(generation_mode=mode), aim=st.booleans())
    @FUZZ
    def fuzz(case: Any, aim: bool) -> None:
        if aim and aimable and "review_id" in (case.path_parameters or {}):
            case.path_parameters["review_id"] = target
        seen[_call_and_check(case, stack, token)] += 1

    return fuzz


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
