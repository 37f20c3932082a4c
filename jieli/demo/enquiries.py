"""Demo enquiries: a technology broker, threads at several stages, an introduction that became
an enquiry, one still awaiting consent, and a dropped baton — all made through the services, so
``make run`` shows the capability with its history and notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jieli.core.viewer import Viewer


def _published_achievements(viewer: Viewer, owner_ids: set[int]) -> list[Any]:
    """Achievements of ``owner_ids`` that ``viewer`` (and the public) may see."""
    from jieli.achievements.selectors import visible_achievements
    from jieli.core.listing import Visibility

    return list(
        visible_achievements(viewer)
        .filter(
            owner_id__in=owner_ids,
            status="published",
            visibility=Visibility.PUBLIC,
            dual_use=False,
        )
        .order_by("pk")[:4]
    )


def demo_enquiries(users: dict[str, Any], orgs: dict[str, Any], staff: Viewer) -> int:
    """Create the demo enquiries; returns how many. Needs published achievements of the
    university whose administrator is ``orgadmin`` (fewer with a small ``limit``: then fewer
    threads)."""
    from jieli.demands.models import Demand
    from jieli.enquiries import broker_services, services
    from jieli.enquiries.models import Enquiry
    from jieli.organisations.selectors import viewer_for_user

    broker = broker_services.broker_register(viewer=staff, user_id=users["broker"].pk)
    member = viewer_for_user(users["member"])
    owner = viewer_for_user(users["orgadmin"])
    brokering = viewer_for_user(users["broker"])
    outsider = viewer_for_user(users["user"])
    achievements = _published_achievements(outsider, set(owner.organisation_ids))
    company = next(iter(member.organisation_ids))
    made = 0
    if achievements:
        first = achievements[0]
        e = services.enquiry_create(
            viewer=member,
            kind="achievement",
            target_id=first.pk,
            purpose="licence",
            message="我们是一家新能源企业，希望了解该成果的许可条件、费用和技术支持方式。",
            sender_organisation=company,
        )
        services.enquiry_reply(
            viewer=owner, pk=e.pk, body="感谢关注。该成果可普通许可，欢迎下周来校交流。"
        )
        services.enquiry_assign_broker(viewer=owner, pk=e.pk, broker_id=broker.pk)
        services.enquiry_move(viewer=member, pk=e.pk, action="discuss")
        made += 1
    if len(achievements) > 1:
        demand = Demand.objects.filter(owner_id=company, status="published").first()
        intro = broker_services.introduction_propose(
            viewer=brokering,
            party_a=company,
            target_kind="achievement",
            target_id=achievements[1].pk,
            purpose="joint_development",
            note="贵司的需求与该校团队的方向高度一致，建议联合开发。",
            link_kind="demand" if demand else "",
            link_id=demand.pk if demand else None,
        )
        broker_services.introduction_respond(viewer=member, pk=intro.pk, consent=True)
        broker_services.introduction_respond(viewer=owner, pk=intro.pk, consent=True)
        e = Enquiry.objects.get(introduction=intro)
        services.enquiry_reply(viewer=owner, pk=e.pk, body="同意对接，已安排团队负责人。")
        services.enquiry_move(viewer=owner, pk=e.pk, action="discuss")
        services.enquiry_move(viewer=member, pk=e.pk, action="sign_intention")
        made += 1
    if len(achievements) > 2:
        e = services.enquiry_create(
            viewer=outsider,
            kind="achievement",
            target_id=achievements[2].pk,
            purpose="consultation",
            message="请问该技术能否用于小批量试产？",
        )
        # Unanswered for a week: reminded, then a dropped baton for the secretariat.
        now = timezone.now()
        Enquiry.objects.filter(pk=e.pk).update(created_at=now - timedelta(days=7))
        services.enquiries_check_service_level(now=now - timedelta(days=3))
        services.enquiries_check_service_level(now=now)
        made += 1
    if len(achievements) > 3:
        broker_services.introduction_propose(
            viewer=brokering,
            party_a=company,
            target_kind="achievement",
            target_id=achievements[3].pk,
            purpose="purchase",
            note="该成果已到中试阶段，可考虑直接购买。",
        )
    return made
