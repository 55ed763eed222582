"""The web UI's session cookie: signed, HttpOnly, SameSite=Lax, with a CSRF token inside.

A session comes from a reviewer token (the cookie keeps the token's digest, so revoking the
token ends the session) or from a signed notification link (the cookie keeps that
reviewer's identity and the one review the link opens). The cookie is
``<base64url payload>.<base64url HMAC-SHA256>``; a forged or expired one is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, field

COOKIE = "review_session"
LIFETIME_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    """What the cookie holds."""

    token_digest: str | None = None  # a token sign-in
    user: str | None = None  # a link sign-in: who, their groups, and the one review
    groups: tuple[str, ...] = ()
    review_id: str | None = None
    expires_at: int = 0
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


class SessionCodec:
    """Signs and reads session cookies with one secret."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"temporal-review session\x00" + secret.encode()).digest()

    def for_token(self, token_digest: str) -> Session:
        return Session(token_digest=token_digest, expires_at=_expiry())

    def for_link(self, user: str, groups: list[str], review_id: str, until: int) -> Session:
        return Session(
            user=user,
            groups=tuple(groups),
            review_id=review_id,
            expires_at=min(until, _expiry()),
        )

    def encode(self, session: Session) -> str:
        payload = _b64(json.dumps(asdict(session), separators=(",", ":")).encode())
        return f"{payload}.{_b64(self._mac(payload))}"

    def decode(self, cookie: str | None) -> Session | None:
        """The session, or None for a missing, forged, malformed or expired cookie."""
        if not cookie:
            return None
        payload, _, signature = cookie.partition(".")
        try:
            given = base64.urlsafe_b64decode(_padded(signature))
            if not hmac.compare_digest(self._mac(payload), given):
                return None
            data = json.loads(base64.urlsafe_b64decode(_padded(payload)))
            session = Session(**{**data, "groups": tuple(data.get("groups", ()))})
        except (ValueError, TypeError):
            return None
        return session if session.expires_at > time.time() else None

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).digest()


def csrf_matches(session: Session, presented: str | None) -> bool:
    """Constant-time check of a form's CSRF token against the session's."""
    return presented is not None and hmac.compare_digest(session.csrf, presented)


def _expiry() -> int:
    return int(time.time()) + LIFETIME_SECONDS


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _padded(text: str) -> bytes:
    return (text + "=" * (-len(text) % 4)).encode()
