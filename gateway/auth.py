"""Who is calling: an agent (API key) or a reviewer (token, or trusted proxy headers).

Presented secrets are hashed and compared with ``hmac.compare_digest`` against every
configured digest, so neither the match nor its position leaks through timing. Secrets
are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TypeVar

from starlette.requests import Request

from temporal_review.gateway.settings import GatewaySettings, Scope
from temporal_review.workflows import Actor

__all__ = ["AgentPrincipal", "Credentials", "ReviewerPrincipal", "authenticate", "digest"]


def digest(secret: str) -> str:
    """SHA-256 hex digest of a secret (what the configuration may store instead of it)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class AgentPrincipal:
    """An agent authenticated by API key."""

    name: str
    scopes: frozenset[Scope]

    @property
    def actor(self) -> Actor:
        """How the agent appears in a review's audit trail."""
        return Actor(id=f"agent:{self.name}")


@dataclass(frozen=True)
class ReviewerPrincipal:
    """A reviewer (or operator) with their groups."""

    actor: Actor


@dataclass(frozen=True)
class Credentials:
    """The configured credentials, as digests, ready for constant-time lookups."""

    agents: tuple[tuple[str, AgentPrincipal], ...]
    reviewers: tuple[tuple[str, ReviewerPrincipal], ...]

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Credentials:
        """Hash every clear secret once, at start."""
        agents = tuple(
            (
                key.key_sha256 or digest(key.key.get_secret_value() if key.key else ""),
                AgentPrincipal(name=key.name, scopes=key.scopes),
            )
            for key in settings.agent_keys
        )
        reviewers = tuple(
            (
                token.token_sha256 or digest(token.token.get_secret_value() if token.token else ""),
                ReviewerPrincipal(
                    Actor(id=token.user, groups=tuple(token.groups), operator=token.operator)
                ),
            )
            for token in settings.reviewers
        )
        return cls(agents=agents, reviewers=reviewers)


P = TypeVar("P")


def _presented_secret(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def _lookup(pairs: tuple[tuple[str, P], ...], presented: str) -> P | None:
    wanted = digest(presented).encode()
    found: P | None = None
    for stored, principal in pairs:  # no early exit: every entry costs the same
        if hmac.compare_digest(stored.encode(), wanted):
            found = principal
    return found


def authenticate(
    request: Request, credentials: Credentials, settings: GatewaySettings
) -> AgentPrincipal | ReviewerPrincipal | None:
    """The caller, or None when no valid credential was presented."""
    presented = _presented_secret(request)
    if presented is not None:
        return _lookup(credentials.agents, presented) or _lookup(credentials.reviewers, presented)
    trusted = settings.trusted_headers
    if trusted.enabled:
        user = request.headers.get(trusted.user_header, "").strip()
        if user:
            raw_groups = request.headers.get(trusted.groups_header, "")
            groups = tuple(g.strip() for g in raw_groups.split(",") if g.strip())
            operator = trusted.operator_group is not None and trusted.operator_group in groups
            return ReviewerPrincipal(Actor(id=user, groups=groups, operator=operator))
    return None
