"""ReviewRequest validation: what a request may and may not say."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from temporal_review.workflows import (
    ContentField,
    FieldKind,
    Priority,
    ReviewRequest,
    SingleSelectSpec,
)
from temporal_review.workflows.routing import is_candidate, tier_deadline, tier_routing
from temporal_review.workflows.state import Actor


def test_minimal_request_defaults() -> None:
    request = ReviewRequest(title="Approve?")
    assert request.response.type == "decision"
    assert request.priority is Priority.MEDIUM
    assert tier_routing(request, 0).groups == ["default"]  # the queue's members


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fields": [{"name": "a"}, {"name": "a"}]}, "unique"),
        ({"timeout": timedelta(0)}, "timeout must be positive"),
        ({"default_response": "approve"}, "default_response needs a timeout"),
        ({"timeout": timedelta(hours=1), "default_response": "perhaps"}, "decision must be one of"),
        ({"escalation": [{"after": timedelta(hours=1)}]}, "names users or groups"),
        ({"escalation": [{"after": timedelta(hours=-1), "users": ["x"]}]}, "must be positive"),
        ({"callbacks": [{"url": "ftp://x"}]}, "String should match pattern"),
        (
            {"fields": [{"name": "pic", "kind": "image", "value": "javascript:alert(1)"}]},
            "http(s) URL",
        ),
        ({"fields": [{"name": "n", "kind": "text", "value": 3}]}, "holds a string"),
        ({"secret": "inline secrets are not accepted"}, "Extra inputs are not permitted"),
        ({"claim_lease": timedelta(seconds=-5)}, "claim_lease must be positive"),
        ({"remind_before": timedelta(0)}, "remind_before must be positive"),
    ],
)
def test_bad_requests_say_why(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        ReviewRequest(title="t", **changes)
    assert message in str(err.value)


def test_default_response_is_normalised() -> None:
    request = ReviewRequest(
        title="t",
        response=SingleSelectSpec(options=[{"value": "a"}, {"value": "b"}]),
        timeout=timedelta(hours=1),
        default_response="b",
    )
    assert request.default_response == "b"


def test_content_kinds() -> None:
    ContentField(name="shots", kind=FieldKind.IMAGES, value=["https://x/1.png"])
    ContentField(name="data", kind=FieldKind.JSON, value={"a": [1, 2]})
    with pytest.raises(ValidationError):
        ContentField(name="shots", kind=FieldKind.IMAGES, value="https://x/1.png")
    with pytest.raises(ValidationError):
        ContentField(name="bad name!", value="x")


def test_tiers_and_candidates() -> None:
    request = ReviewRequest(
        title="t",
        users=["ann"],
        queue="support",
        escalation=[
            {"after": timedelta(hours=2), "groups": ["leads"]},
            {"after": timedelta(hours=6), "users": ["boss"], "queue": "exec"},
        ],
    )
    first, second, third = (tier_routing(request, i) for i in range(3))
    assert (first.users, first.groups) == (["ann"], [])  # users given: the queue is no group
    assert (second.queue, second.groups) == ("support", ["leads"])
    assert (third.queue, third.users) == ("exec", ["boss"])
    assert is_candidate(Actor(id="ann"), first)
    assert not is_candidate(Actor(id="bob", groups=("support",)), first)
    assert is_candidate(Actor(id="lee", groups=("leads",)), second)
    assert is_candidate(Actor(id="root", operator=True), third)
    from datetime import UTC, datetime

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert tier_deadline(request, 0, t0) == t0 + timedelta(hours=2)
    assert tier_deadline(request, 1, t0) == t0 + timedelta(hours=6)
    assert tier_deadline(request, 2, t0) is None
