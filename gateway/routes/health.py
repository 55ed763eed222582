"""Liveness and readiness: for load balancers and orchestrators, no credentials needed."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.service import RPCError

from temporal_review.gateway.deps import ReviewsDep
from temporal_review.gateway.errors import unavailable

router = APIRouter(tags=["health"], include_in_schema=False)  # for probes, not clients


@router.get("/healthz")
async def live() -> dict[str, str]:
    """The process answers (it says nothing about Temporal)."""
    return {"status": "ok"}


@router.get("/readyz")
async def ready(reviews: ReviewsDep) -> dict[str, str]:
    """Ready when Temporal answers within a second: send traffic here."""
    try:
        await reviews.client.workflow_service.get_system_info(
            GetSystemInfoRequest(), timeout=timedelta(seconds=1)
        )
    except RPCError:
        raise unavailable("Temporal does not answer") from None
    return {"status": "ready"}
