from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin, ServiceOnlyInline
from jieli.core.errors import ServiceError
from jieli.organisations import services
from jieli.organisations.models import Membership, Organisation
from jieli.organisations.selectors import viewer_for_user


class MembershipInline(ServiceOnlyInline):
    model = Membership


@admin.register(Organisation)
class OrganisationAdmin(ServiceOnlyAdmin):
    """Browse and decide admissions in bulk; every change goes through the services."""

    list_display = (
        "name",
        "org_type",
        "membership_status",
        "tier",
        "region",
        "member_since",
        "is_demo",
    )
    list_filter = ("membership_status", "org_type", "tier", "is_demo")
    search_fields = ("name", "credit_code", "address")
    readonly_fields = ("history_table",)
    inlines = [MembershipInline]
    actions = ["admit_selected", "suspend_selected"]

    def _decide(self, request, queryset, action):
        viewer = viewer_for_user(request.user)
        done = 0
        for org in queryset:
            try:
                services.organisation_decide(
                    viewer=viewer,
                    organisation_id=org.pk,
                    action=action,
                    reason=str(_("Bulk action in the admin")),
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{org}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} organisations updated.").format(n=done))

    @admin.action(description=_("Admit selected organisations"))
    def admit_selected(self, request, queryset):
        self._decide(request, queryset, "admit")

    @admin.action(description=_("Suspend selected organisations"))
    def suspend_selected(self, request, queryset):
        self._decide(request, queryset, "suspend")


@admin.register(Membership)
class MembershipAdmin(ServiceOnlyAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "organisation__name")
