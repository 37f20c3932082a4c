"""Writes of the notifications app: send, mark read, preferences, unsubscribe.

``notification_send`` is the one way any app notifies people: in-app always, by e-mail as the
recipient prefers (``EmailChoice``). It runs inside the caller's transaction; the e-mail job is
queued once that transaction commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jieli.core.bulk import insert_many
from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound
from jieli.core.history import change_record
from jieli.core.viewer import Viewer
from jieli.notifications.kinds import all_kinds, find_kind, get_kind
from jieli.notifications.models import (
    EmailChoice,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from jieli.notifications.tasks import queue_immediate_emails
from jieli.notifications.tokens import unsubscribe_read


def _email_modes(user_ids: list[int], kind: str, default: str) -> dict[int, str]:
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "email"
        )
    )
    return {uid: chosen.get(uid, default) for uid in user_ids}


def notification_send(
    *,
    kind: str,
    recipient_ids: Iterable[int],
    target: models.Model | None = None,
    params: dict[str, Any] | None = None,
    actor_id: int | None = None,
    dedupe_key: str | None = None,
) -> int:
    """Notify each of ``recipient_ids`` of one event; return how many notifications were made.

    Inactive users and the actor are skipped; with ``dedupe_key`` a recipient already notified
    of (kind, key) is skipped, by the database's unique constraint, so two runs (or two
    transactions at once) never notify twice. Immediate e-mails go out by a job after commit.
    """
    spec = get_kind(kind)
    params = dict(params or {})
    json.dumps(params)  # TypeError now rather than at the database
    if dedupe_key is not None and not 0 < len(dedupe_key) <= 200:
        raise ValueError("dedupe_key must have 1 to 200 characters")
    if target is not None and target.pk is None:
        raise ValueError("the target must be saved first")
    wanted = {int(uid) for uid in recipient_ids if uid is not None}
    wanted.discard(actor_id)  # type: ignore[arg-type]
    if not wanted:
        return 0
    with transaction.atomic():
        users = list(
            get_user_model()
            .objects.filter(pk__in=wanted, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if dedupe_key is not None and users:
            done = set(
                Notification.objects.filter(
                    recipient_id__in=users, kind=kind, dedupe_key=dedupe_key
                ).values_list("recipient_id", flat=True)
            )
            users = [uid for uid in users if uid not in done]
        if not users:
            return 0
        target_type = ContentType.objects.get_for_model(target) if target is not None else None
        modes = _email_modes(users, kind, spec.default_email)
        rows = [
            Notification(
                recipient_id=uid,
                kind=kind,
                params=params,
                target_type=target_type,
                target_id=target.pk if target is not None else None,
                actor_id=actor_id,
                dedupe_key=dedupe_key,
                email=modes[uid],
            )
            for uid in users
        ]
        created = _insert(rows) if dedupe_key is not None else insert_many(Notification, rows)
        if any(row.email == EmailChoice.IMMEDIATE for row in created):
            transaction.on_commit(queue_immediate_emails)
    return len(created)


def _insert(rows: list[Notification]) -> list[Notification]:
    """Insert rows that may meet the unique constraint: all at once, or, when another
    transaction wrote one of them meanwhile (a lost race), one by one, skipping those."""
    try:
        with transaction.atomic():  # a savepoint: only this attempt is undone
            return insert_many(Notification, rows)
    except IntegrityError:
        pass
    created = []
    for row in rows:
        row.pk = None
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    return created


def _own(viewer: Viewer) -> int:
    if viewer.user_id is None:
        raise NotAuthenticated()
    return viewer.user_id


def notification_mark_read(*, viewer: Viewer, notification_id: int) -> Notification:
    """Mark one of the viewer's own notifications read (someone else's is not found)."""
    user_id = _own(viewer)
    notification = Notification.objects.filter(pk=notification_id, recipient_id=user_id).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, viewer: Viewer) -> int:
    """Mark every unread notification of the viewer read; return how many."""
    user_id = _own(viewer)
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _email_choice_error(field: str) -> InvalidInput:
    return InvalidInput(
        fields={field: [_("Choose one of: {options}.").format(options=", ".join(EmailChoice))]}
    )


@transaction.atomic
def notification_preference_set(
    *, viewer: Viewer, kind: str, email: str, reason: str = ""
) -> NotificationPreference:
    """Set how the viewer wants ``kind`` e-mailed; their unsent notifications follow."""
    user_id = _own(viewer)
    return _preference_set(user_id=user_id, kind=kind, email=email, actor_id=user_id, reason=reason)


def _preference_set(
    *,
    user_id: int,
    kind: str,
    email: str,
    actor_id: int | None,
    reason: str = "",
    action: str = "update",
) -> NotificationPreference:
    spec = find_kind(kind) if isinstance(kind, str) else None
    if spec is None:
        raise InvalidInput(fields={"kind": [_("Unknown kind of notification.")]})
    if email not in EmailChoice.values:
        raise _email_choice_error("email")
    pref = NotificationPreference.objects.select_for_update().filter(user_id=user_id, kind=kind)
    existing = pref.first()
    before = existing.email if existing is not None else spec.default_email
    if existing is None:
        existing = NotificationPreference.objects.create(user_id=user_id, kind=kind, email=email)
    elif existing.email != email:
        existing.email = email
        existing.save(update_fields=["email", "updated_at"])
    if before != email:
        change_record(
            target=existing,
            actor_id=actor_id,
            action=action,
            changes={"email": [before, email]},
            reason=reason,
        )
    # Unsent notifications that were to be e-mailed follow the new choice (those that were
    # not are never e-mailed late).
    moved = Notification.objects.filter(
        recipient_id=user_id, kind=kind, emailed_at__isnull=True, email_claimed_at__isnull=True
    ).exclude(email=EmailChoice.OFF)
    if moved.update(email=email) and email == EmailChoice.IMMEDIATE:
        transaction.on_commit(queue_immediate_emails)
    return existing


@transaction.atomic
def notification_language_set(*, viewer: Viewer, language: str) -> NotificationSettings:
    """Set the language of the viewer's e-mails."""
    from django.conf import settings as django_settings

    user_id = _own(viewer)
    codes = [code for code, _name in django_settings.LANGUAGES]
    if language not in codes:
        raise InvalidInput(
            fields={"language": [_("Choose one of: {options}.").format(options=", ".join(codes))]}
        )
    row, _created = NotificationSettings.objects.select_for_update().get_or_create(user_id=user_id)
    if row.language != language:
        change_record(
            target=row,
            actor_id=user_id,
            action="update",
            changes={"language": [row.language, language]},
        )
        row.language = language
        row.save(update_fields=["language", "updated_at"])
    return row


@transaction.atomic
def notification_unsubscribe(*, token: str) -> list[str]:
    """Do what a signed unsubscribe link asks, without sign-in; return the labels stopped.

    A kind's link turns that kind's e-mail off, or, when it names a subscription (``scope``)
    and the kind has ``on_unsubscribe``, stops that subscription; a digest's link turns off
    every kind e-mailed in that digest. A bad, expired or tampered token changes nothing.
    """
    item = unsubscribe_read(token)
    if not get_user_model().objects.filter(pk=item.user_id).exists():
        raise InvalidInput(_("This unsubscribe link is not valid or has expired."))
    if item.digest:
        chosen = dict(
            NotificationPreference.objects.filter(user_id=item.user_id).values_list("kind", "email")
        )
        stopped = []
        for spec in all_kinds():
            if chosen.get(spec.key, spec.default_email) == item.digest:
                _off(item.user_id, spec.key)
                stopped.append(str(spec.label))
        return stopped
    kind = find_kind(item.kind)
    if kind is None:
        raise InvalidInput(_("This unsubscribe link is not valid or has expired."))
    if item.scope and kind.on_unsubscribe is not None:
        kind.on_unsubscribe(item.user_id, item.scope)
    else:
        _off(item.user_id, kind.key)
    return [str(kind.label)]


def _off(user_id: int, kind: str) -> None:
    _preference_set(
        user_id=user_id, kind=kind, email=EmailChoice.OFF, actor_id=None, action="unsubscribe"
    )
