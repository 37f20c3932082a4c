"""The page shell: home, site search, the organisation workspace, the review queue, sign-up.

These pages only gather what each listing app's selectors already allow the viewer to see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.achievements import selectors as achievement_selectors
from jieli.core.errors import ServiceError
from jieli.core.forms import apply_service_error
from jieli.core.listing import ListingStatus
from jieli.core.pagination import page_of
from jieli.core.search import NoMeaningfulTerms
from jieli.core.security import page_rate_limit
from jieli.core.viewer import request_viewer
from jieli.demands import selectors as demand_selectors
from jieli.experts import selectors as expert_selectors
from jieli.organisations import selectors as organisation_selectors
from jieli.organisations import services as organisation_services
from jieli.organisations.forms import RegisterForm
from jieli.pipeline import selectors as pipeline_selectors
from jieli.portal import selectors as search_selectors

# The listing filters accept at most 200 characters; a longer paste is cut, not refused.
MAX_QUERY = 200


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
            "achievements": achievements.select_related("owner", "industry")[:6],
            "demands": demands.select_related("owner", "industry")[:6],
            "counts": {
                "achievements": achievements.count(),
                "demands": demands.count(),
                "experts": expert_selectors.visible_experts(viewer).count(),
                "organisations": organisation_selectors.visible_organisations(viewer).count(),
            },
        },
    )


SEARCH_PAGE = 10
SEARCH_KIND_LABELS = {
    "achievement": gettext_lazy("Achievements"),
    "demand": gettext_lazy("Demands"),
    "expert": gettext_lazy("Experts"),
}


@page_rate_limit("search")
def search(request: HttpRequest) -> HttpResponse:
    """Ranked search across achievements, demands and experts, one kind at a time, with counts
    per kind, facets and reasons.

    The same engine, floor and order as every list's ``q`` and the API (core.search). A query
    longer than MAX_QUERY is cut; one without meaningful terms answers 400 with the message.
    """
    viewer = request_viewer(request)
    g = request.GET
    q = g.get("q", "").strip()[:MAX_QUERY]
    context: dict[str, Any] = {
        "q": q,
        "industry": g.get("industry", "").strip()[:8],
        "region": g.get("region", "").strip()[:12],
        "kind": g.get("kind", "")[:12],
    }
    if not q:
        return render(request, "portal/search.html", context)
    try:
        found = search_selectors.site_search(
            viewer,
            q=q,
            kind=context["kind"],
            industry=context["industry"],
            region=context["region"],
        )
    except NoMeaningfulTerms as exc:
        context["error"] = exc.message
        return render(request, "portal/search.html", context, status=400)
    context.update(
        found=found,
        kind=found.kind,
        industry=found.industry,
        region=found.region,
        page=page_of(request, found.matches, size=SEARCH_PAGE),
        tabs=[(tab, SEARCH_KIND_LABELS[tab.kind]) for tab in found.tabs],
        kind_label=SEARCH_KIND_LABELS[found.kind],
    )
    return render(request, "portal/search.html", context)


WORKSPACE_PAGE = 15
WORKSPACE_STATUSES = ("draft", "submitted", "returned", "published", "archived")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """The organisation's listings, a page at a time, optionally by status; for the
    secretariat, the work queues instead of an invitation to join."""
    viewer = request_viewer(request)
    g = request.GET
    status = g.get("status", "")
    if status not in WORKSPACE_STATUSES:
        status = ""
    q = g.get("q", "").strip()[:MAX_QUERY]
    achievements = achievement_selectors.achievements_of_viewer_orgs(viewer)
    demands = demand_selectors.demands_of_viewer_orgs(viewer)
    counts = {
        "achievements": _status_counts(achievements),
        "demands": _status_counts(demands),
    }
    if status:
        achievements, demands = achievements.filter(status=status), demands.filter(status=status)
    if q:
        achievements, demands = (
            achievements.filter(title__icontains=q),
            demands.filter(title__icontains=q),
        )
    context: dict[str, object] = {
        "organisations": organisation_selectors.organisations_of(viewer),
        "achievements": page_of(
            request, achievements.select_related("owner"), size=WORKSPACE_PAGE, param="a_page"
        ),
        "demands": page_of(
            request, demands.select_related("owner"), size=WORKSPACE_PAGE, param="d_page"
        ),
        "counts": counts,
        "status": status,
        "q": q,
        "statuses": [
            (
                value,
                label,
                counts["achievements"].get(value, 0) + counts["demands"].get(value, 0),
            )
            for value, label in ListingStatus.choices
            if value in WORKSPACE_STATUSES
        ],
        "expert": expert_selectors.expert_for_user(viewer),
        # The relay: what the viewer's organisations must do next in turnkey projects.
        "pipeline_steps": pipeline_selectors.next_steps(viewer),
    }
    if viewer.is_staff_role:
        context["queues"] = {
            "achievements": achievement_selectors.achievement_review_queue(viewer).count(),
            "demands": demand_selectors.demand_review_queue(viewer).count(),
            "organisations": organisation_selectors.admission_queue(viewer).count(),
            "batons": pipeline_selectors.dropped_batons(viewer).count(),
        }
    return render(request, "portal/workspace.html", context)


def _status_counts(qs) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = qs.order_by().values_list("status").annotate(n=Count("id"))
    counts: dict[str, int] = dict(rows)
    counts["all"] = sum(counts.values())
    return counts


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
