"""Who hears of an event: a pure function of the worker's configuration and the notice.

- ``review.created``, a re-routing ``review.escalated`` and ``review.reminder`` reach the
  review's candidates: users it names and contacts in the groups it names.
- ``review.updated`` reaches the reviewer who asked for the changes.
- Team routes hear of the events they list, for reviews on their queue or groups.
"""

from __future__ import annotations

from temporal_review.activities.channels import NotificationSettings
from temporal_review.activities.events import Notification, NotificationNotice

_ROUTING = {"review.created", "review.escalated", "review.reminder"}


def plan(settings: NotificationSettings, notice: NotificationNotice) -> list[Notification]:
    """Every message ``notice`` calls for, routes first, each once."""
    event, review = notice.event, notice.review
    planned = [
        Notification(destination=f"route:{r.name}", channel=r.channel, notice=notice)
        for r in settings.routes
        if event.type in r.events
        and (
            (r.queue is not None and r.queue == review.queue) or set(r.groups) & set(review.groups)
        )
    ]
    for user in _people(settings, notice):
        contact = settings.contact(user)
        if contact is None or event.type not in contact.events:
            continue
        planned.extend(
            Notification(
                destination=f"reviewer:{user}:{channel}",
                channel=channel,
                recipient=user,
                notice=notice,
            )
            for channel in contact.channels()
        )
    return planned


def _people(settings: NotificationSettings, notice: NotificationNotice) -> list[str]:
    event, review = notice.event, notice.review
    if event.type == "review.updated":
        return [review.requested_by] if review.requested_by else []
    if event.type not in _ROUTING or event.status == "escalated":
        return []  # an ended review is routed to nobody
    people = list(review.users)
    for contact in settings.reviewers:
        if contact.user not in people and set(contact.groups or []) & set(review.groups):
            people.append(contact.user)
    return people
