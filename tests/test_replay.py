"""Histories recorded from earlier end-to-end runs replay with the current code.

A change to the review workflow that would break reviews already in flight (a new
command, a reordered timer) fails here; guard such a change with ``workflow.patched``.
Re-record after an intended, patched change with::

    TEMPORAL_REVIEW_RECORD_HISTORIES=1 .venv/bin/pytest tests
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from support.reviews import HISTORY_DIR, RECORD_ENV, replayer

RECORDED = sorted(HISTORY_DIR.glob("*.json"))


@pytest.mark.skipif(bool(os.environ.get(RECORD_ENV)), reason="recording this run")
def test_histories_were_recorded() -> None:
    kinds = {path.name.split(".")[1] for path in RECORDED}
    assert {"ReviewWorkflow", "ExampleAgentWorkflow"} <= kinds
    assert len(RECORDED) >= 10


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.stem)
async def test_recorded_history_replays(path: Path) -> None:
    history = _load(path)
    result = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


def _load(path: Path) -> WorkflowHistory:
    saved = json.loads(path.read_text())
    return WorkflowHistory.from_json(saved["workflow_id"], saved["history"])
