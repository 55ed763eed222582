"""Make sure the review search attributes exist in a namespace (through the operator service)."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType
from temporalio.service import RPCError, RPCStatusCode

from temporal_review.workflows import search_attributes


async def ensure_search_attributes(client: Client, namespace: str | None = None) -> list[str]:
    """Register any review search attribute the namespace lacks; return the names added.

    Needs operator permissions. Temporal Cloud registers attributes through its own
    control plane instead: there, create them once with ``tcld`` or the web console.
    """
    namespace = namespace or client.namespace
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        known = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as err:
        # The time-skipping test server can add attributes but not list them.
        if err.status is not RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()
    missing = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in search_attributes.ALL
        if key.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)


def dev_server_flags() -> list[str]:
    """``--search-attribute NAME=TYPE`` flags registering them on ``temporal server start-dev``."""
    flags: list[str] = []
    for key in search_attributes.ALL:
        flags += ["--search-attribute", f"{key.name}={_cli_type(key.indexed_value_type)}"]
    return flags


def _cli_type(kind: SearchAttributeIndexedValueType) -> str:
    return {
        SearchAttributeIndexedValueType.KEYWORD: "Keyword",
        SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
        SearchAttributeIndexedValueType.DATETIME: "Datetime",
        SearchAttributeIndexedValueType.INT: "Int",
        SearchAttributeIndexedValueType.TEXT: "Text",
        SearchAttributeIndexedValueType.BOOL: "Bool",
        SearchAttributeIndexedValueType.DOUBLE: "Double",
    }[kind]
