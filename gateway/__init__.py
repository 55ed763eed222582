"""The HTTP gateway: agent and reviewer REST APIs over the review workflows."""

from temporal_review.gateway.app import create_app
from temporal_review.gateway.auth import digest
from temporal_review.gateway.settings import (
    AgentKey,
    GatewaySettings,
    ReviewerToken,
    ReviewTemplate,
    TrustedHeaders,
)

__all__ = [
    "AgentKey",
    "GatewaySettings",
    "ReviewTemplate",
    "ReviewerToken",
    "TrustedHeaders",
    "create_app",
    "digest",
]
