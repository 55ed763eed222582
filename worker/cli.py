"""``temporal-review``: the command line (``dev`` and ``worker``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from temporal_review.worker.dev import DevOptions, run_dev
from temporal_review.worker.run import run_worker
from temporal_review.worker.settings import WorkerSettings


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``temporal-review`` console script."""
    parser = argparse.ArgumentParser(prog="temporal-review", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="run the embedded stack (dev server, worker, demo)")
    dev.add_argument("--state-dir", type=Path, default=Path(".state"))
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=7233, help="Temporal frontend port")
    dev.add_argument("--ui-port", type=int, default=8233, help="Temporal UI port")
    dev.add_argument("--no-demo", action="store_true", help="do not start the example agent")
    commands.add_parser("worker", help="run a review worker (connection from TEMPORAL_* env)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.command == "dev":
        options = DevOptions(
            state_dir=args.state_dir,
            host=args.host,
            port=args.port,
            ui_port=args.ui_port,
            seed_demo=not args.no_demo,
        )
        asyncio.run(run_dev(options))
    else:
        asyncio.run(_worker_until_signalled())


async def _worker_until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_worker(WorkerSettings(), stop)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
