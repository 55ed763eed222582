"""Serve the gateway with uvicorn."""

from __future__ import annotations

import uvicorn

from temporal_review.gateway.app import create_app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the gateway until interrupted (settings from the environment and TOML file)."""
    uvicorn.run(create_app(), host=host, port=port, log_level="info", access_log=False)
