"""A reviewer's inbox from Temporal visibility: no second database.

SQL visibility rejects ORDER BY and lists newest first, yet the inbox shows priority
(critical first), then age (oldest first). So, per priority level: count the matches; for
the slice a page needs, find by interpolation search on ``ReviewCreatedAt`` (counting at
each probe) a cut holding the oldest few reviews, list only those and sort them here. A
page costs a handful of counts and one small listing, whatever the number pending.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
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
    visibility: Visibility,
    actor: Actor,
    wanted: InboxFilter,
    page_size: int,
    page_token: str | None,
    *,
    hints: CutHints | None = None,
    list_all_below: int = LIST_ALL_BELOW,
) -> InboxPage:
    """One page of the inbox."""
    hints = hints if hints is not None else CutHints()
    offset = _decode(page_token)
    base = base_query(actor, wanted)
    levels = [wanted.priority] if wanted.priority else sorted(Priority, key=lambda p: p.rank)
    queries = [f"{base} AND {sa.PRIORITY.name} = {literal(p.value)}" for p in levels]
    total_query = queries[0] if wanted.priority else base
    total = asyncio.ensure_future(visibility.count(total_query))
    items: list[InboxItem] = []
    skip, need = offset, page_size
    try:
        for query in queries:
            if need == 0:
                break
            if skip == 0:  # the usual case: the page starts at this level's oldest
                hinted = await _oldest_below_hint(visibility, query, need, hints)
                if hinted is not None:
                    items += hinted
                    need = 0
                    break
            count = await visibility.count(query)
            if skip >= count:
                skip -= count
                continue
            rows = await _oldest(visibility, query, skip + need, count, list_all_below, hints)
            taken = rows[skip : skip + need]
            items += taken
            need -= len(taken)
            skip = 0
        matches = await total
    finally:
        total.cancel()
    end = offset + len(items)
    return InboxPage(
        items=items, total=matches, next_page_token=_encode(end) if end < matches else None
    )


async def _oldest_below_hint(
    visibility: Visibility, query: str, k: int, hints: CutHints
) -> list[InboxItem] | None:
    """The k oldest, from one bounded listing under the last cut for this query.

    Everything created before the cut is listed (at most 2k + 1 rows), so if it holds at
    least k reviews the k oldest overall are among them. Otherwise: None (search anew).
    """
    cut = hints.get(query)
    if cut is None:
        return None
    below = f"{query} AND {sa.CREATED_AT.name} <= '{cut.isoformat()}'"
    rows = [
        _row(execution, await _title(execution))
        async for execution in visibility.list(below, limit=2 * k + 1)
    ]
    if not k <= len(rows) <= 2 * k:
        return None
    rows.sort(key=lambda row: (row.created_at, row.review_id))
    return rows[:k]


@dataclass(frozen=True)
class Visibility:
    """Temporal visibility reads, each bounded by ``rpc_timeout``."""

    client: Client
    rpc_timeout: timedelta | None = None

    async def count(self, query: str) -> int:
        result = await self.client.count_workflows(query, rpc_timeout=self.rpc_timeout)
        return result.count

    def list(self, query: str, limit: int | None = None) -> AsyncIterator[WorkflowExecution]:
        return self.client.list_workflows(
            query, page_size=1000, limit=limit, rpc_timeout=self.rpc_timeout
        )


async def _oldest(
    visibility: Visibility, query: str, k: int, count: int, list_all_below: int, hints: CutHints
) -> list[InboxItem]:
    """The ``k`` oldest matches of ``query`` (which has ``count`` matches), oldest first."""
    if count > list_all_below and count > 2 * k:
        query = await _narrow_to_oldest(visibility, query, k, hints)
    rows = [_row(execution, await _title(execution)) async for execution in visibility.list(query)]
    rows.sort(key=lambda row: (row.created_at, row.review_id))
    return rows[:k]


async def _narrow_to_oldest(visibility: Visibility, query: str, k: int, hints: CutHints) -> str:
    """``query`` restricted to reviews created no later than a cut holding k..2k of them.

    Interpolation search on the creation time, alternating with bisection so bursts of
    reviews created together cannot slow it down, counting at each probe. The last cut for
    the same query (a hint, re-checked by a count) usually lands in range at once.
    """

    def before(cut: datetime) -> str:
        return f"{query} AND {sa.CREATED_AT.name} <= '{cut.isoformat()}'"

    async def probe(cut: datetime) -> int:
        return await visibility.count(before(cut))

    now = datetime.now(UTC)
    high: tuple[datetime, int] | None = None
    low: tuple[datetime, int] | None = None
    hint = hints.get(query)
    if hint is not None:
        found = await probe(hint)
        if k <= found <= 2 * k:
            return before(hint)
        if found >= k:
            high = (hint, found)
        else:
            low = (hint, found)
    if high is None:
        high = (now, await probe(now))
        if high[1] < k:
            return query  # fewer than k in all: no cut needed
    span = timedelta(minutes=1)
    while low is None:  # step back until a cut holds fewer than k
        cut = high[0] - span
        found = await probe(cut)
        if found < k:
            low = (cut, found)
        elif found <= 2 * k:
            hints.put(query, cut)
            return before(cut)
        else:
            high, span = (cut, found), span * 8
            if span > timedelta(days=3650):
                return query
    for step in range(60):
        if step % 2 == 0:  # interpolate: fast when creation times are spread evenly
            aim = (1.5 * k - low[1]) / max(1, high[1] - low[1])
            fraction = min(0.95, max(0.05, aim))
        else:  # bisect: at least halves the bracket every two probes, bursts or not
            fraction = 0.5
        cut = low[0] + (high[0] - low[0]) * fraction
        found = await probe(cut)
        if k <= found <= 2 * k:
            high = (cut, found)
            break
        if found < k:
            low = (cut, found)
        else:
            high = (cut, found)
        if high[0] - low[0] < timedelta(milliseconds=1):
            break
    hints.put(query, high[0])
    return before(high[0])


class CutHints:
    """Recent cut times per query, kept briefly in the gateway process.

    Only a starting guess for the next search: every use is re-counted, so a stale hint
    costs one extra count and never a wrong answer.
    """

    def __init__(self, ttl: timedelta = timedelta(seconds=60), size: int = 10_000) -> None:
        self._ttl, self._size = ttl, size
        self._cuts: dict[str, tuple[datetime, datetime]] = {}

    def get(self, query: str) -> datetime | None:
        entry = self._cuts.get(query)
        if entry is None or datetime.now(UTC) - entry[1] > self._ttl:
            return None
        return entry[0]

    def put(self, query: str, cut: datetime) -> None:
        self._cuts.pop(query, None)
        self._cuts[query] = (cut, datetime.now(UTC))
        while len(self._cuts) > self._size:
            del self._cuts[next(iter(self._cuts))]


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
