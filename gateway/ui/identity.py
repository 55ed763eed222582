"""Who is looking at a page: a token session, a link session, or the trusted proxy."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from temporal_review.gateway.auth import Credentials, ReviewerPrincipal, authenticate
from temporal_review.gateway.settings import GatewaySettings
from temporal_review.gateway.ui.sessions import COOKIE, LIFETIME_SECONDS, Session, SessionCodec
from temporal_review.workflows import Actor


@dataclass(frozen=True)
class Viewer:
    """A signed-in reviewer. ``only_review`` limits a link sign-in to its review."""

    actor: Actor
    session: Session
    only_review: str | None = None
    fresh_session: bool = False  # a cookie must be set with this response

    def may_open(self, review_id: str) -> bool:
        return self.only_review is None or self.only_review == review_id


def codec_of(request: Request) -> SessionCodec:
    codec: SessionCodec = request.app.state.session_codec
    return codec


def current_session(request: Request) -> Session | None:
    return codec_of(request).decode(request.cookies.get(COOKIE))


def viewer_of(request: Request) -> Viewer | None:
    """The reviewer behind this request, or None (the page asks them to sign in)."""
    settings: GatewaySettings = request.app.state.settings
    credentials: Credentials = request.app.state.credentials
    session = current_session(request)
    if settings.trusted_headers.enabled:
        principal = authenticate(request, credentials, settings)
        if isinstance(principal, ReviewerPrincipal):
            # The proxy vouches for identity; the session only carries the CSRF token.
            if session is None:
                fresh = codec_of(request).for_token("")
                return Viewer(principal.actor, fresh, fresh_session=True)
            return Viewer(principal.actor, session)
    if session is None:
        return None
    if session.token_digest is not None:
        actor = reviewer_by_digest(credentials, session.token_digest)
        return Viewer(actor, session) if actor is not None else None
    if session.user is not None and session.review_id is not None:
        actor = Actor(id=session.user, groups=session.groups)
        return Viewer(actor, session, only_review=session.review_id)
    return None


def set_session(response: Response, request: Request, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        codec_of(request).encode(session),
        max_age=LIFETIME_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/ui",
    )


def keep_session(request: Request, response: Response, viewer: Viewer) -> None:
    """Set the cookie when the session was made for this request (proxy sign-in)."""
    if viewer.fresh_session:
        set_session(response, request, viewer.session)


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def reviewer_by_digest(credentials: Credentials, wanted: str) -> Actor | None:
    """The reviewer whose token has digest ``wanted``; every entry is compared (constant time)."""
    found: Actor | None = None
    for stored, principal in credentials.reviewers:  # no early exit: constant time
        if wanted and hmac.compare_digest(stored.encode(), wanted.encode()):
            found = principal.actor
    return found
