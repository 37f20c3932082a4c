from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.errors import ServiceError
from jieli.enquiries import broker_services, services
from jieli.enquiries.models import Broker, Enquiry, EnquiryReport, Introduction
from jieli.organisations.selectors import viewer_for_user


@admin.register(Enquiry)
class EnquiryAdmin(ServiceOnlyAdmin):
    list_display = (
        "target_title",
        "target_kind",
        "sender",
        "owner_organisation",
        "stage",
        "created_at",
    )
    list_filter = ("stage", "target_kind", "purpose")
    search_fields = ("target_title", "sender__username", "owner_organisation__name")
    date_hierarchy = "created_at"
    readonly_fields = ("history_table",)
    actions = ["close_selected"]

    @admin.action(description=_("Close selected enquiries"))
    def close_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for enquiry in queryset:
            try:
                services.enquiry_move(viewer=viewer, pk=enquiry.pk, action="close")
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{enquiry}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} enquiries updated.").format(n=done))


@admin.register(Broker)
class BrokerAdmin(ServiceOnlyAdmin):
    list_display = ("user", "organisation", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("user__username", "organisation__name")
    readonly_fields = ("history_table",)
    actions = ["deactivate_selected"]

    @admin.action(description=_("Deactivate selected brokers"))
    def deactivate_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for broker in queryset:
            try:
                broker_services.broker_deactivate(viewer=viewer, pk=broker.pk)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{broker}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} brokers updated.").format(n=done))


@admin.register(Introduction)
class IntroductionAdmin(ServiceOnlyAdmin):
    list_display = ("party_a", "target_kind", "target_id", "party_b", "broker", "status")
    list_filter = ("status",)


@admin.register(EnquiryReport)
class EnquiryReportAdmin(ServiceOnlyAdmin):
    list_display = ("enquiry", "reporter", "reason", "created_at")
    search_fields = ("reason",)
