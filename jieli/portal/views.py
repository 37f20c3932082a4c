"""The page shell: home, site search, the organisation workspace, the review queue, sign-up.

These pages only gather what each listing app's selectors already allow the viewer to see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jieli.achievements import selectors as achievement_selectors
from jieli.core.errors import ServiceError
from jieli.core.forms import apply_service_error
from jieli.demands import selectors as demand_selectors
from jieli.experts import selectors as expert_selectors
from jieli.organisations import selectors as organisation_selectors
from jieli.organisations import services as organisation_services
from jieli.organisations.forms import RegisterForm

# The listing filters accept at most 200 characters; a longer paste is cut, not refused.
MAX_QUERY = 200


def home(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
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
    """Plain word search across listings; the matching engine ranks results when it is ready."""
    viewer = request.viewer  # type: ignore[attr-defined]
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    context: dict = {"q": q, "achievements": [], "demands": [], "experts": []}
    if q:
        context["achievements"] = achievement_selectors.achievement_list(
            viewer, achievement_selectors.AchievementFilters(q=q)
        )[:20]
        context["demands"] = demand_selectors.demand_list(
            viewer, demand_selectors.DemandFilters(q=q)
        )[:20]
        context["experts"] = expert_selectors.expert_list(
            viewer, expert_selectors.ExpertFilters(q=q)
        )[:10]
    return render(request, "portal/search.html", context)


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    viewer = request.viewer  # type: ignore[attr-defined]
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
    viewer = request.viewer  # type: ignore[attr-defined]
    if not viewer.is_staff_role:
        return render(request, "403.html", status=403)
    return render(
        request,
        "portal/review.html",
        {
            "achievements": achievement_selectors.achievement_review_queue(viewer).select_related(
                "owner"
            ),
            "demands": demand_selectors.demand_review_queue(viewer).select_related("owner"),
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! You can now apply for your organisation's membership or join one."),
            )
            return redirect("portal:workspace")
    return render(request, "portal/register.html", {"form": form})
