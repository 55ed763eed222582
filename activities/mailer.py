"""Email over SMTP: one multipart (plain text + HTML) message per notification.

smtplib is blocking, so it runs in a thread. A permanent refusal (5xx, or every recipient
refused) is non-retryable and lands in the audit trail; a busy or unreachable server is
retried by Temporal.
"""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from temporalio.exceptions import ApplicationError

from temporal_review.activities.channels import SmtpSettings
from temporal_review.activities.events import WEBHOOK_REJECTED


def compose(
    smtp: SmtpSettings, to: list[str], subject: str, plain: str, markup: str, event_id: str
) -> EmailMessage:
    """The message: plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    # Stable per event: a mail system that sees a retry can drop the duplicate.
    message["Message-ID"] = make_msgid(
        idstring=event_id.replace(":", "."), domain="temporal-review"
    )
    message["X-Review-Event-Id"] = event_id
    message.set_content(plain)
    message.add_alternative(markup, subtype="html")
    return message


async def send(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the server, classifying failures for Temporal's retries."""
    try:
        await asyncio.to_thread(_send_blocking, smtp, message)
    except smtplib.SMTPRecipientsRefused as err:
        raise ApplicationError(
            f"mail server refused every recipient: {sorted(err.recipients)}",
            type=WEBHOOK_REJECTED,
            non_retryable=True,
        ) from None
    except smtplib.SMTPResponseException as err:
        if err.smtp_code >= 500:
            raise ApplicationError(
                f"mail server refused the message: {err.smtp_code}",
                type=WEBHOOK_REJECTED,
                non_retryable=True,
            ) from None
        raise ApplicationError(f"mail server answered {err.smtp_code}; will retry") from None
    except (OSError, smtplib.SMTPException) as err:
        raise ApplicationError(f"{type(err).__name__} talking to the mail server") from None


def _send_blocking(smtp: SmtpSettings, message: EmailMessage) -> None:
    factory = smtplib.SMTP_SSL if smtp.ssl else smtplib.SMTP
    with factory(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.username and smtp.password:
            server.login(smtp.username, smtp.password.get_secret_value())
        server.send_message(message)
