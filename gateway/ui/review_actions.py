"""Reviewer actions from the web UI: claim, release, respond, ask for changes, escalate.

Each form carries the CSRF token of the session, the revision the reviewer saw, and a
nonce that becomes the update id, so a double-clicked button acts once. Success
redirects back to the review page (post/redirect/get); a refusal re-renders it with a
message that says what happened and what to do next.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from temporal_review.gateway.errors import ApiError
from temporal_review.gateway.ui import forms
from temporal_review.gateway.ui.identity import Viewer, viewer_of
from temporal_review.gateway.ui.pages import ReviewId, reviews_of, to_login
from temporal_review.gateway.ui.sessions import csrf_matches
from temporal_review.gateway.ui.views import message_page, page, review_context
from temporal_review.workflows import (
    ClaimInput,
    EscalateInput,
    FieldChange,
    FieldKind,
    ReleaseInput,
    RequestChangesInput,
    RespondInput,
    ReviewState,
    ReviewWorkflow,
)
from temporal_review.workflows.validation import InvalidResponse, validate_response

router = APIRouter(prefix="/ui", include_in_schema=False)

CONFLICTS = {
    "claimed_by_other": "Someone else claimed this review first. It is theirs to answer "
    "unless they release it; your inbox has others waiting.",
    "stale_revision": "The agent sent a newer revision while you were looking. "
    "Read the new revision below, then act again.",
    "review_ended": "This review was already decided; nothing more to do here.",
    "wrong_status": "This review has moved on since the page loaded. Its current state is below.",
    "round_limit": "No change rounds are left: approve, reject or escalate.",
    "forbidden": "This review is not routed to you (any more).",
}


@dataclass(frozen=True)
class Submission:
    """One posted action form, checked for session, CSRF, routing and revision."""

    request: Request
    viewer: Viewer
    state: ReviewState
    form: FormData
    revision: int
    update_id: str | None  # from the form's nonce: a double submit acts once

    def text(self, key: str) -> str | None:
        return _text(self.form, key)

    async def send(self, update: Any, params: Any) -> None:
        await reviews_of(self.request).act(self.state.review_id, update, params, self.update_id)

    def again(self, problem: str, **context: Any) -> Response:
        """The review page with ``problem`` shown (422: nothing was sent)."""
        shown = review_context(self.state, self.viewer, problem=problem, **context)
        return page(self.request, "review.html", shown, viewer=self.viewer, status=422)


Handler = Callable[[Submission], Awaitable[Response | None]]
"""Sends the action, or returns a page saying what to fix."""

DONE = {
    "claim": "claimed",
    "release": "released",
    "respond": "responded",
    "changes": "changes",
    "escalate": "escalated",
}


@router.post("/reviews/{review_id}/{action}")
async def act(request: Request, review_id: ReviewId, action: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    form = await request.form()
    if not csrf_matches(viewer.session, _text(form, "csrf")):
        return message_page(request, "Expired form", "Reload the page and try again.", 403, viewer)
    if not viewer.may_open(review_id):
        return message_page(request, "Not yours", "Your link opens another review.", 403, viewer)
    handler = HANDLERS.get(action)
    if handler is None:
        return message_page(request, "Unknown action", f"There is no {action!r} here.", 404, viewer)
    revision = _int(form, "revision")
    if revision is None:
        return message_page(request, "Bad form", "The form lacks its revision.", 400, viewer)
    try:
        state = await reviews_of(request).visible_state(review_id, viewer.actor)
    except ApiError as err:
        return message_page(request, "Cannot act", err.message, err.status, viewer)
    nonce = _text(form, "nonce")
    update_id = f"ui/{action}/{viewer.actor.id}/{nonce}" if nonce else None
    try:
        refusal = await handler(Submission(request, viewer, state, form, revision, update_id))
    except ApiError as err:
        return await _refused(request, viewer, review_id, err)
    if refusal is not None:
        return refusal
    if action == "escalate":  # it now belongs to the next tier: back to the inbox
        return RedirectResponse("/ui/?done=escalated", status_code=303)
    return RedirectResponse(f"/ui/reviews/{review_id}?done={DONE[action]}", status_code=303)


async def _claim(s: Submission) -> Response | None:
    await s.send(ReviewWorkflow.claim, ClaimInput(reviewer=s.viewer.actor, revision=s.revision))
    return None


async def _release(s: Submission) -> Response | None:
    params = ReleaseInput(reviewer=s.viewer.actor, revision=s.revision)
    await s.send(ReviewWorkflow.release, params)
    return None


async def _respond(s: Submission) -> Response | None:
    values = _values(s.form)
    answer = forms.answer_from(s.state.response_spec, values)
    errors: dict[str, str] = {}
    edits: dict[str, Any] = {}
    for field in s.state.fields:
        key = f"edit.{field.name}"
        raw = s.form.get(key)
        if not field.editable or not isinstance(raw, str):
            continue
        if field.kind is FieldKind.JSON:
            try:
                edited: Any = json.loads(raw)
            except ValueError:
                errors[key] = "not valid JSON"
                continue
        else:
            edited = raw.replace("\r\n", "\n")  # browsers send CRLF line ends
        if edited != field.value:
            edits[field.name] = edited
    try:
        validate_response(s.state.response_spec, answer, has_edits=bool(edits))
    except InvalidResponse as invalid:
        errors.update(forms.problems_by_input(invalid.problems))
    if errors:
        kept = {k: str(v) for k, v in s.form.items() if k.startswith("edit.")}
        return s.again(
            "Some answers need another look.", values=values, errors=errors, edit_values=kept
        )
    params = RespondInput(
        reviewer=s.viewer.actor,
        revision=s.revision,
        response=answer,
        edits=edits,
        comment=s.text("comment"),
    )
    await s.send(ReviewWorkflow.respond, params)
    return None


async def _request_changes(s: Submission) -> Response | None:
    picked = [str(v) for v in s.form.getlist("change")]
    if not picked:
        return s.again("Pick at least one field for the agent to redo.")
    changes = [
        FieldChange(field=name, instruction=s.text(f"instruction.{name}")) for name in picked
    ]
    params = RequestChangesInput(
        reviewer=s.viewer.actor, revision=s.revision, changes=changes, comment=s.text("comment")
    )
    await s.send(ReviewWorkflow.request_changes, params)
    return None


async def _escalate(s: Submission) -> Response | None:
    reason = s.text("reason")
    if not reason:
        return s.again("Say why you escalate: the next reviewer reads it.")
    params = EscalateInput(actor=s.viewer.actor, revision=s.revision, reason=reason[:2000])
    await s.send(ReviewWorkflow.escalate, params)
    return None


HANDLERS: dict[str, Handler] = {
    "claim": _claim,
    "release": _release,
    "respond": _respond,
    "changes": _request_changes,
    "escalate": _escalate,
}


async def _refused(request: Request, viewer: Viewer, review_id: str, err: ApiError) -> Response:
    """Show the review as it is now, with what happened and the way forward."""
    message = CONFLICTS.get(err.code)
    if message is None:
        return message_page(
            request, "The action did not go through", err.message, err.status, viewer
        )
    try:
        state = await reviews_of(request).visible_state(review_id, viewer.actor)
    except ApiError:
        return message_page(request, "The action did not go through", message, err.status, viewer)
    context = review_context(state, viewer, problem=message)
    return page(request, "review.html", context, viewer=viewer, status=err.status)


def _values(form: FormData) -> forms.FormValues:
    values: forms.FormValues = {}
    for key in form:
        if key == forms.ROOT or key.startswith(forms.ROOT + "."):
            values[key] = [str(v) for v in form.getlist(key)]
    return values


def _text(form: FormData, key: str) -> str | None:
    value = form.get(key)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _int(form: FormData, key: str) -> int | None:
    raw = _text(form, key)
    return int(raw) if raw is not None and raw.isdigit() and len(raw) < 10 else None
