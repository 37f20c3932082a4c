from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jieli.achievements import services
from jieli.achievements.models import Achievement, IntellectualProperty
from jieli.core.admin import ServiceOnlyAdmin, ServiceOnlyInline
from jieli.core.errors import ServiceError


class IndustrySectionFilter(admin.SimpleListFilter):
    title = _("industry section")
    parameter_name = "section"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from jieli.regions.models import Industry

        return [
            (i.code, f"{i.code} {i.display_name}")
            for i in Industry.objects.filter(level=1).order_by("code")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(industry__section=value) if value else queryset


class IntellectualPropertyInline(ServiceOnlyInline):
    model = IntellectualProperty
    fields = ("number", "ip_type", "legal_status", "filing_date", "grant_date", "expiry_date")


@admin.register(Achievement)
class AchievementAdmin(ServiceOnlyAdmin):
    """Browse and act in bulk; edits go through the site or the API (services, history)."""

    list_display = (
        "title",
        "owner",
        "status",
        "visibility",
        "trl",
        "maturity",
        "dual_use",
        "published_at",
        "confirmed_at",
    )
    list_filter = ("status", "visibility", "maturity", "trl", "dual_use", IndustrySectionFilter)
    search_fields = ("title", "keywords", "owner__name", "ip_records__number")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    readonly_fields = ("history_table",)
    inlines = [IntellectualPropertyInline]
    actions = ["publish_selected", "archive_selected"]

    def _transition(
        self, request: HttpRequest, queryset: QuerySet[Achievement], action: str
    ) -> None:
        from jieli.organisations.selectors import viewer_for_user

        viewer = viewer_for_user(request.user)
        done = 0
        for achievement in queryset:
            try:
                services.achievement_transition(
                    viewer=viewer,
                    pk=achievement.pk,
                    action=action,
                    reason=str(_("Bulk action in the admin")),
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{achievement}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} achievements updated.").format(n=done))

    @admin.action(description=_("Publish selected achievements"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Achievement]) -> None:
        self._transition(request, queryset, "publish")

    @admin.action(description=_("Archive selected achievements"))
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Achievement]) -> None:
        self._transition(request, queryset, "archive")
