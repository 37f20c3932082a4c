from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import ServiceError
from jieli.core.history import history_for
from jieli.organisations import services
from jieli.organisations.models import Membership, Organisation
from jieli.organisations.selectors import viewer_for_user


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ("region",)
    readonly_fields = (
        "membership_status",
        "status_reason",
        "created_at",
        "updated_at",
        "history_table",
    )
    inlines = [MembershipInline]
    actions = ["admit_selected", "suspend_selected"]

    @admin.display(description=_("history"))
    def history_table(self, obj):
        from django.utils.html import format_html_join

        rows = history_for(obj)[:50]
        return format_html_join(
            "",
            "<div>{} · {} · {} {}</div>",
            (
                (r.created_at.strftime("%Y-%m-%d %H:%M"), r.actor or "-", r.action, r.reason)
                for r in rows
            ),
        )

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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")
