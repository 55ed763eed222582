"""``python -m temporal_review.gateway [--host H] [--port P]``: serve the gateway."""

from __future__ import annotations

import argparse

from temporal_review.gateway.serve import serve

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m temporal_review.gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(args.host, args.port)
