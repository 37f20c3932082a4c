"""What enquiries tell people, through the notifications app (in-app, and e-mail as each
recipient prefers, rendered in the recipient's language). This module picks the recipients and
declares the kinds; it sends no e-mail itself.

- a new enquiry → the owner side's people (and the broker of the listing);
- a message → the other side(s) of the thread and the broker;
- a stage move → both sides and the broker, except whoever moved it;
- the service level → the owner side (reminder), then the secretariat (dropped baton);
- a report → the secretariat; an introduction → the people of both parties.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.enquiries.models import (
    Enquiry,
    EnquiryMessage,
    EnquiryReport,
    Introduction,
    Purpose,
    Stage,
)
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification
from jieli.notifications.services import notification_send
from jieli.organisations.models import SECRETARIAT_GROUP, Membership

RECEIVED = "enquiries.received"
MESSAGE = "enquiries.message"
STAGE = "enquiries.stage"
REMINDER = "enquiries.reminder"
DROPPED = "enquiries.dropped"
REPORTED = "enquiries.reported"
INTRODUCED = "enquiries.introduced"


# --- recipients ---------------------------------------------------------------------------------


def organisation_people(organisation_id: int | None) -> set[int]:
    if organisation_id is None:
        return set()
    return set(
        Membership.objects.filter(
            organisation_id=organisation_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def owner_side(enquiry: Enquiry) -> set[int]:
    ids = organisation_people(enquiry.owner_organisation_id)  # type: ignore[attr-defined]
    if enquiry.owner_user_id:  # type: ignore[attr-defined]
        ids.add(enquiry.owner_user_id)  # type: ignore[attr-defined]
    return ids


def sender_side(enquiry: Enquiry) -> set[int]:
    return {enquiry.sender_id, *organisation_people(enquiry.sender_organisation_id)}  # type: ignore[attr-defined]


def broker_side(enquiry: Enquiry) -> set[int]:
    broker = enquiry.broker
    return {broker.user_id} if broker is not None and broker.is_active else set()  # type: ignore[attr-defined]


def secretariat() -> set[int]:
    return set(
        get_user_model()
        ._default_manager.filter(groups__name=SECRETARIAT_GROUP, is_active=True)
        .values_list("pk", flat=True)
    )


# --- sending (inside the caller's transaction) --------------------------------------------------


def enquiry_new(enquiry: Enquiry) -> int:
    return notification_send(
        kind=RECEIVED,
        recipient_ids=owner_side(enquiry) | broker_side(enquiry),
        target=enquiry,
        params={"purpose": enquiry.purpose},
        actor_id=enquiry.sender_id,  # type: ignore[attr-defined]
        dedupe_key=f"enquiry:{enquiry.pk}",
    )


def enquiry_message(message: EnquiryMessage) -> int:
    enquiry = message.enquiry
    if message.side == "owner":
        recipients = sender_side(enquiry)
    elif message.side == "sender":
        recipients = owner_side(enquiry)
    else:  # the broker or the secretariat speaks to both
        recipients = sender_side(enquiry) | owner_side(enquiry)
    return notification_send(
        kind=MESSAGE,
        recipient_ids=recipients | broker_side(enquiry),
        target=enquiry,
        params={"excerpt": message.body[:200]},
        actor_id=message.author_id,  # type: ignore[attr-defined]
        dedupe_key=f"message:{message.pk}",
    )


def enquiry_moved(enquiry: Enquiry, actor_id: int | None) -> int:
    return notification_send(
        kind=STAGE,
        recipient_ids=owner_side(enquiry) | sender_side(enquiry) | broker_side(enquiry),
        target=enquiry,
        params={"stage": enquiry.stage, "reason": enquiry.decline_reason[:500]},
        actor_id=actor_id,
    )


def enquiry_reminder(enquiry: Enquiry) -> int:
    return notification_send(
        kind=REMINDER,
        recipient_ids=owner_side(enquiry),
        target=enquiry,
        dedupe_key=f"reminder:{enquiry.pk}",
    )


def enquiry_dropped(enquiry: Enquiry) -> int:
    return notification_send(
        kind=DROPPED,
        recipient_ids=secretariat(),
        target=enquiry,
        dedupe_key=f"dropped:{enquiry.pk}",
    )


def enquiry_reported(report: EnquiryReport) -> int:
    return notification_send(
        kind=REPORTED,
        recipient_ids=secretariat(),
        target=report.enquiry,
        params={"reason": report.reason[:500]},
        actor_id=report.reporter_id,  # type: ignore[attr-defined]
        dedupe_key=f"report:{report.pk}",
    )


def introduction_proposed(intro: Introduction) -> int:
    return notification_send(
        kind=INTRODUCED,
        recipient_ids=organisation_people(intro.party_a_id) | organisation_people(intro.party_b_id),  # type: ignore[attr-defined]
        target=intro,
        actor_id=intro.broker.user_id,  # type: ignore[attr-defined]
        dedupe_key=f"introduction:{intro.pk}",
    )


# --- rendering (in the recipient's language) ----------------------------------------------------


def _thread(notification: Notification) -> tuple[str, str]:
    enquiry = notification.target
    if isinstance(enquiry, Enquiry):
        return enquiry.target_title, reverse("enquiries:detail", args=[enquiry.pk])
    return "", ""


def _label(choices: type, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value  # type: ignore[attr-defined]


def _received(n: Notification) -> Rendered:
    title, url = _thread(n)
    return Rendered(
        title=_("New enquiry about “{title}”").format(title=title),
        body=_("Purpose: {purpose}. Please answer it on Jieli.").format(
            purpose=_label(Purpose, n.params.get("purpose", ""))
        ),
        url=url,
    )


def _message(n: Notification) -> Rendered:
    title, url = _thread(n)
    return Rendered(
        title=_("New message about “{title}”").format(title=title),
        body=n.params.get("excerpt", ""),
        url=url,
    )


def _stage(n: Notification) -> Rendered:
    title, url = _thread(n)
    stage = n.params.get("stage", "")
    body = _("The enquiry is now “{stage}”.").format(stage=_label(Stage, stage))
    if stage == Stage.DECLINED:
        body += "\n" + _("Reason: {reason}").format(reason=n.params.get("reason", ""))
    return Rendered(
        title=_("Enquiry “{title}”: stage changed").format(title=title), body=body, url=url
    )


def _reminder(n: Notification) -> Rendered:
    title, url = _thread(n)
    return Rendered(
        title=_("Reminder: an enquiry about “{title}” awaits your answer").format(title=title),
        body=_(
            "Nobody has answered this enquiry yet. If it stays unanswered, the secretariat "
            "will follow it up."
        ),
        url=url,
    )


def _dropped(n: Notification) -> Rendered:
    title, url = _thread(n)
    return Rendered(
        title=_("Dropped baton: an enquiry about “{title}” is unanswered").format(title=title),
        body=_("The owner was reminded and has still not answered."),
        url=url,
    )


def _reported(n: Notification) -> Rendered:
    title, url = _thread(n)
    return Rendered(
        title=_("An enquiry thread about “{title}” was reported").format(title=title),
        body=_("Reason: {reason}").format(reason=n.params.get("reason", "")),
        url=url,
    )


def _introduced(n: Notification) -> Rendered:
    intro = n.target
    if not isinstance(intro, Introduction):
        return Rendered(title=_("A broker proposed an introduction"), body="", url="")
    return Rendered(
        title=_("A broker proposes to introduce {a} and {b}").format(
            a=intro.party_a.display_name, b=intro.party_b.display_name
        ),
        body=_("Please consent or decline on Jieli."),
        url=reverse("enquiries:introduction", args=[intro.pk]),
    )


def register_notices() -> None:
    for key, label, render, email in (
        (RECEIVED, gettext_lazy("New enquiries to my organisation"), _received, "immediate"),
        (MESSAGE, gettext_lazy("Messages in my enquiries"), _message, "immediate"),
        (STAGE, gettext_lazy("Stage changes of my enquiries"), _stage, "immediate"),
        (REMINDER, gettext_lazy("Reminders to answer enquiries"), _reminder, "immediate"),
        (DROPPED, gettext_lazy("Dropped batons (secretariat)"), _dropped, "daily"),
        (REPORTED, gettext_lazy("Reported enquiry threads (secretariat)"), _reported, "immediate"),
        (INTRODUCED, gettext_lazy("Introductions by technology brokers"), _introduced, "immediate"),
    ):
        register_kind(NotificationKind(key=key, label=label, render=render, default_email=email))
