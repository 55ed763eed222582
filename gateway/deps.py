"""Dependencies of the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from temporal_review.gateway.auth import (
    AgentPrincipal,
    Credentials,
    ReviewerPrincipal,
    authenticate,
)
from temporal_review.gateway.errors import forbidden, unauthenticated, unavailable
from temporal_review.gateway.reviews import Reviews
from temporal_review.gateway.settings import GatewaySettings, Scope


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


def get_reviews(request: Request) -> Reviews:
    reviews: Reviews | None = getattr(request.app.state, "reviews", None)
    if reviews is None:
        raise unavailable("not connected to Temporal")
    return reviews


SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
ReviewsDep = Annotated[Reviews, Depends(get_reviews)]


def get_principal(request: Request, settings: SettingsDep) -> AgentPrincipal | ReviewerPrincipal:
    credentials: Credentials = request.app.state.credentials
    principal = authenticate(request, credentials, settings)
    if principal is None:
        raise unauthenticated()
    return principal


PrincipalDep = Annotated[AgentPrincipal | ReviewerPrincipal, Depends(get_principal)]


def get_reviewer(principal: PrincipalDep) -> ReviewerPrincipal:
    if not isinstance(principal, ReviewerPrincipal):
        raise forbidden("this route is for reviewers")
    return principal


ReviewerDep = Annotated[ReviewerPrincipal, Depends(get_reviewer)]


def agent_with(scope: Scope) -> object:
    """A dependency that admits agents holding ``scope``."""

    def check(principal: PrincipalDep) -> AgentPrincipal:
        if not isinstance(principal, AgentPrincipal):
            raise forbidden("this route is for agents")
        if scope not in principal.scopes:
            raise forbidden(f"this key lacks the {scope} scope")
        return principal

    return Depends(check)


CreatorDep = Annotated[AgentPrincipal, agent_with("reviews:create")]
WriterDep = Annotated[AgentPrincipal, agent_with("reviews:write")]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Repeat a request safely: the same key returns the first result.",
    ),
]
