"""Optional OpenTelemetry tracing: gateway request -> Temporal client call -> workflow ->
activities, one trace (``temporalio.contrib.opentelemetry`` carries the context).

Turn it on with ``TEMPORAL_REVIEW_TRACING=true`` and ``pip install 'temporal-review[tracing]'``.
Spans go to the OTLP/HTTP endpoint named by the standard ``OTEL_EXPORTER_OTLP_ENDPOINT``
(a collector, Jaeger, Tempo, Honeycomb, ...). A tracer provider set up before us (for
example by ``opentelemetry-instrument``) is kept.
"""

from __future__ import annotations

from typing import Any


class TracingUnavailable(RuntimeError):
    """Tracing was asked for but the OpenTelemetry packages are missing."""


def configure_tracing(service_name: str) -> None:
    """Install an SDK tracer provider exporting over OTLP/HTTP, unless one is set."""
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as missing:
        raise TracingUnavailable(
            "tracing needs OpenTelemetry: pip install 'temporal-review[tracing]'"
        ) from missing
    current: Any = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return  # someone configured tracing already: keep theirs
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
