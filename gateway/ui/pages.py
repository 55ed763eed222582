"""The reviewer web UI: sign-in, inbox and review pages (server-rendered, no JavaScript).

Actions post forms to ``review_actions.py``; every page reads the review through the same
``Reviews`` service as the JSON API, so the review workflow stays the one judge of who
may do what.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import RedirectResponse, Response

from temporal_review.activities.links import InvalidLink, verify_link
from temporal_review.gateway.auth import Credentials, digest
from temporal_review.gateway.errors import ApiError
from temporal_review.gateway.inbox import InboxFilter, inbox_page
from temporal_review.gateway.reviews import Reviews
from temporal_review.gateway.settings import GatewaySettings
from temporal_review.gateway.ui.identity import (
    Viewer,
    codec_of,
    new_login_nonce,
    reviewer_by_digest,
    set_session,
    viewer_of,
)
from temporal_review.gateway.ui.sessions import COOKIE, csrf_matches
from temporal_review.gateway.ui.views import message_page, page, review_context
from temporal_review.workflows import Priority, ReviewStatus

router = APIRouter(prefix="/ui", include_in_schema=False)

ReviewId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")]
LOGIN_COOKIE = "review_login"
PAGE_SIZE = 25

DONE = {
    "claimed": "You claimed this review. It is yours to answer.",
    "released": "You released this review; it is back in the queue.",
    "responded": "Your answer is recorded. Thank you.",
    "changes": "Your instructions went to the agent. "
    "This page shows the new revision when it arrives.",
    "escalated": "The review was escalated to the next reviewers.",
}


def reviews_of(request: Request) -> Reviews:
    reviews: Reviews = request.app.state.reviews
    return reviews


def to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)


@router.get("/login")
async def login_form(request: Request, next: str = "/ui/") -> Response:
    if viewer_of(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    nonce = new_login_nonce()
    response = page(request, "login.html", {"login_nonce": nonce, "next": _safe_next(next)})
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict", path="/ui")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    nonce, token = str(form.get("nonce", "")), str(form.get("token", "")).strip()
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, nonce):
        return message_page(
            request, "Sign-in expired", "Reload the sign-in page and try again.", 400
        )
    credentials: Credentials = request.app.state.credentials
    wanted = digest(token) if token else ""
    if reviewer_by_digest(credentials, wanted) is None:
        retry = new_login_nonce()
        response = page(
            request,
            "login.html",
            {
                "login_nonce": retry,
                "next": _safe_next(str(form.get("next", ""))),
                "problem": "That token is not valid.",
            },
            status=401,
        )
        response.set_cookie(LOGIN_COOKIE, retry, httponly=True, samesite="strict", path="/ui")
        return response
    signed_in = RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)
    set_session(signed_in, request, codec_of(request).for_token(wanted))
    signed_in.delete_cookie(LOGIN_COOKIE, path="/ui")
    return signed_in


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    viewer = viewer_of(request)
    if viewer is not None and not csrf_matches(viewer.session, str(form.get("csrf", ""))):
        return message_page(request, "Expired form", "Reload the page and try again.", 403, viewer)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/ui")
    return response


@router.get("/")
async def inbox(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    if viewer.only_review is not None:  # a link opens one review, not an inbox
        return RedirectResponse(f"/ui/reviews/{viewer.only_review}", status_code=303)
    params = request.query_params
    queue = params.get("queue", "").strip() or None
    status = _status(params.get("status"))
    priority = _priority(params.get("priority"))
    mine = params.get("mine") == "1"
    wanted = InboxFilter(queue=queue, status=status, priority=priority, mine=mine)
    token = params.get("page") or None
    reviews = reviews_of(request)
    try:
        if status is not None and status.is_terminal:
            items, total, next_token = [], 0, None
        else:
            found = await inbox_page(
                reviews.visibility,
                viewer.actor,
                wanted,
                PAGE_SIZE,
                token,
                hints=reviews.inbox_hints,
            )
            items, total, next_token = found.items, found.total, found.next_page_token
    except ApiError as err:
        return message_page(request, "Inbox unavailable", err.message, err.status, viewer)
    query = {k: v for k, v in params.items() if k not in ("page", "done")}
    return page(
        request,
        "inbox.html",
        {
            "items": items,
            "total": total,
            "next_token": next_token,
            "query": query,
            "filters": {"queue": queue or "", "status": status, "priority": priority, "mine": mine},
            "statuses": [s for s in ReviewStatus if not s.is_terminal],
            "priorities": list(Priority),
            "notice": DONE.get(params.get("done", "")),
        },
        viewer=viewer,
    )


@router.get("/reviews/{review_id}")
async def review_page(request: Request, review_id: ReviewId) -> Response:
    token = request.query_params.get("token")
    if token is not None:
        return _link_sign_in(request, review_id, token)
    viewer = viewer_of(request)
    if viewer is None:
        return to_login(request)
    if not viewer.may_open(review_id):
        return message_page(request, "Not yours", "Your link opens another review.", 403, viewer)
    try:
        state = await reviews_of(request).visible_state(review_id, viewer.actor)
    except ApiError as err:
        return _error_page(request, err, viewer)
    notice = DONE.get(request.query_params.get("done", ""))
    return page(request, "review.html", review_context(state, viewer, notice=notice), viewer=viewer)


def _link_sign_in(request: Request, review_id: str, token: str) -> Response:
    settings: GatewaySettings = request.app.state.settings
    if settings.link_secret is None:
        return message_page(request, "Links are off", "Sign in to open the review.", 404)
    try:
        claims = verify_link(
            settings.link_secret.get_secret_value(), token, review_id, now=datetime.now(UTC)
        )
    except InvalidLink as err:
        return message_page(request, "This link does not work", f"{err}.", 403)
    # Redirect to the bare URL: the token leaves the address bar and the browser history.
    response = RedirectResponse(f"/ui/reviews/{review_id}", status_code=303)
    session = codec_of(request).for_link(claims.user, claims.groups, review_id, claims.expires_at)
    set_session(response, request, session)
    return response


def _error_page(request: Request, err: ApiError, viewer: Viewer) -> Response:
    titles = {403: "Not routed to you", 404: "No such review", 503: "Try again shortly"}
    title = titles.get(err.status, "Something went wrong")
    return message_page(request, title, err.message, err.status, viewer)


def _status(raw: str | None) -> ReviewStatus | None:
    try:
        return ReviewStatus(raw) if raw else None
    except ValueError:
        return None  # a filter we do not know is ignored, not an error page


def _priority(raw: str | None) -> Priority | None:
    try:
        return Priority(raw) if raw else None
    except ValueError:
        return None


def _safe_next(target: str) -> str:
    # Only our own pages: an open redirect would make the sign-in page a phishing tool.
    return (
        target
        if target.startswith("/ui/") and "//" not in target and "\\" not in target
        else "/ui/"
    )
