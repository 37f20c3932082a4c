from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin, ServiceOnlyInline
from jieli.core.errors import ServiceError
from jieli.facilities import booking_services, services
from jieli.facilities.models import (
    AvailabilityWindow,
    Booking,
    Cluster,
    PilotPlatform,
    PlatformService,
    Zone,
)
from jieli.organisations.selectors import viewer_for_user


def _each(admin_page: Any, request: Any, queryset: Any, call: Any) -> None:
    """Run one service call per selected record; report refusals, count the rest."""
    viewer = viewer_for_user(request.user)
    done = 0
    for record in queryset:
        try:
            call(viewer, record)
            done += 1
        except ServiceError as exc:
            admin_page.message_user(request, f"{record}: {exc.message}", messages.WARNING)
    admin_page.message_user(request, _("{n} records updated.").format(n=done))


class _StatusActions(ServiceOnlyAdmin):
    kind = ""
    actions = ["publish_selected", "unpublish_selected"]
    readonly_fields = ("history_table",)

    @admin.action(description=_("Publish selected records"))
    def publish_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        _each(
            self,
            request,
            queryset,
            lambda viewer, r: services.facility_set_status(
                viewer=viewer, kind=self.kind, pk=r.pk, action="publish"
            ),
        )

    @admin.action(description=_("Move selected records back to draft"))
    def unpublish_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        _each(
            self,
            request,
            queryset,
            lambda viewer, r: services.facility_set_status(
                viewer=viewer, kind=self.kind, pk=r.pk, action="unpublish"
            ),
        )


class ServiceInline(ServiceOnlyInline):
    model = PlatformService
    fields = ("name", "price_wan", "price_basis")


class WindowInline(ServiceOnlyInline):
    model = AvailabilityWindow
    fields = ("start_date", "end_date", "note")


@admin.register(PilotPlatform)
class PilotPlatformAdmin(_StatusActions):
    kind = "platform"
    list_display = ("name", "operator", "region", "capacity_per_day", "capacity_unit", "status")
    list_filter = ("status",)
    search_fields = ("name", "name_en", "operator__name", "capabilities")
    inlines = (ServiceInline, WindowInline)


@admin.register(Zone)
class ZoneAdmin(_StatusActions):
    kind = "zone"
    list_display = ("name", "region", "agreement_date", "space_m2", "status")
    list_filter = ("status",)
    search_fields = ("name", "name_en", "description")


@admin.register(Cluster)
class ClusterAdmin(_StatusActions):
    kind = "cluster"
    list_display = ("name", "region", "output_value_wan", "enterprise_count", "status")
    list_filter = ("status",)
    search_fields = ("name", "name_en", "description")


@admin.register(Booking)
class BookingAdmin(ServiceOnlyAdmin):
    list_display = (
        "platform",
        "requester_organisation",
        "units",
        "start_date",
        "end_date",
        "status",
    )
    list_filter = ("status",)
    search_fields = ("platform__name", "requester_organisation__name", "requester__username")
    date_hierarchy = "start_date"
    readonly_fields = ("history_table",)
    actions = ["accept_selected"]

    @admin.action(description=_("Accept selected booking requests (capacity is checked)"))
    def accept_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        _each(
            self,
            request,
            queryset,
            lambda viewer, b: booking_services.booking_move(viewer=viewer, pk=b.pk, move="accept"),
        )
