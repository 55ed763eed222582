"""Worker configuration from the environment (prefix ``TEMPORAL_REVIEW_``).

The Temporal connection itself comes from temporalio's environment configuration
(``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``, TLS settings,
``TEMPORAL_PROFILE`` and the config file), so Temporal Cloud works unchanged.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from temporal_review.workflows.names import TASK_QUEUE

GATEWAY_CONFIG_ENV = "TEMPORAL_REVIEW_CONFIG"
"""Environment variable naming the gateway's TOML configuration (the dev stack sets it)."""


class WorkerSettings(BaseSettings):
    """What the ``temporal-review worker`` process reads.

    Attributes:
        task_queue: Task queue to poll.
        webhook_secrets: JSON object of secret reference -> secret
            (``TEMPORAL_REVIEW_WEBHOOK_SECRETS='{"crm": "..."}'``). Never logged.
        max_cached_workflows: Workflow cache size: bounds memory with many open reviews.
        example_agent: Also run the example agent workflow.
        ensure_search_attributes: Register missing search attributes at start.
    """

    model_config = SettingsConfigDict(env_prefix="TEMPORAL_REVIEW_", extra="ignore")

    task_queue: str = TASK_QUEUE
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    max_cached_workflows: int = Field(default=1000, ge=0)
    example_agent: bool = False
    ensure_search_attributes: bool = True

    def secrets(self) -> dict[str, str]:
        """The webhook secrets in clear, for the plugin only."""
        return {ref: secret.get_secret_value() for ref, secret in self.webhook_secrets.items()}
