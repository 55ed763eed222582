"""``ReviewPlugin``: everything a Temporal client and worker need to run reviews."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import SecretStr
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import DataConverter
from temporalio.plugin import SimplePlugin
from temporalio.worker import WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from temporal_review.activities.channels import NotificationSettings
from temporal_review.activities.drafting import draft_text
from temporal_review.activities.http_client import SharedHttpClient
from temporal_review.activities.notifier import Notifier
from temporal_review.activities.webhooks import WebhookSender
from temporal_review.workflows.example_agent import ExampleAgentWorkflow
from temporal_review.workflows.review_workflow import ReviewWorkflow

CONTRACT_MODULES = (
    "checks",
    "content",
    "details",
    "errors",
    "messages",
    "metrics",
    "names",
    "records",
    "request",
    "response_spec",
    "routing",
    "search_attributes",
    "state",
    "validation",
)

PASSTHROUGH_MODULES = (
    # Review models are pydantic models validated inside workflow code: importing pydantic
    # once outside the sandbox keeps replays fast and model classes a single identity.
    "pydantic",
    "pydantic_core",
    "annotated_types",
    # Activity modules hold no workflow code; workflows only read their models.
    "temporal_review.activities",
    # The review contract and its pure helpers: agent workflows and the review workflow
    # must share one class per model, or pydantic refuses a DecisionSpec built by the other.
    # Modules that define workflows stay sandboxed.
    *(f"temporal_review.workflows.{name}" for name in CONTRACT_MODULES),
    # Tracing context crosses into workflow code; the SDK's interceptor expects it shared.
    "opentelemetry",
)


class ReviewPlugin(SimplePlugin):
    """Registers the review workflow, its activities and the pydantic data converter.

    Give it to ``Client.connect(plugins=[...])``: workers built on that client get it too
    (do not pass it to the worker again).

    Args:
        webhook_secrets: Secret reference -> secret, used to sign webhook deliveries. They
            stay on the worker: requests carry only the reference.
        include_example_agent: Also register the example agent workflow and its drafting
            activity (for the demo and tests).
        webhook_timeout: Seconds one webhook or Slack request may take.
        notifications: Channels and reviewer contacts (none: reviews notify nobody).
        base_url: The gateway's public URL: notification links open reviews there.
        link_secret: Signs per-reviewer links; give the gateway the same secret.
        tracing: Trace client calls, workflows and activities with OpenTelemetry (needs
            the ``tracing`` extra; spans go to the global tracer provider).
    """

    def __init__(
        self,
        *,
        webhook_secrets: Mapping[str, str] | None = None,
        include_example_agent: bool = False,
        webhook_timeout: float = 10.0,
        notifications: NotificationSettings | None = None,
        base_url: str | None = None,
        link_secret: str | SecretStr | None = None,
        tracing: bool = False,
    ) -> None:
        for ref, secret in (webhook_secrets or {}).items():
            if not secret:
                raise ValueError(f"webhook secret {ref!r} is empty")
        if isinstance(link_secret, str):
            link_secret = SecretStr(link_secret)
        self.http = SharedHttpClient(timeout=webhook_timeout)
        self.webhook_sender = WebhookSender(webhook_secrets, self.http)
        self.notifier = Notifier(
            notifications or NotificationSettings(),
            self.http,
            self.webhook_sender,
            base_url=base_url,
            link_secret=link_secret,
        )
        workflows: list[type] = [ReviewWorkflow]
        activities: list[Callable[..., Any]] = [
            self.webhook_sender.deliver_webhook,
            self.notifier.plan_notifications,
            self.notifier.send_notification,
        ]
        if include_example_agent:
            workflows.append(ExampleAgentWorkflow)
            activities.append(draft_text)
        interceptors: list[Any] = []
        if tracing:
            from temporalio.contrib.opentelemetry import TracingInterceptor

            interceptors.append(TracingInterceptor())
        super().__init__(
            name="temporal_review.ReviewPlugin",
            interceptors=interceptors,
            data_converter=_with_pydantic,
            workflows=workflows,
            activities=activities,
            workflow_runner=_with_passthrough,
            run_context=self.http.open,
        )


def _with_pydantic(converter: DataConverter | None) -> DataConverter:
    # Swap only the payload converter: a codec or failure converter the user set stays.
    base = converter or DataConverter.default
    return dataclasses.replace(base, payload_converter_class=PydanticPayloadConverter)


def _with_passthrough(runner: WorkflowRunner | None) -> WorkflowRunner:
    if runner is None:
        runner = SandboxedWorkflowRunner()
    if isinstance(runner, SandboxedWorkflowRunner):
        return dataclasses.replace(
            runner, restrictions=runner.restrictions.with_passthrough_modules(*PASSTHROUGH_MODULES)
        )
    return runner  # an unsandboxed runner needs no passthrough
