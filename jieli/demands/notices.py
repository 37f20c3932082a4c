"""The demands app's notices to the owner's administrators: review outcomes, re-confirmation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.demands.models import Demand
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification

REVIEWED = "demands.reviewed"
RECONFIRM = "demands.reconfirm"


def _demand(notification: Notification) -> tuple[str, str]:
    demand = notification.target
    if isinstance(demand, Demand):
        return demand.title, reverse("demands:detail", args=[demand.pk])
    return notification.params.get("title", ""), ""


def _reviewed(notification: Notification) -> Rendered:
    title, url = _demand(notification)
    if notification.params.get("action") == "publish":
        return Rendered(
            title=_("Jieli: your demand “{title}” is published").format(title=title),
            body=_("The secretariat published your demand “{title}”.").format(title=title),
            url=url,
        )
    return Rendered(
        title=_("Jieli: your demand “{title}” was returned").format(title=title),
        body=_(
            "The secretariat returned your demand “{title}” for changes.\nReason: {reason}"
        ).format(title=title, reason=notification.params.get("reason", "")),
        url=url,
    )


def _reconfirm(notification: Notification) -> Rendered:
    title, url = _demand(notification)
    return Rendered(
        title=_("Jieli: please re-confirm your demand “{title}”").format(title=title),
        body=_(
            "Your demand “{title}” is hidden until you re-confirm that it is still "
            "current. Open it on Jieli and choose “Re-confirm”."
        ).format(title=title),
        url=url,
    )


def register_notices() -> None:
    register_kind(
        NotificationKind(
            key=REVIEWED,
            label=gettext_lazy("Review outcomes of my organisation's demands"),
            render=_reviewed,
            default_email="immediate",
        )
    )
    register_kind(
        NotificationKind(
            key=RECONFIRM,
            label=gettext_lazy("Re-confirmation reminders for my organisation's demands"),
            render=_reconfirm,
            default_email="immediate",
        )
    )
