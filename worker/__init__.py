"""Running reviews: the Temporal plugin, the worker process, the embedded dev stack."""

from temporal_review.worker._plugin import PASSTHROUGH_MODULES, ReviewPlugin
from temporal_review.worker.binaries import temporal_cli_path, test_server_path
from temporal_review.worker.run import connect, run_worker
from temporal_review.worker.search_attributes import dev_server_flags, ensure_search_attributes
from temporal_review.worker.settings import WorkerSettings
from temporal_review.worker.starter import ReviewHandle, review_handle, start_review

__all__ = [
    "PASSTHROUGH_MODULES",
    "ReviewHandle",
    "ReviewPlugin",
    "WorkerSettings",
    "connect",
    "dev_server_flags",
    "ensure_search_attributes",
    "review_handle",
    "run_worker",
    "start_review",
    "temporal_cli_path",
    "test_server_path",
]
