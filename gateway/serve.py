"""Serve the gateway with uvicorn."""

from __future__ import annotations

import uvicorn

from temporal_review.gateway.app import create_app
from temporal_review.gateway.settings import GatewaySettings
from temporal_review.worker.logs import configure_logging
from temporal_review.worker.tracing import configure_tracing


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the gateway until interrupted (settings from the environment and TOML file)."""
    settings = GatewaySettings()
    configure_logging(settings.log_format)
    if settings.tracing:
        configure_tracing("temporal-review-gateway")
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None)
