"""The page shell: home, site search, the organisation workspace, the review queue, sign-up.

These pages only gather what each listing app's selectors already allow the viewer to see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jieli.achievements import selectors as achievement_selectors
from jieli.core.errors import ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.viewer import request_viewer
from jieli.demands import selectors as demand_selectors
from jieli.experts import selectors as expert_selectors
from jieli.organisations import selectors as organisation_selectors
from jieli.organisations import services as organisation_services
from jieli.organisations.forms import RegisterForm

# The listing filters accept at most 200 characters; a longer paste is cut, not refused.
MAX_QUERY = 200
REVIEW_PAGE = 30


def home(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    achievements = (
        achievement_selectors.visible_achievements(viewer)
        .filter(status="published")
        .order_by("-published_at", "-id")
    )
    demands = (
        demand_selectors.visible_demands(viewer)
        .filter(status="published")
        .order_by("-published_at", "-id")
    )
    return render(
        request,
        "portal/home.html",
        {
            "achievements": achievements.select_related("owner", "industry")[:8],
            "demands": demands.select_related("owner", "industry")[:8],
            "counts": {
                "achievements": achievements.count(),
                "demands": demands.count(),
                "experts": expert_selectors.visible_experts(viewer).count(),
                "organisations": organisation_selectors.visible_organisations(viewer).count(),
            },
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Ranked search across achievements, demands and experts, with facets and reasons.

    The same engine, floor and order as every list's ``q`` and the API (core.search). A query
    longer than MAX_QUERY is cut; one without meaningful terms answers 400 with the message.
    """
    from jieli.core.search import NoMeaningfulTerms
    from jieli.matching import selectors as matching

    viewer = request_viewer(request)
    g = request.GET
    q = g.get("q", "").strip()[:MAX_QUERY]
    industry = g.get("industry", "").strip()[:8]
    region = g.get("region", "").strip()[:12]
    context: dict = {"q": q, "industry": industry, "region": region, "sections": {}}
    if not q:
        return render(request, "portal/search.html", context)
    try:
        matching.require_terms(q)
    except NoMeaningfulTerms as exc:
        context["error"] = exc.message
        return render(request, "portal/search.html", context, status=400)
    for kind in ("achievement", "demand", "expert"):
        base = matching.visible_queryset(viewer, kind)
        try:
            base = _narrow(base, kind, industry=industry, region=region)
        except ServiceError as exc:
            messages.error(request, exc.message)
            industry = region = context["industry"] = context["region"] = ""
        found = matching.search(viewer, kind=kind, q=q, k=100, base=base)
        context["sections"][kind] = {
            "results": found[:20],
            "count": len(found),
            "facets": _facets(found) if kind != "expert" else {},
        }
    return render(request, "portal/search.html", context)


def _narrow(qs, kind: str, *, industry: str, region: str):  # type: ignore[no-untyped-def]
    from jieli.regions.selectors import industry_descendant_q, region_descendant_q

    if kind == "expert":
        if industry:
            qs = qs.filter(industry_descendant_q("industries", industry)).distinct()
        if region:
            qs = qs.filter(region_descendant_q("region_id", region))
        return qs
    if industry:
        qs = qs.filter(industry_descendant_q("industry_id", industry))
    if region:
        qs = qs.filter(region_descendant_q("region_id", region))
    return qs


def _facets(matches: list) -> dict[str, list[tuple[str, str, int]]]:
    """Counts by industry section and province over the visible results only."""
    from collections import Counter

    from jieli.regions.selectors import industry_label, region_label

    sections: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    for match in matches:
        obj = match.obj
        if getattr(obj, "industry_id", None):
            sections[obj.industry.section] += 1
        if getattr(obj, "region_id", None):
            provinces[obj.region_id[:2]] += 1
    return {
        "industry": [(code, industry_label(code), n) for code, n in sections.most_common(8)],
        "region": [(code, region_label(code), n) for code, n in provinces.most_common(8)],
    }


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    return render(
        request,
        "portal/workspace.html",
        {
            "organisations": organisation_selectors.organisations_of(viewer),
            "achievements": achievement_selectors.achievements_of_viewer_orgs(
                viewer
            ).select_related("owner")[:200],
            "demands": demand_selectors.demands_of_viewer_orgs(viewer).select_related("owner")[
                :200
            ],
            "expert": expert_selectors.expert_for_user(viewer),
        },
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not viewer.is_staff_role:
        return render(request, "403.html", status=403)
    g = request.GET
    return render(
        request,
        "portal/review.html",
        {
            # Oldest first, a page at a time: the queue can hold hundreds after an import.
            "achievements": Paginator(
                achievement_selectors.achievement_review_queue(viewer).select_related("owner"),
                REVIEW_PAGE,
            ).get_page(g.get("a_page")),
            "demands": Paginator(
                demand_selectors.demand_review_queue(viewer).select_related("owner"), REVIEW_PAGE
            ).get_page(g.get("d_page")),
            "organisations": organisation_selectors.admission_queue(viewer),
        },
    )


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:workspace")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = organisation_services.user_register(**form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
            messages.success(
                request,
                _("Welcome! You can now apply for your organisation's membership or join one."),
            )
            return redirect("portal:workspace")
    return render(
        request,
        "portal/register.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
