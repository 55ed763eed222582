"""``temporal-review``: the command line (``dev``, ``worker``, ``gateway``).

It lives at the top of the dependency chain (the gateway may import the worker; nothing
imports the gateway).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from temporal_review.gateway.serve import serve
from temporal_review.worker.__main__ import run_until_signalled
from temporal_review.worker.dev import DevOptions, run_dev


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``temporal-review`` console script."""
    parser = argparse.ArgumentParser(prog="temporal-review", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="run the embedded stack (server, worker, gateway, demo)")
    dev.add_argument("--state-dir", type=Path, default=Path(".state"))
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=7233, help="Temporal frontend port")
    dev.add_argument("--ui-port", type=int, default=8233, help="Temporal UI port")
    dev.add_argument("--gateway-port", type=int, default=8000, help="gateway port")
    dev.add_argument("--metrics-port", type=int, default=9464, help="worker metrics port")
    dev.add_argument("--no-demo", action="store_true", help="do not start the example agent")
    commands.add_parser("worker", help="run a review worker (connection from TEMPORAL_* env)")
    gateway = commands.add_parser("gateway", help="serve the HTTP gateway")
    gateway.add_argument("--host", default="127.0.0.1")
    gateway.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.command == "dev":
        options = DevOptions(
            state_dir=args.state_dir,
            host=args.host,
            port=args.port,
            ui_port=args.ui_port,
            gateway_port=args.gateway_port,
            metrics_port=args.metrics_port,
            seed_demo=not args.no_demo,
        )
        asyncio.run(run_dev(options))
    elif args.command == "worker":
        asyncio.run(run_until_signalled())
    else:
        serve(args.host, args.port)
