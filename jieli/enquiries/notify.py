"""Who is told what about an enquiry. The sending is the notifications app's (in-app and
e-mail, in each recipient's language); this module only picks recipients and parameters."""

from __future__ import annotations

from collections.abc import Iterable

from jieli.enquiries.models import Enquiry, EnquiryMessage, EnquiryReport
from jieli.organisations.models import Membership


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
    from django.contrib.auth import get_user_model

    from jieli.organisations.models import SECRETARIAT_GROUP

    return set(
        get_user_model()
        ._default_manager.filter(groups__name=SECRETARIAT_GROUP, is_active=True)
        .values_list("pk", flat=True)
    )


def _send(
    kind: str,
    recipients: Iterable[int],
    enquiry: Enquiry,
    *,
    actor_id: int | None = None,
    params: dict | None = None,
    dedupe_key: str | None = None,
) -> int:
    ids = sorted({r for r in recipients if r is not None and r != actor_id})
    if not ids:
        return 0
    return 0  # replaced by notification_send once the notifications app is merged


def enquiry_new(pk: int) -> int:
    enquiry = Enquiry.objects.filter(pk=pk).first()
    if enquiry is None:
        return 0
    return _send(
        "enquiry_new",
        owner_side(enquiry) | broker_side(enquiry),
        enquiry,
        actor_id=enquiry.sender_id,  # type: ignore[attr-defined]
        dedupe_key=f"enquiry_new:{pk}",
    )


def enquiry_message(message_pk: int) -> int:
    message = EnquiryMessage.objects.select_related("enquiry").filter(pk=message_pk).first()
    if message is None:
        return 0
    enquiry = message.enquiry
    everyone = owner_side(enquiry) | sender_side(enquiry) | broker_side(enquiry)
    return _send(
        "enquiry_message",
        everyone,
        enquiry,
        actor_id=message.author_id,  # type: ignore[attr-defined]
        dedupe_key=f"enquiry_message:{message_pk}",
    )


def enquiry_moved(pk: int, actor_id: int | None) -> int:
    enquiry = Enquiry.objects.filter(pk=pk).first()
    if enquiry is None:
        return 0
    everyone = owner_side(enquiry) | sender_side(enquiry) | broker_side(enquiry)
    return _send(
        "enquiry_stage",
        everyone,
        enquiry,
        actor_id=actor_id,
        params={"stage": enquiry.stage},
    )


def enquiry_reminder(pk: int) -> int:
    enquiry = Enquiry.objects.filter(pk=pk).first()
    if enquiry is None:
        return 0
    return _send(
        "enquiry_reminder", owner_side(enquiry), enquiry, dedupe_key=f"enquiry_reminder:{pk}"
    )


def enquiry_dropped(pk: int) -> int:
    enquiry = Enquiry.objects.filter(pk=pk).first()
    if enquiry is None:
        return 0
    return _send("enquiry_dropped", secretariat(), enquiry, dedupe_key=f"enquiry_dropped:{pk}")


def enquiry_reported(report_pk: int) -> int:
    report = EnquiryReport.objects.select_related("enquiry").filter(pk=report_pk).first()
    if report is None:
        return 0
    return _send(
        "enquiry_report",
        secretariat(),
        report.enquiry,
        actor_id=report.reporter_id,  # type: ignore[attr-defined]
        dedupe_key=f"enquiry_report:{report_pk}",
    )
