"""Mailing notifications: the message for one pending notification, or one person's daily digest, written in
the person's interface language (Flask-Babel's `force_locale`, in the worker's app context) with times in the
newsroom's zone; sending it through the SMTP server of ADAPTDESK_SMTP_URL (smtplib); recording the outcome.

The tasks (`adaptdesk.mail`, `adaptdesk.mail_digest`) retry what failed for a while; the pages and the API never
wait for a mail server. Mail is sent at least once: a job the broker lost is sent again by the relay
(`mails_to_dispatch`, `digests_to_dispatch`), and a mail that went out is never sent again by a later job (its
row says so).

Daily digests: people who chose one (users.mail_digest) get no mail per event; their notifications wait
(MailState.DIGEST) and, from ADAPTDESK_MAIL_DIGEST_HOUR in the newsroom's zone, the digest duty writes one
`MailDigest` per person and newsroom day (a unique key: two workers never write two) listing what waited.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask import render_template
from flask_babel import force_locale, get_locale, gettext
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..config import SmtpSettings
from ..domain.languages import INTERFACE_LANGUAGES, text_direction
from ..domain.states import Role
from ..models import MailDigest, MailState, Notification, User, utcnow
from .notification_text import sentence_for

#: How the mail writes a date and a time of day: skeletons Babel fits to the reader's language (as the pages).
DATE_SKELETON, TIME_SKELETON = "yMMMd", "Hm"
#: A new mail job is sent right after its commit; the relay leaves it alone this long so it is not sent twice.
DISPATCH_GRACE = timedelta(seconds=15)
#: Mail still pending after this long is not sent any more (news that old is no news; the page still lists it).
MAIL_MAX_AGE = timedelta(days=2)
#: A digest lists at most this many notifications (the newest); the page lists them all.
DIGEST_MAX_ITEMS = 200


@dataclass(frozen=True)
class MailJob:
    """A pending notification's (or digest's) mail, composed, and the attempt it is."""

    notification_id: int
    attempt: int
    message: EmailMessage


@dataclass(frozen=True)
class MailContext:
    """What every mail needs to know about the newsroom."""

    public_url: str
    sender: str
    timezone: str = "UTC"


def desk_path(notification: Notification) -> str:
    """Where its recipient works on what it is about: the workbench, or (for a reporter) the report page."""
    adaptation = notification.adaptation
    if adaptation is None:
        return "/notifications"
    if notification.user.roles & {Role.ADAPTOR, Role.EDITOR}:
        return f"/desk/adaptations/{adaptation.id}"
    return f"/desk/reports/{adaptation.article_id}"


def mail_language(person: User) -> str:
    """The language a person's mail is written in: their interface language, else English."""
    return person.interface_language if person.interface_language in INTERFACE_LANGUAGES else "en"


def local_time(value: datetime, zone: str, style: str = "datetime") -> str:
    """A stored (UTC) time in the newsroom's zone, written for the current interface language, the zone named
    after a time of day ("Mar 2, 2026, 19:45 EET"); style "date" gives the date alone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(ZoneInfo(zone))
    locale = get_locale()
    day = format_skeleton(DATE_SKELETON, local, locale=locale)
    if style == "date":
        return day
    hour = format_skeleton(TIME_SKELETON, local, locale=locale)
    return f"{locale.datetime_formats['medium'].format(hour, day)} {local.tzname() or zone}"


def _item(notification: Notification, context: MailContext) -> dict:
    """What a mail says about one notification (in the current locale)."""
    adaptation = notification.adaptation
    deadline = (notification.details or {}).get("deadline")
    return {
        "sentence": sentence_for(notification, localized_pair=True),
        "title": (adaptation.title or adaptation.article.latest.title) if adaptation else "",
        "link": context.public_url.rstrip("/") + desk_path(notification),
        "when": local_time(notification.created_at, context.timezone),
        "deadline": local_time(datetime.fromisoformat(deadline), context.timezone) if deadline else "",
    }


def _compose(
    person: User, subject: str, template: str, context: MailContext, message_id: str, **values
) -> EmailMessage:
    """A mail to `person` with a plain text part and an HTML part (its direction the language's)."""
    language = str(get_locale())
    values.update(
        language=language,
        direction=text_direction(language),
        settings_link=context.public_url.rstrip("/") + "/account",
        subject=subject,
    )
    mail = EmailMessage()
    mail["Subject"] = f"[Adaptdesk] {subject}"
    mail["From"] = context.sender
    mail["To"] = formataddr((person.display_name, person.email))
    mail["Message-ID"] = make_msgid(idstring=message_id)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(render_template(f"mail/{template}.txt", **values))
    mail.add_alternative(render_template(f"mail/{template}.html", **values), subtype="html")
    mail["Content-Language"] = language  # after the parts: setting content clears Content-* headers
    return mail


def notification_mail(notification: Notification, context: MailContext) -> EmailMessage:
    """One notification's mail, in its recipient's language (needs an app context)."""
    person = notification.user
    with force_locale(mail_language(person)):
        item = _item(notification, context)
        return _compose(
            person, item["sentence"], "notification", context, f"notification-{notification.id}", item=item
        )


def take_mail(session: Session, notification_id: int, context: MailContext) -> MailJob | None:
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
    notification.mail_dispatched_at = utcnow()  # taken: the relay leaves it to this worker for a while
    session.flush()
    return MailJob(notification.id, notification.mail_attempts, notification_mail(notification, context))


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


# --- at least once: what the relay sends again ----------------------------------------------------------------


def _to_dispatch(
    session: Session, state, created_at, dispatched_at, *, resend_after_seconds: int, now, limit
):
    """Ids of rows still to be mailed (`state` pending, younger than MAIL_MAX_AGE) whose job was never sent (past
    the grace), or was sent or last tried more than `resend_after_seconds` ago (the broker lost it)."""
    now = now or utcnow()
    table = state.class_
    stmt = (
        select(table.id)
        .where(
            state == MailState.PENDING.value,
            created_at > now - MAIL_MAX_AGE,
            or_(
                dispatched_at.is_(None) & (created_at < now - DISPATCH_GRACE),
                dispatched_at < now - timedelta(seconds=resend_after_seconds),
            ),
        )
        .order_by(table.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _mark_dispatched(session: Session, dispatched_at, ids: list[int], now: datetime | None) -> None:
    """Record that the jobs of these rows were handed to the broker (`dispatched_at` is their column)."""
    if ids:
        table = dispatched_at.class_
        session.execute(
            update(table)
            .where(table.id.in_(ids))
            .values({dispatched_at.key: now or utcnow()})
            .execution_options(synchronize_session=False)
        )
        session.flush()


def mails_to_dispatch(
    session: Session, *, resend_after_seconds: int, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Notifications whose mail the relay sends (again): see `_to_dispatch`."""
    return _to_dispatch(
        session,
        Notification.mail_state,
        Notification.created_at,
        Notification.mail_dispatched_at,
        resend_after_seconds=resend_after_seconds,
        now=now,
        limit=limit,
    )


def mark_mails_dispatched(session: Session, notification_ids: list[int], now: datetime | None = None) -> None:
    """Record that these notifications' mail jobs were handed to the broker."""
    _mark_dispatched(session, Notification.mail_dispatched_at, notification_ids, now)


def digests_to_dispatch(
    session: Session, *, resend_after_seconds: int, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Digests the relay sends (again): see `_to_dispatch`."""
    return _to_dispatch(
        session,
        MailDigest.state,
        MailDigest.created_at,
        MailDigest.dispatched_at,
        resend_after_seconds=resend_after_seconds,
        now=now,
        limit=limit,
    )


def mark_digests_dispatched(session: Session, digest_ids: list[int], now: datetime | None = None) -> None:
    """Record that these digests' jobs were handed to the broker."""
    _mark_dispatched(session, MailDigest.dispatched_at, digest_ids, now)


# --- daily digests --------------------------------------------------------------------------------------------


def digest_day(now: datetime, zone: str, hour: int) -> date | None:
    """The newsroom day whose digests are due at `now`: today (in `zone`) once its `hour` has come, else None."""
    local = now.astimezone(ZoneInfo(zone))
    return local.date() if local.time() >= time(hour) else None


def write_digests(
    session: Session, *, zone: str, hour: int, now: datetime | None = None, limit: int = 500
) -> list[int]:
    """Write today's digest of everyone who chose one and has notifications waiting for it, once per person
    and newsroom day (the unique key decides between two workers); flushes, returns the new digests' ids (the
    caller commits, then the outbox sends their jobs). Before `hour`, nothing."""
    now = now or utcnow()
    day = digest_day(now, zone, hour)
    if day is None:
        return []
    done_today = select(MailDigest.user_id).where(MailDigest.day == day)
    waiting = select(Notification.user_id).where(
        Notification.mail_state == MailState.DIGEST.value, Notification.created_at <= now
    )
    people = session.scalars(
        select(User.id)
        .where(
            User.active.is_(True),
            User.mail_digest.is_(True),
            User.email.is_not(None),
            User.id.in_(waiting),
            User.id.not_in(done_today),
        )
        .order_by(User.id)
        .limit(limit)
    ).all()
    written = []
    for user_id in people:
        digest = MailDigest(
            user_id=user_id, day=day, cutoff=now, state=MailState.PENDING.value, created_at=now
        )
        try:
            with session.begin_nested():  # another worker may write the same digest at once: one wins
                session.add(digest)
        except IntegrityError:
            continue
        written.append(digest.id)
    return written


def digest_items(session: Session, digest: MailDigest) -> Sequence[Notification]:
    """The notifications a digest lists: the person's, waiting for a digest, written before its cutoff."""
    stmt = (
        select(Notification)
        .where(
            Notification.user_id == digest.user_id,
            Notification.mail_state == MailState.DIGEST.value,
            Notification.created_at <= digest.cutoff,
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(DIGEST_MAX_ITEMS)
    )
    return session.scalars(stmt).all()


def digest_mail(digest: MailDigest, items: Sequence[Notification], context: MailContext) -> EmailMessage:
    """A digest's mail, in its recipient's language (needs an app context)."""
    person = digest.user
    with force_locale(mail_language(person)):
        day = local_time(digest.cutoff, context.timezone, style="date")
        subject = gettext("Your notifications of %(day)s", day=day)
        return _compose(
            person,
            subject,
            "digest",
            context,
            f"digest-{digest.id}",
            items=[_item(n, context) for n in reversed(items)],
            day=day,
            count=len(items),
            list_link=context.public_url.rstrip("/") + "/notifications",
        )


@dataclass(frozen=True)
class DigestJob:
    """A pending digest's mail, composed, the attempt it is, and the notifications it lists."""

    digest_id: int
    attempt: int
    message: EmailMessage | None  #: None: nothing left to list (it is recorded sent without a mail)
    notification_ids: tuple[int, ...]


def take_digest(session: Session, digest_id: int, context: MailContext) -> DigestJob | None:
    """The next attempt at mailing a pending digest (counted; flushes), or None when it was sent already or
    failed for good."""
    digest = session.scalar(
        select(MailDigest).where(MailDigest.id == digest_id).with_for_update(of=MailDigest)
    )
    if digest is None or digest.state != MailState.PENDING.value:
        return None
    digest.attempts += 1
    digest.dispatched_at = utcnow()
    session.flush()
    items = digest_items(session, digest)
    ids = tuple(n.id for n in items)
    if not items or not digest.user.email:
        return DigestJob(digest.id, digest.attempts, None, ids)
    return DigestJob(digest.id, digest.attempts, digest_mail(digest, items, context), ids)


def record_digest(session: Session, job: DigestJob, state: MailState) -> None:
    """Record how mailing a digest ended; once sent, the notifications it listed are mailed. Flushes."""
    digest = session.get(MailDigest, job.digest_id)
    if digest is None:
        return
    digest.state = state.value
    if state is MailState.SENT:
        digest.sent_at = utcnow()
        if job.notification_ids:
            session.execute(
                update(Notification)
                .where(
                    Notification.id.in_(job.notification_ids),
                    Notification.mail_state == MailState.DIGEST.value,
                )
                .values(mail_state=MailState.SENT.value, mailed_at=digest.sent_at)
                .execution_options(synchronize_session=False)
            )
    session.flush()
