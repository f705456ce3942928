"""Mailing notifications: the message for one pending notification, sending it through the SMTP server of
ADAPTDESK_SMTP_URL (smtplib), and recording the outcome. The task (`adaptdesk.mail`) retries what failed for a
while; the pages and the API never wait for a mail server."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import SmtpSettings
from ..domain.states import Role
from ..models import MailState, Notification, utcnow
from .notifications import message


@dataclass(frozen=True)
class MailJob:
    """A pending notification's mail, composed, and the attempt it is."""

    notification_id: int
    attempt: int
    message: EmailMessage


def desk_path(notification: Notification) -> str:
    """Where its recipient works on what it is about: the workbench, or (for a reporter) the report page."""
    adaptation = notification.adaptation
    if adaptation is None:
        return "/notifications"
    if notification.user.roles & {Role.ADAPTOR, Role.EDITOR}:
        return f"/desk/adaptations/{adaptation.id}"
    return f"/desk/reports/{adaptation.article_id}"


def take_mail(session: Session, notification_id: int, *, public_url: str, sender: str) -> MailJob | None:
    """The next attempt at mailing a pending notification (counted; flushes), or None when there is nothing to
    mail (sent already, failed for good, or never meant to be mailed)."""
    notification = session.scalar(
        select(Notification).where(Notification.id == notification_id).with_for_update(of=Notification)
    )
    if (
        notification is None
        or notification.mail_state != MailState.PENDING.value
        or not notification.user.email
    ):
        return None
    notification.mail_attempts += 1
    session.flush()
    adaptation = notification.adaptation
    sentence = message(notification)
    title = (adaptation.title or adaptation.article.latest.title) if adaptation else ""
    link = public_url.rstrip("/") + desk_path(notification)
    mail = EmailMessage()
    mail["Subject"] = f"[Adaptdesk] {sentence}"
    mail["From"] = sender
    mail["To"] = formataddr((notification.user.display_name, notification.user.email))
    mail["Message-ID"] = make_msgid(idstring=f"notification-{notification.id}")
    mail["Auto-Submitted"] = "auto-generated"
    lines = [sentence, ""]
    if title:
        lines += [title, ""]
    lines += [
        f"Open it: {link}",
        "",
        f"Your notifications and mail settings: {public_url.rstrip('/')}/account",
    ]
    mail.set_content("\n".join(lines))
    return MailJob(notification.id, notification.mail_attempts, mail)


def send_mail(smtp: SmtpSettings, mail: EmailMessage) -> None:
    """Hand one message to the SMTP server (TLS as configured); raises smtplib's and the socket's errors."""
    context = ssl.create_default_context()
    if smtp.ssl:
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.starttls:
            client.starttls(context=context)
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(mail)


def is_permanent(error: Exception) -> bool:
    """Whether another attempt would fail the same way (the server refused with a 5xx answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def record_mail(session: Session, notification_id: int, state: MailState) -> None:
    """Record how mailing a notification ended (sent, or failed for good); flushes."""
    notification = session.get(Notification, notification_id)
    if notification is not None:
        notification.mail_state = state.value
        notification.mailed_at = utcnow() if state is MailState.SENT else None
        session.flush()
