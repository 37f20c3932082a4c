"""What events tell people, through the notifications app (rendered in the reader's language):

- a meeting request → the person asked;
- an answer (accepted or declined, with the reason) → the person who asked;
- the schedule announced → every participant with a meeting in it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.events.models import Event, MeetingRequest, RequestStatus
from jieli.notifications.kinds import NotificationKind, Rendered, register_kind
from jieli.notifications.models import Notification
from jieli.notifications.services import notification_send

REQUESTED = "events.requested"
ANSWERED = "events.answered"
ANNOUNCED = "events.announced"


def _event_name(n: Notification) -> str:
    return str(n.params.get("event", ""))


def _requested(n: Notification) -> Rendered:
    return Rendered(
        title=_("Meeting request at “{event}”").format(event=_event_name(n)),
        body=_("{who} asks to meet you. Please answer it on Jieli.").format(
            who=n.params.get("who", "")
        ),
        url=reverse("events:requests", args=[n.params.get("event_id", 0)]),
    )


def _answered(n: Notification) -> Rendered:
    accepted = n.params.get("status") == RequestStatus.ACCEPTED
    title = (
        _("{who} accepted your meeting request")
        if accepted
        else _("{who} declined your meeting request")
    )
    return Rendered(
        title=title.format(who=n.params.get("who", "")),
        body=str(n.params.get("reason", "")) or _event_name(n),
        url=reverse("events:requests", args=[n.params.get("event_id", 0)]),
    )


def _announced(n: Notification) -> Rendered:
    return Rendered(
        title=_("Your agenda for “{event}” is ready").format(event=_event_name(n)),
        body=_("See your meetings, times and tables, and add them to your calendar."),
        url=reverse("events:agenda", args=[n.params.get("event_id", 0)]),
    )


def register_notices() -> None:
    for key, label, render in (
        (REQUESTED, gettext_lazy("Fair: a meeting request to me"), _requested),
        (ANSWERED, gettext_lazy("Fair: an answer to my meeting request"), _answered),
        (ANNOUNCED, gettext_lazy("Fair: my agenda is announced"), _announced),
    ):
        register_kind(NotificationKind(key=key, label=label, render=render))


def request_sent(req: MeetingRequest, actor_id: int) -> None:
    notification_send(
        kind=REQUESTED,
        recipient_ids=[req.recipient.user_id],
        target=req,
        params={
            "event": req.event.name,
            "event_id": req.event_id,  # type: ignore[attr-defined]
            "who": str(req.sender.organisation),
        },
        actor_id=actor_id,
        dedupe_key=f"request:{req.pk}",
    )


def request_answered(req: MeetingRequest, actor_id: int) -> None:
    notification_send(
        kind=ANSWERED,
        recipient_ids=[req.sender.user_id],
        target=req,
        params={
            "event": req.event.name,
            "event_id": req.event_id,  # type: ignore[attr-defined]
            "who": str(req.recipient.organisation),
            "status": req.status,
            "reason": req.reason,
        },
        actor_id=actor_id,
        dedupe_key=f"answer:{req.pk}",
    )


def schedule_announced(event: Event, user_ids: list[int], actor_id: int, batch: int) -> None:
    notification_send(
        kind=ANNOUNCED,
        recipient_ids=user_ids,
        target=event,
        params={"event": event.name, "event_id": event.pk},
        actor_id=actor_id,
        dedupe_key=f"announce:{event.pk}:{batch}",
    )
