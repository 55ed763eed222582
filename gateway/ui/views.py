"""Rendering pages: the Jinja environment and the review page's context."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from temporal_review.gateway.ui import forms, rendering
from temporal_review.gateway.ui.identity import Viewer, keep_session
from temporal_review.workflows import ReviewState, ReviewStatus
from temporal_review.workflows.routing import Tier, is_candidate

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["markdown"] = lambda text: Markup(rendering.markdown_html(str(text)))
_env.filters["pretty_json"] = rendering.pretty_json
_env.filters["as_text"] = rendering.as_text
_env.filters["safe_url"] = rendering.safe_url
_env.filters["when"] = lambda moment: moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src http: https:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""Defence in depth: even markup that slipped past the sanitiser could not run a script."""


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    viewer: Viewer | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the common context."""
    now = datetime.now(UTC)
    body = _env.get_template(template).render(
        viewer=viewer,
        csrf=viewer.session.csrf if viewer else None,
        nonce=secrets.token_urlsafe(12),  # one per rendered form: a double submit acts once
        now=now,
        age=lambda moment: rendering.age(moment, now),
        time_left=lambda deadline: rendering.time_left(deadline, now),
        **context,
    )
    response = HTMLResponse(body, status_code=status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # links carry tokens: keep them home
    response.headers["Cache-Control"] = "no-store"
    if viewer is not None:
        keep_session(request, response, viewer)
    return response


def message_page(
    request: Request, title: str, message: str, status: int, viewer: Viewer | None = None
) -> HTMLResponse:
    return page(
        request, "message.html", {"title": title, "message": message}, viewer=viewer, status=status
    )


def review_context(
    state: ReviewState,
    viewer: Viewer,
    *,
    notice: str | None = None,
    problem: str | None = None,
    values: forms.FormValues | None = None,
    errors: dict[str, str] | None = None,
    edit_values: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the review page shows, for this viewer."""
    me = viewer.actor.id
    tier = Tier(index=state.tier, queue=state.queue, users=state.users, groups=state.groups)
    previous = {f.name: f.value for f in state.previous_fields}
    changed = {f.name for f in state.fields if f.name in previous and previous[f.name] != f.value}
    return {
        "state": state,
        "routed": is_candidate(viewer.actor, tier),
        "mine": state.status is ReviewStatus.CLAIMED and state.claimed_by == me,
        "claimable": state.status is ReviewStatus.PENDING and is_candidate(viewer.actor, tier),
        "live": not state.status.is_terminal,
        "waiting": state.status is ReviewStatus.CHANGES_REQUESTED,
        "previous": previous,
        "changed": changed,
        "retryable": [f for f in state.fields if f.retry or f.instructions],
        "editable": [f for f in state.fields if f.editable],
        "spec": state.response_spec,
        "values": values if values is not None else forms.default_values(state.response_spec),
        "errors": errors or {},
        "edit_values": edit_values or {},  # what the reviewer typed, kept on a refusal
        "notice": notice,
        "problem": problem,
        "audit": list(reversed(state.audit)),
    }
