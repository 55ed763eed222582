"""The events query: what live streams (SSE) read, and the attributes that go with it."""

from __future__ import annotations

import pytest
from temporalio.client import Client

from support.reviews import ALICE, start
from temporal_review.workflows import ClaimInput, EventsQuery, ReleaseInput, ReviewWorkflow
from temporal_review.workflows import search_attributes as sa

pytestmark = pytest.mark.usefixtures("worker")


async def test_events_query_lists_transitions_after_a_sequence(
    client: Client, task_queue: str
) -> None:
    handle = await start(client, task_queue)
    await handle.execute_update(ReviewWorkflow.claim, ClaimInput(reviewer=ALICE))
    await handle.execute_update(ReviewWorkflow.release, ReleaseInput(reviewer=ALICE))
    events = await handle.query(ReviewWorkflow.events, EventsQuery())
    assert [(e.seq, e.type, e.actor) for e in events] == [
        (1, "review.created", "system"),
        (2, "review.claimed", "alice"),
        (3, "review.released", "alice"),
    ]
    later = await handle.query(ReviewWorkflow.events, EventsQuery(after_seq=2))
    assert [e.type for e in later] == ["review.released"]
    described = await handle.describe()
    assert described.typed_search_attributes.get(sa.CREATED_AT) is not None
    assert await described.memo_value("title") == "Check this"


def test_the_readme_shows_one_valid_example_body_per_event_type() -> None:
    import json
    import re
    from pathlib import Path

    from temporal_review.activities import ReviewEvent
    from temporal_review.workflows import EventType

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    examples = re.findall(
        r"<summary><code>([\w.]+)</code>.*?</summary>\s*```json\n(.*?)\n```", readme, re.S
    )
    shown = [name for name, _ in examples]
    assert sorted(shown) == sorted(t.value for t in EventType)  # each type, once
    for name, body in examples:
        event = ReviewEvent.model_validate(json.loads(body))
        assert event.type == name and event.id == f"{event.review_id}:{event.seq}"
