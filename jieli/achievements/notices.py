"""The achievements app's notices to the owner's administrators: re-confirmation reminders."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.achievements.models import Achievement
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification

RECONFIRM = "achievements.reconfirm"


def _reconfirm(notification: Notification) -> Rendered:
    achievement = notification.target
    if not isinstance(achievement, Achievement):
        return Rendered(title=_("Notification"), body="", url="")
    confirmed = notification.params.get("confirmed_at")
    date = timezone.localtime(datetime.fromisoformat(confirmed)).date() if confirmed else "—"
    return Rendered(
        title=_("Jieli: please re-confirm “{title}”").format(title=achievement.title),
        body=_(
            "The achievement “{title}” was last confirmed on {date}. It is hidden from the "
            "public until someone of your organisation re-confirms that it is still "
            "available.\n\nPlease sign in to Jieli and re-confirm or archive it."
        ).format(title=achievement.title, date=date),
        url=reverse("achievements:detail", args=[achievement.pk]),
    )


def register_notices() -> None:
    register_kind(
        NotificationKind(
            key=RECONFIRM,
            label=gettext_lazy("Re-confirmation reminders for my organisation's achievements"),
            render=_reconfirm,
            default_email="immediate",
        )
    )
