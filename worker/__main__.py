"""``python -m temporal_review.worker``: a review worker until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from temporal_review.worker.logs import configure_logging
from temporal_review.worker.run import run_worker
from temporal_review.worker.settings import WorkerSettings


async def run_until_signalled() -> None:
    """Run a worker from the environment's settings until asked to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    settings = WorkerSettings()
    configure_logging(settings.log_format)
    await run_worker(settings, stop)


if __name__ == "__main__":
    asyncio.run(run_until_signalled())
