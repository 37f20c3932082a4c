from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound
from jieli.core.models import ChangeRecord
from jieli.core.viewer import Viewer
from jieli.notifications import selectors, services
from jieli.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks):
    global COMMITS
    COMMITS = django_capture_on_commit_callbacks


def send(**kwargs):
    """Send as a service caller would, then commit (the e-mail job runs inline)."""
    kwargs.setdefault("kind", "tests.ping")
    kwargs.setdefault("params", {"word": "hello"})
    with COMMITS(execute=True):
        return services.notification_send(**kwargs)


def test_send_creates_one_per_recipient_and_mails_immediately(users):
    a, b, _c = users
    assert send(recipient_ids=[a.pk, b.pk, a.pk]) == 2
    assert Notification.objects.filter(kind="tests.ping").count() == 2
    # The job ran after commit (inline in tests): one message each, marked sent.
    assert sorted(m.to[0] for m in mail.outbox) == ["user0@example.org", "user1@example.org"]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_send_skips_inactive_users_and_the_actor(users):
    a, b, c = users
    get_user_model().objects.filter(pk=c.pk).update(is_active=False)
    assert send(recipient_ids=[a.pk, b.pk, c.pk], actor_id=a.pk) == 1
    assert list(Notification.objects.values_list("recipient_id", "actor_id")) == [(b.pk, a.pk)]


def test_send_with_dedupe_key_never_twice(users):
    a, b, _c = users
    assert send(recipient_ids=[a.pk], dedupe_key="event-1") == 1
    assert send(recipient_ids=[a.pk, b.pk], dedupe_key="event-1") == 1
    assert send(recipient_ids=[a.pk, b.pk], dedupe_key="event-1") == 0
    assert send(recipient_ids=[a.pk], dedupe_key="event-2") == 1
    assert Notification.objects.filter(recipient=a).count() == 2
    assert len(mail.outbox) == 3


def test_dedupe_is_enforced_by_the_database(users):
    """A row another transaction wrote between our check and our insert is skipped."""
    a, b, _c = users
    first = send(recipient_ids=[a.pk], dedupe_key="race")
    # Simulate the race: the pre-check does not see the row (it is filtered out), the
    # unique constraint still refuses the insert, and the rest of the batch is kept.
    from unittest import mock

    real_filter = Notification.objects.filter

    def blind(*args, **kwargs):
        if kwargs.get("dedupe_key") == "race":
            return Notification.objects.none()
        return real_filter(*args, **kwargs)

    with mock.patch.object(Notification.objects, "filter", side_effect=blind):
        second = send(recipient_ids=[a.pk, b.pk], dedupe_key="race")
    assert (first, second) == (1, 1)
    assert Notification.objects.filter(dedupe_key="race").count() == 2


def test_send_inside_a_rolled_back_transaction_leaves_nothing(users):
    from django.db import transaction

    a, _b, _c = users
    with COMMITS(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.notification_send(kind="tests.ping", recipient_ids=[a.pk], dedupe_key="k")
        raise RuntimeError
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_send_with_target_and_unknown_kind(users):
    a, _b, _c = users
    with pytest.raises(LookupError):
        send(kind="tests.nothing", recipient_ids=[a.pk])
    send(recipient_ids=[a.pk], target=a)
    n = Notification.objects.get()
    assert n.target == a


def test_preference_off_means_in_app_only(users):
    a, b, _c = users
    viewer = Viewer(user_id=a.pk)
    services.notification_preference_set(viewer=viewer, kind="tests.ping", email="off")
    send(recipient_ids=[a.pk, b.pk])
    assert [m.to for m in mail.outbox] == [["user1@example.org"]]
    assert Notification.objects.filter(recipient=a, email="off").exists()
    assert ChangeRecord.objects.filter(
        action="update", changes__email=["immediate", "off"]
    ).exists()


def test_preference_validation(users):
    viewer = Viewer(user_id=users[0].pk)
    with pytest.raises(InvalidInput) as exc:
        services.notification_preference_set(viewer=viewer, kind="tests.nothing", email="off")
    assert "kind" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        services.notification_preference_set(viewer=viewer, kind="tests.ping", email="hourly")
    assert "email" in exc.value.fields
    with pytest.raises(NotAuthenticated):
        services.notification_preference_set(viewer=Viewer(), kind="tests.ping", email="off")
    assert not NotificationPreference.objects.exists()


def test_pending_digest_rows_follow_a_changed_preference(users):
    a, _b, _c = users
    viewer = Viewer(user_id=a.pk)
    send(kind="tests.alert", recipient_ids=[a.pk])
    assert Notification.objects.get().email == "daily"
    with COMMITS(execute=True):
        services.notification_preference_set(viewer=viewer, kind="tests.alert", email="immediate")
    assert Notification.objects.get().emailed_at is not None
    assert len(mail.outbox) == 1


def test_mark_read_own_only(users):
    a, b, _c = users
    send(recipient_ids=[a.pk, b.pk])
    mine = Notification.objects.get(recipient=a)
    theirs = Notification.objects.get(recipient=b)
    with pytest.raises(NotFound):
        services.notification_mark_read(viewer=Viewer(user_id=a.pk), notification_id=theirs.pk)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert selectors.unread_count(Viewer(user_id=a.pk)) == 1
    services.notification_mark_read(viewer=Viewer(user_id=a.pk), notification_id=mine.pk)
    assert selectors.unread_count(Viewer(user_id=a.pk)) == 0
    assert selectors.unread_count(Viewer(user_id=b.pk)) == 1


def test_mark_all_read(users):
    a, b, _c = users
    send(recipient_ids=[a.pk, b.pk])
    send(recipient_ids=[a.pk, b.pk], params={"word": "again"})
    assert services.notifications_mark_all_read(viewer=Viewer(user_id=a.pk)) == 2
    assert services.notifications_mark_all_read(viewer=Viewer(user_id=a.pk)) == 0
    assert selectors.unread_count(Viewer(user_id=b.pk)) == 2
    with pytest.raises(NotAuthenticated):
        services.notifications_mark_all_read(viewer=Viewer())


def test_visible_notifications_unread_first_and_own_only(users):
    a, b, _c = users
    send(recipient_ids=[a.pk], params={"word": "old"})
    send(recipient_ids=[a.pk], params={"word": "new"})
    send(recipient_ids=[b.pk], params={"word": "theirs"})
    old = Notification.objects.get(params__word="old")
    new = Notification.objects.get(params__word="new")
    services.notification_mark_read(viewer=Viewer(user_id=a.pk), notification_id=new.pk)
    rows = list(selectors.visible_notifications(Viewer(user_id=a.pk)))
    assert rows == [old, new]
    assert list(selectors.visible_notifications(Viewer())) == []
    theirs = Notification.objects.get(recipient=b)
    with pytest.raises(NotFound):
        selectors.notification_get(Viewer(user_id=a.pk), theirs.pk)


def test_language_setting(users):
    a = users[0]
    assert selectors.user_language(a.pk) == "zh-hans"
    services.notification_language_set(viewer=Viewer(user_id=a.pk), language="en")
    assert selectors.user_language(a.pk) == "en"
    with pytest.raises(InvalidInput):
        services.notification_language_set(viewer=Viewer(user_id=a.pk), language="fr")
