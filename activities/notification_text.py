"""What a notification says: subject, plain text, HTML and a Slack message. Pure.

Titles and queue names come from agents, so HTML escapes them and Slack's mrkdwn control
characters are escaped too: a title cannot inject markup or a fake link.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from temporal_review.activities.events import Notification


def headline(note: Notification) -> str:
    """One line saying what happened, addressed to the recipient."""
    event, review = note.notice.event, note.notice.review
    title = review.title
    personal = note.recipient is not None
    if event.type == "review.created":
        return f"New review for you: {title}" if personal else f"New review: {title}"
    if event.type == "review.escalated":
        if event.status == "escalated":
            return f"Review escalated with no one left to decide: {title}"
        return f"Review escalated to you: {title}" if personal else f"Review escalated: {title}"
    if event.type == "review.reminder":
        when = _when(review.deadline)
        return f"Reminder: {title} is due {when}" if when else f"Reminder: {title}"
    if event.type == "review.updated":
        return f"Updated content to review: {title} (revision {event.revision})"
    return f"{event.type}: {title}"


def facts(note: Notification) -> list[tuple[str, str]]:
    """The details listed under the headline."""
    event, review = note.notice.event, note.notice.review
    rows = [("Priority", review.priority), ("Revision", str(event.revision))]
    if review.queue:
        rows.append(("Queue", review.queue))
    if review.deadline:
        rows.append(("Deadline", _when(review.deadline)))
    if event.data.get("reason"):
        rows.append(("Reason", str(event.data["reason"])))
    if event.type == "review.updated" and event.data.get("fields"):
        rows.append(("Changed fields", ", ".join(event.data["fields"])))
    rows.append(("Event", event.id))
    return rows


def email_text(note: Notification, link: str | None) -> tuple[str, str, str]:
    """(subject, plain text, HTML)."""
    subject = headline(note)
    lines = [subject, "", *(f"{k}: {v}" for k, v in facts(note))]
    if link:
        lines += ["", f"Open the review: {link}"]
    plain = "\n".join(lines) + "\n"
    rows = "".join(
        f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in facts(note)
    )
    button = f"<p><a href='{html.escape(link, quote=True)}'>Open the review</a></p>" if link else ""
    markup = (
        f"<html><body><h2>{html.escape(subject)}</h2><table>{rows}</table>{button}</body></html>"
    )
    return subject, plain, markup


def slack_message(note: Notification, link: str | None) -> dict[str, Any]:
    """An incoming-webhook payload: a readable ``text`` (with the link) and blocks."""
    subject = _slack_escape(headline(note))
    details = " · ".join(f"{k}: {_slack_escape(v)}" for k, v in facts(note) if k != "Event")
    open_link = f"<{link}|Open the review>" if link else ""
    text = "\n".join(part for part in (f"*{subject}*", details, open_link) if part)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{subject}*\n{details}"}}
    ]
    if link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open the review"},
                        "url": link,
                    }
                ],
            }
        )
    return {"text": text, "blocks": blocks}


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _slack_escape(text: str) -> str:
    # Slack's documented escapes: these three characters start links and mentions.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
