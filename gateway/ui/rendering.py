"""Turning agent content into safe HTML. Everything an agent sends is untrusted.

Markdown is rendered with raw HTML disabled, then sanitised by nh3 (an allow-list: no
scripts, no event-handler attributes, links only to http(s) and mailto). Other kinds are
escaped by Jinja's autoescaping; image and link URLs are checked to be http(s) when the
request is made and again here.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_ALLOWED_TAGS = {
    *("p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "a", "img"),
    *("ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("table", "thead", "tbody", "tr", "th", "td", "del"),
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def markdown_html(text: str) -> str:
    """Sanitised HTML of Markdown ``text``."""
    return nh3.clean(
        _markdown.render(text),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def safe_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL, else None (no ``javascript:`` or ``data:``)."""
    if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
        return value
    return None


def pretty_json(value: Any) -> str:
    """Indented JSON for display."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def as_text(value: Any) -> str:
    """A field value as editable text (JSON for structured values)."""
    if isinstance(value, str):
        return value
    return "" if value is None else pretty_json(value)


def age(moment: datetime, now: datetime) -> str:
    """How long ago, roughly (``3 h``)."""
    return _span(now - moment)


def time_left(deadline: datetime | None, now: datetime) -> str:
    """Time until ``deadline``: ``2 h 5 min``, ``overdue`` or empty."""
    if deadline is None:
        return ""
    left = deadline - now
    return "overdue" if left.total_seconds() <= 0 else _span(left)


def _span(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else "under a minute"
