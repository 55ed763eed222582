"""The review's custom search attributes: what inboxes and operators filter on.

Eight attributes; they fit SQL visibility's per-type slot limits (Keyword 5, KeywordList 1,
Datetime 2).
"""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

STATUS = SearchAttributeKey.for_keyword("ReviewStatus")
QUEUE = SearchAttributeKey.for_keyword("ReviewQueue")
CANDIDATES = SearchAttributeKey.for_keyword_list("ReviewCandidates")
CLAIMED_BY = SearchAttributeKey.for_keyword("ReviewClaimedBy")
PRIORITY = SearchAttributeKey.for_keyword("ReviewPriority")
DEADLINE = SearchAttributeKey.for_datetime("ReviewDeadline")
TEMPLATE = SearchAttributeKey.for_keyword("ReviewTemplate")
CREATED_AT = SearchAttributeKey.for_datetime("ReviewCreatedAt")  # survives continue-as-new

ALL: tuple[SearchAttributeKey[Any], ...] = (
    STATUS,
    QUEUE,
    CANDIDATES,
    CLAIMED_BY,
    PRIORITY,
    DEADLINE,
    TEMPLATE,
    CREATED_AT,
)
"""Every attribute, for registration."""
