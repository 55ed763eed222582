"""Update-id memory: a retried action (same update id) returns its first result and acts once.

Temporal deduplicates update ids within one run; this memory is carried across
continue-as-new so a client retrying across that boundary is still answered, not re-applied.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporal_review.workflows.messages import ActionResult

REMEMBERED_UPDATES = 500
"""Update ids kept (the oldest are forgotten first)."""


class UpdateMemory:
    """Results of recent updates, by update id."""

    def __init__(self, carried: dict[str, ActionResult] | None = None) -> None:
        self.results: dict[str, ActionResult] = dict(carried or {})

    def result_of_current(self) -> ActionResult | None:
        """The first result of the update being handled, if its id already acted."""
        info = workflow.current_update_info()
        return self.results.get(info.id) if info is not None else None

    def remember_current(self, result: ActionResult) -> None:
        """Record the result of the update being handled under its id."""
        info = workflow.current_update_info()
        if info is None:
            return
        self.results[info.id] = result
        while len(self.results) > REMEMBERED_UPDATES:
            del self.results[next(iter(self.results))]
