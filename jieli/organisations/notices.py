"""The organisations app's notices: the secretariat's membership decisions, to the admins."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.core.history_labels import action_label
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification
from jieli.organisations.models import MembershipStatus, Organisation

MEMBERSHIP_DECIDED = "organisations.membership_decided"


def _membership_decided(notification: Notification) -> Rendered:
    params = notification.params
    organisation = notification.target
    name = organisation.name if isinstance(organisation, Organisation) else params.get("name", "")
    status = params.get("status", "")
    status_label = MembershipStatus(status).label if status in MembershipStatus.values else status
    return Rendered(
        title=_("Jieli: membership of {name} is now “{status}”").format(
            name=name, status=status_label
        ),
        body=_("Decision: {action}\nReason: {reason}").format(
            action=action_label(params.get("action", "")), reason=params.get("reason", "")
        ),
        url=reverse("organisations:detail", args=[organisation.pk])
        if isinstance(organisation, Organisation)
        else "",
    )


def register_notices() -> None:
    register_kind(
        NotificationKind(
            key=MEMBERSHIP_DECIDED,
            label=gettext_lazy("Membership decisions about my organisation"),
            render=_membership_decided,
            default_email="immediate",
        )
    )
