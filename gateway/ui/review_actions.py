"""Reviewer actions from the web UI: claim, release, respond, ask for changes, escalate.

Each form carries the CSRF token of the session, the revision the reviewer saw, and a
nonce that becomes the update id, so a double-clicked button acts once. Success
redirects back to the review page (post/redirect/get); a refusal re-renders it with a
message that says what happened and what to do next.
"""

from __future__ import annotations

import json
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
    reviews = reviews_of(request)
    try:
        state = await reviews.visible_state(review_id, viewer.actor)
    except ApiError as err:
        return message_page(request, "Cannot act", err.message, err.status, viewer)
    handlers = {
        "claim": _claim,
        "release": _release,
        "respond": _respond,
        "changes": _request_changes,
        "escalate": _escalate,
    }
    handler = handlers.get(action)
    if handler is None:
        return message_page(request, "Unknown action", f"There is no {action!r} here.", 404, viewer)
    revision = _int(form, "revision")
    if revision is None:
        return message_page(request, "Bad form", "The form lacks its revision.", 400, viewer)
    nonce = _text(form, "nonce")
    update_id = f"ui/{action}/{viewer.actor.id}/{nonce}" if nonce else None
    try:
        refusal = await handler(request, viewer, state, form, revision, update_id)
    except ApiError as err:
        return await _refused(request, viewer, review_id, err)
    if refusal is not None:
        return refusal
    done = {
        "changes": "changes",
        "respond": "responded",
        "claim": "claimed",
        "release": "released",
        "escalate": "escalated",
    }
    if action == "escalate":  # it now belongs to the next tier: back to the inbox
        return RedirectResponse("/ui/?done=escalated", status_code=303)
    return RedirectResponse(f"/ui/reviews/{review_id}?done={done[action]}", status_code=303)


async def _claim(
    request: Request,
    viewer: Viewer,
    state: ReviewState,
    form: FormData,
    revision: int,
    update_id: str | None,
) -> Response | None:
    params = ClaimInput(reviewer=viewer.actor, revision=revision)
    await reviews_of(request).act(state.review_id, ReviewWorkflow.claim, params, update_id)
    return None


async def _release(
    request: Request,
    viewer: Viewer,
    state: ReviewState,
    form: FormData,
    revision: int,
    update_id: str | None,
) -> Response | None:
    params = ReleaseInput(reviewer=viewer.actor, revision=revision)
    await reviews_of(request).act(state.review_id, ReviewWorkflow.release, params, update_id)
    return None


async def _respond(
    request: Request,
    viewer: Viewer,
    state: ReviewState,
    form: FormData,
    revision: int,
    update_id: str | None,
) -> Response | None:
    values = _values(form)
    answer = forms.answer_from(state.response_spec, values)
    errors: dict[str, str] = {}
    edits: dict[str, Any] = {}
    for field in state.fields:
        key = f"edit.{field.name}"
        if not field.editable or key not in form:
            continue
        raw = form.get(key)
        text = raw if isinstance(raw, str) else ""
        if field.kind is FieldKind.JSON:
            try:
                edited: Any = json.loads(text)
            except ValueError:
                errors[key] = "not valid JSON"
                continue
        else:
            edited = text.replace("\r\n", "\n")
        if edited != field.value:
            edits[field.name] = edited
    try:
        validate_response(state.response_spec, answer, has_edits=bool(edits))
    except InvalidResponse as invalid:
        errors.update(forms.problems_by_input(invalid.problems))
    if errors:
        context = review_context(
            state, viewer, problem="Some answers need another look.", values=values, errors=errors
        )
        context["edit_values"] = {k: _text(form, k) for k in form if k.startswith("edit.")}
        return page(request, "review.html", context, viewer=viewer, status=422)
    params = RespondInput(
        reviewer=viewer.actor,
        revision=revision,
        response=answer,
        edits=edits,
        comment=_text(form, "comment"),
    )
    await reviews_of(request).act(state.review_id, ReviewWorkflow.respond, params, update_id)
    return None


async def _request_changes(
    request: Request,
    viewer: Viewer,
    state: ReviewState,
    form: FormData,
    revision: int,
    update_id: str | None,
) -> Response | None:
    picked = [str(v) for v in form.getlist("change")]
    if not picked:
        context = review_context(
            state, viewer, problem="Pick at least one field for the agent to redo."
        )
        return page(request, "review.html", context, viewer=viewer, status=422)
    changes = [
        FieldChange(field=name, instruction=_text(form, f"instruction.{name}")) for name in picked
    ]
    params = RequestChangesInput(
        reviewer=viewer.actor, revision=revision, changes=changes, comment=_text(form, "comment")
    )
    await reviews_of(request).act(
        state.review_id, ReviewWorkflow.request_changes, params, update_id
    )
    return None


async def _escalate(
    request: Request,
    viewer: Viewer,
    state: ReviewState,
    form: FormData,
    revision: int,
    update_id: str | None,
) -> Response | None:
    reason = _text(form, "reason")
    if not reason:
        context = review_context(
            state, viewer, problem="Say why you escalate: the next reviewer reads it."
        )
        return page(request, "review.html", context, viewer=viewer, status=422)
    params = EscalateInput(actor=viewer.actor, revision=revision, reason=reason[:2000])
    await reviews_of(request).act(state.review_id, ReviewWorkflow.escalate, params, update_id)
    return None


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
