"""The gateway app: ``create_app()`` with a lifespan that owns one Temporal client."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client
from temporalio.service import RetryConfig

from temporal_review.gateway import errors
from temporal_review.gateway.auth import Credentials
from temporal_review.gateway.body_limit import BodyLimit
from temporal_review.gateway.metrics import HttpMetrics, MeasureRequests
from temporal_review.gateway.reviews import Reviews
from temporal_review.gateway.routes import actions, events, health, inbox, reviews
from temporal_review.gateway.settings import GatewaySettings
from temporal_review.gateway.ui import pages, review_actions
from temporal_review.gateway.ui.sessions import SessionCodec
from temporal_review.worker import ReviewPlugin, connect


def create_app(settings: GatewaySettings | None = None, client: Client | None = None) -> FastAPI:
    """Build the gateway.

    Args:
        settings: Configuration; read from the environment and TOML file when None.
        client: A Temporal client with ``ReviewPlugin`` (tests hand one in); otherwise
            the lifespan connects through temporalio's environment configuration.
    """
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Calls give up on an unreachable Temporal within the action timeout (then 503),
        # instead of the client's default ten seconds of retries.
        retries = RetryConfig(max_elapsed_time_millis=int(settings.action_timeout_seconds * 1000))
        plugin = ReviewPlugin(tracing=settings.tracing)
        connected = client or await connect(plugin, retry_config=retries)
        app.state.reviews = Reviews(connected, settings.task_queue, settings.action_timeout_seconds)
        yield

    app = FastAPI(
        title="temporal-review gateway",
        version="1",
        description="Durable human review for AI agents: agent and reviewer APIs.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.credentials = Credentials.from_settings(settings)
    if client is not None:  # usable without running the lifespan (ASGI transport tests)
        app.state.reviews = Reviews(client, settings.task_queue, settings.action_timeout_seconds)
    errors.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    http_metrics = HttpMetrics()
    app.add_middleware(MeasureRequests, metrics=http_metrics)  # outermost: sees every answer
    app.add_api_route("/metrics", http_metrics.endpoint, include_in_schema=False)
    if settings.tracing:  # imported only when asked for: OpenTelemetry is an extra
        from temporal_review.gateway.tracing import TraceRequests

        app.add_middleware(TraceRequests)
    for module in (reviews, events, actions, inbox, health, pages, review_actions):
        app.include_router(module.router)
    # Without a configured secret, sessions last as long as this process (and one gateway).
    session_secret = settings.session_secret
    app.state.session_codec = SessionCodec(
        session_secret.get_secret_value() if session_secret else secrets.token_urlsafe(32)
    )
    static = Path(__file__).parent / "ui" / "static"
    app.mount("/ui/static", StaticFiles(directory=static), name="ui-static")
    app.add_api_route("/", _to_inbox, include_in_schema=False)
    return app


async def _to_inbox() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=307)
