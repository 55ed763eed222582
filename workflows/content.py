"""Content fields: what the agent shows the reviewer, and what the reviewer may do with it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

JsonValue = Any
"""Any JSON value (dict, list, str, int, float, bool or None)."""


class FieldKind(StrEnum):
    """How a content field is rendered and what value it holds."""

    TEXT = "text"
    MARKDOWN = "markdown"
    IMAGE = "image"  # one image URL
    IMAGES = "images"  # a list of image URLs
    LINK = "link"
    JSON = "json"


_STRING_KINDS = {FieldKind.TEXT, FieldKind.MARKDOWN, FieldKind.IMAGE, FieldKind.LINK}


def check_field_value(kind: FieldKind, value: JsonValue) -> str | None:
    """Return why ``value`` cannot be the value of a field of ``kind``, or None if it can.

    None (an empty field) fits every kind.
    """
    if value is None:
        return None
    if kind in _STRING_KINDS:
        if not isinstance(value, str):
            return f"a {kind.value} field holds a string, got {type(value).__name__}"
        if kind in (FieldKind.IMAGE, FieldKind.LINK) and not _looks_like_url(value):
            return f"a {kind.value} field holds an http(s) URL"
        return None
    if kind is FieldKind.IMAGES:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "an images field holds a list of URL strings"
        if not all(_looks_like_url(v) for v in value):
            return "an images field holds http(s) URLs"
        return None
    return None  # JSON holds anything


def _looks_like_url(value: str) -> bool:
    # Only http(s): a javascript: or data: URL from an agent must never reach a reviewer's page.
    return value.startswith(("http://", "https://"))


class ContentField(BaseModel):
    """One piece of content under review, with what the reviewer may do to it.

    Attributes:
        name: Stable identifier, unique within the review.
        kind: How the value is rendered.
        value: The content itself.
        label: Human label; defaults to the name.
        editable: The reviewer may edit the value before answering.
        retry: The reviewer may ask the agent to produce this field again.
        instructions: The reviewer may ask for a redo with free-text instructions.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: FieldKind = FieldKind.TEXT
    value: JsonValue = None
    label: str | None = None
    editable: bool = False
    retry: bool = False
    instructions: bool = False

    @model_validator(mode="after")
    def _value_fits_kind(self) -> ContentField:
        problem = check_field_value(self.kind, self.value)
        if problem is not None:
            raise ValueError(f"field {self.name!r}: {problem}")
        return self
