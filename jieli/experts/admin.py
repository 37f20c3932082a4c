from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin, ServiceOnlyInline
from jieli.core.errors import ServiceError
from jieli.experts import services
from jieli.experts.models import Expert, ExpertAffiliation
from jieli.organisations.selectors import viewer_for_user


class ExpertAffiliationInline(ServiceOnlyInline):
    model = ExpertAffiliation


@admin.register(Expert)
class ExpertAdmin(ServiceOnlyAdmin):
    """Browse and act in bulk; experts are registered and edited through the services."""

    list_display = (
        "name",
        "title",
        "organisation",
        "organisation_name",
        "region",
        "willing_to_consult",
        "willing_to_evaluate",
        "is_public",
        "is_active",
    )
    list_filter = ("is_active", "is_public", "willing_to_consult", "willing_to_evaluate")
    search_fields = (
        "name",
        "title",
        "organisation_name",
        "organisation__name",
        "keywords_text",
        "user__username",
        "user__email",
    )
    readonly_fields = ("history_table",)
    inlines = [ExpertAffiliationInline]
    actions = ["deactivate_selected"]

    @admin.action(description=_("Deactivate selected experts"))
    def deactivate_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for expert in queryset:
            try:
                services.expert_deactivate(
                    viewer=viewer, pk=expert.pk, reason=str(_("Bulk action in the admin"))
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{expert}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} experts updated.").format(n=done))
