"""Signed, expiring review links: a token that lets one reviewer open one review.

A notification to a reviewer carries ``<base_url>/ui/reviews/<id>?token=<token>``; the
gateway, which shares ``link_secret`` with the worker, verifies it. The token is
``<payload>.<signature>``, both base64url: the payload names the review, the reviewer,
their groups and the expiry; the signature is HMAC-SHA256 of the payload. It grants
nothing beyond that review, and nothing after it expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

REVIEW_PAGE = "/ui/reviews/{review_id}"
"""Where a review opens in the gateway."""


class InvalidLink(ValueError):
    """A link token that is malformed, forged, expired or for another review."""


class LinkClaims(BaseModel):
    """Who a valid token identifies, and for which review."""

    review_id: str
    user: str
    groups: list[str]
    expires_at: int  # Unix seconds


def sign_link(secret: str, claims: LinkClaims) -> str:
    """The token for ``claims``."""
    payload = _b64(json.dumps(claims.model_dump(), separators=(",", ":")).encode())
    return f"{payload}.{_b64(_mac(secret, payload))}"


def verify_link(secret: str, token: str, review_id: str, *, now: datetime) -> LinkClaims:
    """The claims of ``token`` if it is genuine, unexpired and for ``review_id``."""
    payload, _, signature = token.partition(".")
    try:
        given = base64.urlsafe_b64decode(_padded(signature))
    except ValueError:
        raise InvalidLink("the link is malformed") from None
    # Constant-time: the signature must not leak byte by byte.
    if not hmac.compare_digest(_mac(secret, payload), given):
        raise InvalidLink("the link's signature does not match")
    try:
        claims = LinkClaims.model_validate_json(base64.urlsafe_b64decode(_padded(payload)))
    except (ValueError, ValidationError):
        raise InvalidLink("the link is malformed") from None
    if claims.review_id != review_id:
        raise InvalidLink("the link is for another review")
    if claims.expires_at < now.timestamp():
        raise InvalidLink("the link has expired; sign in to open the review")
    return claims


def review_link(base_url: str, review_id: str, token: str | None = None) -> str:
    """The review page's URL, with ``token`` when given."""
    url = base_url.rstrip("/") + REVIEW_PAGE.format(review_id=quote(review_id, safe=""))
    return f"{url}?token={token}" if token else url


def _mac(secret: str, payload: str) -> bytes:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _padded(text: str) -> bytes:
    return (text + "=" * (-len(text) % 4)).encode()
