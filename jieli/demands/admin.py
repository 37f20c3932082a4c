from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.errors import ServiceError
from jieli.demands import services
from jieli.demands.models import Demand
from jieli.organisations.selectors import viewer_for_user


@admin.register(Demand)
class DemandAdmin(ServiceOnlyAdmin):
    """Back office: browse and act in bulk; every change goes through the services."""

    list_display = (
        "title",
        "owner",
        "status",
        "visibility",
        "deadline",
        "published_at",
        "confirmed_at",
    )
    list_filter = ("status", "visibility", "budget_negotiable", "source")
    search_fields = ("title", "problem", "keywords_text", "owner__name", "external_id")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)
    readonly_fields = ("history_table",)
    actions = ["publish_selected", "return_selected", "archive_selected"]

    def _act(self, request, queryset, action: str) -> None:  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for demand in queryset:
            try:
                services.demand_transition(
                    viewer=viewer,
                    pk=demand.pk,
                    action=action,
                    reason=str(_("Bulk action in the admin")),
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{demand}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} demands updated.").format(n=done))

    @admin.action(description=_("Publish selected demands"))
    def publish_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        self._act(request, queryset, "publish")

    @admin.action(description=_("Return selected demands for changes"))
    def return_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        self._act(request, queryset, "return")

    @admin.action(description=_("Archive selected demands"))
    def archive_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        self._act(request, queryset, "archive")
