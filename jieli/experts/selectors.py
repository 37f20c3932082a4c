"""Reads for experts; the one place their visibility is decided.

Public profile (name, title, fields, bio, willingness): everyone, when the profile is public and
active. Contact details: alliance members, experts and the secretariat. Declared affiliations:
the expert themself and the secretariat only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotFound
from jieli.core.search import rank_position, ranked_ids
from jieli.core.viewer import Viewer
from jieli.experts.models import Expert, ExpertAffiliation


def _is_self(viewer: Viewer, expert: Expert) -> bool:
    return viewer.user_id is not None and expert.user_id == viewer.user_id  # type: ignore[attr-defined]


def visible_experts(viewer: Viewer) -> QuerySet[Expert]:
    # Codes are shown on every card and in every API item: one query each, not one per row.
    qs = Expert.objects.select_related("organisation", "region").prefetch_related(
        "industries", "disciplines"
    )
    if viewer.is_staff_role:
        return qs
    q = Q(is_public=True, is_active=True)
    if viewer.user_id is not None:
        q |= Q(user_id=viewer.user_id)
    return qs.filter(q)


@dataclass(frozen=True)
class ExpertFilters:
    q: str = ""
    industry: str = ""
    discipline: str = ""
    region: str = ""
    willing_to_consult: bool | None = None
    willing_to_evaluate: bool | None = None


def expert_list(viewer: Viewer, filters: ExpertFilters) -> QuerySet[Expert]:
    """Raises InvalidInput for unknown codes, so the API can answer 400."""
    from jieli.regions import selectors as codes

    errors: dict[str, list[str]] = {}
    checks = (
        ("industry", codes.validate_industry_code),
        ("discipline", codes.validate_discipline_code),
        ("region", codes.validate_region_code),
    )
    for name, check in checks:
        value = getattr(filters, name)
        if value:
            try:
                check(value, min_level=1, allow_retired=True)
            except InvalidInput as exc:
                errors[name] = exc.fields.get(name) or [exc.message]
    if errors:
        raise InvalidInput(fields=errors)
    qs = visible_experts(viewer)
    if filters.industry:
        ids = Expert.industries.through.objects.filter(
            codes.industry_descendant_q("industry_id", filters.industry)
        ).values("expert_id")
        qs = qs.filter(pk__in=ids)
    if filters.discipline:
        qs = qs.filter(
            pk__in=Expert.disciplines.through.objects.filter(
                codes.discipline_descendant_q("discipline_id", filters.discipline)
            ).values("expert_id")
        )
    if filters.region:
        qs = qs.filter(codes.region_descendant_q("region_id", filters.region))
    if filters.willing_to_consult is not None:
        qs = qs.filter(willing_to_consult=filters.willing_to_consult)
    if filters.willing_to_evaluate is not None:
        qs = qs.filter(willing_to_evaluate=filters.willing_to_evaluate)
    if filters.q.strip():
        return _search(viewer, qs, filters.q)
    return qs.order_by("name", "id")


def _affiliation_q(viewer: Viewer, q: str) -> Q:
    """Experts whose affiliation's name holds every word of ``q``.

    The member organisation's name (Chinese or English) counts only when the viewer may see that
    organisation; the declared free-text affiliation counts when there is no member
    organisation, because that is what the profile shows.
    """
    from jieli.organisations.selectors import visible_organisations

    organisation_q = Q()
    declared_q = Q(organisation__isnull=True)
    for word in q.split():
        organisation_q &= Q(name__icontains=word) | Q(name_en__icontains=word)
        declared_q &= Q(organisation_name__icontains=word)
    organisations = visible_organisations(viewer).filter(organisation_q).values("pk")
    return Q(organisation_id__in=organisations) | declared_q


def _search(viewer: Viewer, qs: QuerySet[Expert], q: str) -> QuerySet[Expert]:
    """The one search (core.search: same engine, floor and order as the search page), plus
    the experts of an organisation named in the query, first.

    The engine indexes an expert's own text only, so a university's name finds its experts
    through their affiliation, not through the index.
    """
    ranked = ranked_ids("expert", qs, q)  # raises NoMeaningfulTerms for an empty query
    affiliated = _affiliation_q(viewer, q)
    first = Case(When(affiliated, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        qs.filter(Q(pk__in=ranked) | affiliated)
        .annotate(affiliation_first=first, text_rank=rank_position(ranked))
        .order_by("affiliation_first", "text_rank", "name", "id")
    )


def expert_get(viewer: Viewer, pk: int) -> Expert:
    expert = visible_experts(viewer).filter(pk=pk).first()
    if expert is None:
        raise NotFound()
    return expert


@dataclass(frozen=True)
class ExpertDetail:
    expert: Expert
    sees_contact: bool
    sees_affiliations: bool
    may_edit: bool
    email: str | None
    phone: str | None
    affiliations: list[ExpertAffiliation]
    industries: list
    disciplines: list


def may_edit_expert(viewer: Viewer, expert: Expert) -> bool:
    return viewer.is_staff_role or _is_self(viewer, expert)


def expert_detail_for(viewer: Viewer, expert: Expert) -> ExpertDetail:
    own = may_edit_expert(viewer, expert)
    sees_contact = own or viewer.sees_member_content
    return ExpertDetail(
        expert=expert,
        sees_contact=sees_contact,
        sees_affiliations=own,
        may_edit=own,
        email=expert.email if sees_contact else None,
        phone=expert.phone if sees_contact else None,
        affiliations=list(expert.affiliations.select_related("organisation")) if own else [],
        industries=list(expert.industries.all()),
        disciplines=list(expert.disciplines.all()),
    )


def expert_affiliations(viewer: Viewer, expert: Expert) -> QuerySet[ExpertAffiliation]:
    if not may_edit_expert(viewer, expert):
        return ExpertAffiliation.objects.none()
    return expert.affiliations.select_related("organisation")


def expert_for_user(viewer: Viewer) -> Expert | None:
    """The viewer's own expert profile (active or not), if they have one."""
    if viewer.user_id is None:
        return None
    return Expert.objects.filter(user_id=viewer.user_id).first()


def no_expert_message() -> str:
    return _("You do not have an expert profile. The secretariat registers experts.")
