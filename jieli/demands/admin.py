from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import ServiceError
from jieli.core.history import history_for
from jieli.demands import services
from jieli.demands.models import Demand
from jieli.organisations.selectors import viewer_for_user


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in Demand._meta.fields] + ["history_table"]
    actions = ["publish_selected", "return_selected", "archive_selected"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # demands are posted through the site or the API, with validation

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # archive instead, so history stays

    @admin.display(description=_("history"))
    def history_table(self, obj):  # type: ignore[no-untyped-def]
        return format_html_join(
            "",
            "<div>{} · {} · {} {}</div>",
            (
                (r.created_at.strftime("%Y-%m-%d %H:%M"), r.actor or "-", r.action, r.reason)
                for r in history_for(obj)[:50]
            ),
        )

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
