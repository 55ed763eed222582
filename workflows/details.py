"""Markdown the Temporal UI shows for a review: the static summary and the current details."""

from __future__ import annotations

from temporal_review.workflows.request import ReviewRequest
from temporal_review.workflows.state import ReviewState


def static_summary(request: ReviewRequest) -> str:
    """One line shown in workflow lists: priority, queue and title."""
    return f"[{request.priority.value}] {request.queue}: {request.title}"[:400]


def list_memo(request: ReviewRequest) -> dict[str, str]:
    """Memo returned with visibility listings, so an inbox row needs no per-review query."""
    return {"title": request.title}


def static_details(request: ReviewRequest) -> str:
    """What never changes about the review, shown once on the workflow page."""
    lines = [f"### {request.title}", ""]
    lines.append(f"- **Queue:** {request.queue} · **Priority:** {request.priority.value}")
    if request.template:
        lines.append(f"- **Template:** {request.template}")
    lines.append(f"- **Response:** {request.response.type}")
    if request.fields:
        lines.append(f"- **Fields:** {', '.join(f.name for f in request.fields)}")
    if request.escalation:
        lines.append(f"- **Escalation tiers:** {len(request.escalation)}")
    return "\n".join(lines)


def current_details(state: ReviewState, review_url: str | None) -> str:
    """The review as it stands now: status, claimer, revision, tier and deadlines."""
    who = f" by **{state.claimed_by}**" if state.claimed_by else ""
    lines = [
        f"**Status:** {state.status.value}{who}",
        f"**Revision:** {state.revision} · **Rounds:** {state.rounds} · **Tier:** {state.tier}",
        f"**Candidates:** {_candidates(state)}",
    ]
    if state.tier_deadline is not None:
        lines.append(f"**Escalates at:** {state.tier_deadline.isoformat()}")
    if state.deadline is not None:
        lines.append(f"**Deadline:** {state.deadline.isoformat()}")
    if state.lease_expires_at is not None:
        lines.append(f"**Claim lease until:** {state.lease_expires_at.isoformat()}")
    if state.pending_changes is not None:
        fields = ", ".join(c.field for c in state.pending_changes.changes)
        lines.append(f"**Waiting for the agent to redo:** {fields}")
    if review_url:
        lines.append(f"[Open the review]({review_url})")
    return "  \n".join(lines)


def _candidates(state: ReviewState) -> str:
    parts = [f"users {', '.join(state.users)}"] if state.users else []
    if state.groups:
        parts.append(f"groups {', '.join(state.groups)}")
    return "; ".join(parts) or "operators only"
