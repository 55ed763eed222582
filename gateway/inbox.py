"""A reviewer's inbox from Temporal visibility: no second database.

SQL visibility rejects ORDER BY and lists newest first, yet the inbox shows priority
(critical first), then age (oldest first). So, per priority level: count the matches; for
the slice a page needs, find by bisection on ``ReviewCreatedAt`` (counting again) the
oldest few reviews, list only those and sort them here. A page costs a handful of counts
and one small listing, whatever the number of pending reviews.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.client import Client, WorkflowExecution

from temporal_review.gateway.errors import ApiError
from temporal_review.gateway.schemas import InboxItem, InboxPage
from temporal_review.workflows import Actor, Priority, ReviewStatus, review_id_from
from temporal_review.workflows import search_attributes as sa

LIVE = (ReviewStatus.PENDING, ReviewStatus.CLAIMED, ReviewStatus.CHANGES_REQUESTED)
LIST_ALL_BELOW = 300
"""A priority level with fewer matches is listed whole and sorted here."""


@dataclass(frozen=True)
class InboxFilter:
    """What the reviewer asked to see."""

    queue: str | None = None
    status: ReviewStatus | None = None
    priority: Priority | None = None
    mine: bool = False


def literal(value: str) -> str:
    """A visibility-query string literal; refuses characters that could escape it."""
    if any(c in value for c in "'\"\\") or any(ord(c) < 32 for c in value):
        raise ApiError(422, "invalid_request", f"unsupported characters in {value!r}")
    return f"'{value}'"


def base_query(actor: Actor, wanted: InboxFilter) -> str:
    """Live reviews routed to ``actor`` (operators: all), narrowed by the filter."""
    statuses = [wanted.status] if wanted.status else list(LIVE)
    clauses = [
        "WorkflowType = 'ReviewWorkflow'",
        "ExecutionStatus = 'Running'",
        f"{sa.STATUS.name} IN ({', '.join(literal(s.value) for s in statuses)})",
    ]
    if not actor.operator:
        keys = [f"user:{actor.id}", *(f"group:{g}" for g in actor.groups)]
        clauses.append(f"{sa.CANDIDATES.name} IN ({', '.join(literal(k) for k in keys)})")
    if wanted.queue:
        clauses.append(f"{sa.QUEUE.name} = {literal(wanted.queue)}")
    if wanted.mine:
        clauses.append(f"{sa.CLAIMED_BY.name} = {literal(actor.id)}")
    return " AND ".join(clauses)


async def inbox_page(
    client: Client,
    actor: Actor,
    wanted: InboxFilter,
    page_size: int,
    page_token: str | None,
    *,
    list_all_below: int = LIST_ALL_BELOW,
) -> InboxPage:
    """One page of the inbox."""
    offset = _decode(page_token)
    base = base_query(actor, wanted)
    levels = [wanted.priority] if wanted.priority else sorted(Priority, key=lambda p: p.rank)
    queries = [f"{base} AND {sa.PRIORITY.name} = {literal(p.value)}" for p in levels]
    counts = await asyncio.gather(*(_count(client, q) for q in queries))
    items: list[InboxItem] = []
    skip, need = offset, page_size
    for query, count in zip(queries, counts, strict=True):
        if need == 0:
            break
        if skip >= count:
            skip -= count
            continue
        rows = await _oldest(client, query, skip + need, count, list_all_below)
        taken = rows[skip : skip + need]
        items += taken
        need -= len(taken)
        skip = 0
    total = sum(counts)
    end = offset + len(items)
    return InboxPage(
        items=items, total=total, next_page_token=_encode(end) if end < total else None
    )


async def _count(client: Client, query: str) -> int:
    return (await client.count_workflows(query)).count


async def _oldest(
    client: Client, query: str, k: int, count: int, list_all_below: int
) -> list[InboxItem]:
    """The ``k`` oldest matches of ``query`` (which has ``count`` matches), oldest first."""
    if count > list_all_below and count > 2 * k:
        query = await _narrow_to_oldest(client, query, k)
    rows = [
        _row(execution, await _title(execution))
        async for execution in client.list_workflows(query, page_size=1000)
    ]
    rows.sort(key=lambda row: (row.created_at, row.review_id))
    return rows[:k]


async def _narrow_to_oldest(client: Client, query: str, k: int) -> str:
    """``query`` restricted to reviews created no later than a cut holding >= k of them."""

    def before(cut: datetime) -> str:
        return f"{query} AND {sa.CREATED_AT.name} <= '{cut.isoformat()}'"

    newest = datetime.now(UTC)
    span = timedelta(minutes=1)
    oldest_known = newest  # a cut with >= k matches
    while True:  # step back until a cut holds fewer than k
        cut = newest - span
        if await _count(client, before(cut)) < k:
            low = cut
            break
        oldest_known, span = cut, span * 4
        if span > timedelta(days=3650):
            return query
    high = oldest_known
    for _ in range(40):  # bisect until the cut keeps at most 2k matches
        middle = low + (high - low) / 2
        matches = await _count(client, before(middle))
        if matches < k:
            low = middle
        else:
            high = middle
            if matches <= 2 * k:
                break
        if high - low < timedelta(milliseconds=1):
            break
    return before(high)


async def _title(execution: WorkflowExecution) -> str:
    title = await execution.memo_value("title", default="")
    return str(title)


def _row(execution: WorkflowExecution, title: str) -> InboxItem:
    attrs = execution.typed_search_attributes
    created = attrs.get(sa.CREATED_AT) or execution.start_time
    return InboxItem(
        review_id=review_id_from(execution.id),
        title=title,
        status=ReviewStatus(attrs.get(sa.STATUS) or "pending"),
        queue=attrs.get(sa.QUEUE) or "",
        priority=Priority(attrs.get(sa.PRIORITY) or "medium"),
        claimed_by=attrs.get(sa.CLAIMED_BY),
        created_at=created,
        deadline=attrs.get(sa.DEADLINE),
    )


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError):
        raise ApiError(422, "invalid_request", "invalid page_token") from None
    if not isinstance(offset, int) or offset < 0:
        raise ApiError(422, "invalid_request", "invalid page_token")
    return offset
