"""Reads for achievements; the one place their visibility is decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jieli.achievements.models import (
    Achievement,
    IntellectualProperty,
    Maturity,
    TransferMode,
    TRLLevel,
)
from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.core.listing import (
    OWNER_ACTIONS,
    REVIEW_ACTIONS,
    TRANSITIONS,
    ListingStatus,
    viewer_may_edit,
    viewer_sees_detail,
    visible_listing_q,
)
from jieli.core.models import ChangeRecord
from jieli.core.search import rank_by_text
from jieli.core.viewer import Viewer


def visible_achievements(viewer: Viewer) -> QuerySet[Achievement]:
    """Every achievement the viewer may see at summary level (any status).

    The life-cycle rule comes from ``core.listing.visible_listing_q``: the public sees fresh
    published listings, members also members-only ones; the owner's people and the secretariat
    see everything of theirs (private, stale, drafts).

    Dual-use (军民两用) listings are treated as members-only at least, whatever their
    visibility says: outsiders never see them. A later issue adds strict access control.
    """
    q = visible_listing_q(viewer)
    if not viewer.sees_member_content:
        q &= Q(dual_use=False) | Q(owner_id__in=viewer.organisation_ids)
    return Achievement.objects.filter(q).select_related("owner", "industry", "discipline", "region")


@dataclass(frozen=True)
class AchievementFilters:
    q: str = ""
    industry: str = ""
    discipline: str = ""
    region: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    maturity: str = ""
    transfer_mode: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    negotiable: bool | None = None
    dual_use: bool | None = None
    published_since: date | None = None
    owner: int | None = None
    status: str = ""

    def errors(self) -> dict[str, list[str]]:
        """Problems no type check catches: ranges, unknown choices."""
        out: dict[str, list[str]] = {}
        for name in ("trl_min", "trl_max"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 9:
                out[name] = [_("Must be between {a} and {b}.").format(a=1, b=9)]
        if self.trl_min is not None and self.trl_max is not None and self.trl_min > self.trl_max:
            out.setdefault("trl_max", []).append(_("Must not be below the minimum."))
        for name in ("price_min", "price_max"):
            value = getattr(self, name)
            if value is not None and value < 0:
                out[name] = [_("Must be at least {n}.").format(n=0)]
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_min > self.price_max
        ):
            out.setdefault("price_max", []).append(_("Must not be below the minimum."))
        choices = {
            "maturity": Maturity.values,
            "transfer_mode": TransferMode.values,
            "status": ListingStatus.values,
        }
        for name, values in choices.items():
            value = getattr(self, name)
            if value and value not in values:
                out[name] = [_("Choose one of: {options}.").format(options=", ".join(values))]
        if len(self.q) > 200:
            out["q"] = [_("At most {n} characters.").format(n=200)]
        return out


def achievement_list(viewer: Viewer, filters: AchievementFilters) -> QuerySet[Achievement]:
    """Filtered, newest first. Only published listings unless an owner or staff member asks
    for a status (they then see that status among the listings they may see)."""
    from jieli.regions.selectors import (
        discipline_descendant_q,
        industry_descendant_q,
        region_descendant_q,
    )

    errors = filters.errors()
    qs = visible_achievements(viewer)
    code_filters = (
        ("industry", industry_descendant_q),
        ("discipline", discipline_descendant_q),
        ("region", region_descendant_q),
    )
    for name, make_q in code_filters:
        code = getattr(filters, name)
        if not code:
            continue
        try:
            qs = qs.filter(make_q(f"{name}_id", code))
        except InvalidInput as exc:
            errors[name] = exc.fields.get(name) or [exc.message]
    if errors:
        raise InvalidInput(fields=errors)
    if filters.status and (viewer.is_staff_role or viewer.organisation_ids):
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status=ListingStatus.PUBLISHED)
    if filters.trl_min is not None:
        qs = qs.filter(trl__gte=filters.trl_min)
    if filters.trl_max is not None:
        qs = qs.filter(trl__lte=filters.trl_max)
    if filters.maturity:
        qs = qs.filter(maturity=filters.maturity)
    if filters.transfer_mode:
        # The modes are a JSON list of known slugs; the quoted slug matches exactly one item.
        qs = qs.filter(transfer_modes__icontains=f'"{filters.transfer_mode}"')
    if filters.price_min is not None:
        qs = qs.filter(price_wan__gte=filters.price_min)
    if filters.price_max is not None:
        qs = qs.filter(price_wan__lte=filters.price_max)
    if filters.negotiable is not None:
        qs = qs.filter(price_negotiable=filters.negotiable)
    if filters.dual_use is not None:
        qs = qs.filter(dual_use=filters.dual_use)
    if filters.published_since is not None:
        qs = qs.filter(published_at__date__gte=filters.published_since)
    if filters.owner is not None:
        qs = qs.filter(owner_id=filters.owner)
    if filters.q.strip():
        # The one search (core.search): same engine, floor and order as the search page.
        return rank_by_text("achievement", qs, filters.q)
    return qs.order_by("-published_at", "-id")


def achievement_get(viewer: Viewer, pk: int) -> Achievement:
    achievement = visible_achievements(viewer).filter(pk=pk).first()
    if achievement is None:
        raise NotFound()
    return achievement


def achievement_sees_detail(viewer: Viewer, achievement: Achievement) -> bool:
    return viewer_sees_detail(viewer, achievement, achievement.owner_id)  # type: ignore[attr-defined]


def may_see_history(viewer: Viewer, achievement: Achievement) -> bool:
    return viewer.is_staff_role or viewer.belongs_to(achievement.owner_id)  # type: ignore[attr-defined]


def achievement_actions_for(viewer: Viewer, achievement: Achievement) -> list[str]:
    """Life-cycle actions the viewer may take now (a hint for buttons; services enforce)."""
    if not viewer_may_edit(viewer, achievement.owner_id):  # type: ignore[attr-defined]
        return []
    out = []
    for action, (sources, _target) in TRANSITIONS.items():
        if achievement.status not in sources:
            continue
        if action in REVIEW_ACTIONS and not viewer.is_staff_role:
            continue
        if action in OWNER_ACTIONS or action in REVIEW_ACTIONS:
            out.append(action)
    return out


@dataclass
class AchievementDetail:
    """What a viewer is shown of one achievement."""

    achievement: Achievement
    sees_detail: bool
    may_edit: bool
    actions: list[str]
    trl: TRLLevel | None
    ip_records: list[IntellectualProperty]
    history: list[ChangeRecord] = field(default_factory=list)
    shows_history: bool = False
    # Return reason, stale state: for the owner and the secretariat only.
    shows_workflow: bool = False

    @property
    def detail(self) -> str | None:
        return self.achievement.detail if self.sees_detail else None

    @property
    def team(self) -> str | None:
        return self.achievement.team if self.sees_detail else None

    def ip_rows(self) -> list[dict[str, Any]]:
        """IP records; numbers only for viewers who see the members-only detail."""
        return [
            {
                "number": r.number if self.sees_detail else None,
                "ip_type": r.ip_type,
                "ip_type_label": str(r.get_ip_type_display()),
                "legal_status": r.legal_status,
                "legal_status_label": str(r.get_legal_status_display()),
                "filing_date": r.filing_date,
                "grant_date": r.grant_date,
                "expiry_date": r.expiry_date,
            }
            for r in self.ip_records
        ]


def achievement_detail_for(viewer: Viewer, achievement: Achievement) -> AchievementDetail:
    sees_detail = achievement_sees_detail(viewer, achievement)
    shows_history = may_see_history(viewer, achievement)
    return AchievementDetail(
        achievement=achievement,
        sees_detail=sees_detail,
        may_edit=viewer_may_edit(viewer, achievement.owner_id)  # type: ignore[attr-defined]
        and achievement.status != ListingStatus.ARCHIVED,
        actions=achievement_actions_for(viewer, achievement),
        trl=achievement.trl_level,
        ip_records=list(achievement.ip_records.all()),
        history=list(history_for(achievement)[:50]) if shows_history else [],
        shows_history=shows_history,
        shows_workflow=shows_history,
    )


def achievements_of_viewer_orgs(viewer: Viewer) -> QuerySet[Achievement]:
    """The workspace: every achievement of the viewer's organisations, any status."""
    return Achievement.objects.filter(owner_id__in=viewer.organisation_ids).order_by(
        "-updated_at", "-id"
    )


def achievement_review_queue(viewer: Viewer) -> QuerySet[Achievement]:
    """Submitted achievements awaiting the secretariat, oldest first; empty for others."""
    if not viewer.is_staff_role:
        return Achievement.objects.none()
    return Achievement.objects.filter(status=ListingStatus.SUBMITTED).order_by("submitted_at", "id")


def achievement_history(viewer: Viewer, achievement: Achievement) -> QuerySet[ChangeRecord]:
    """The change history; only for the owner's people and the secretariat."""
    if not may_see_history(viewer, achievement):
        raise PermissionDenied(
            _("Only the owner organisation and the secretariat see the history.")
        )
    return history_for(achievement)
