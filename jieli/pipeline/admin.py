from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.errors import ServiceError
from jieli.organisations.selectors import viewer_for_user
from jieli.pipeline import services
from jieli.pipeline.models import Contract, Project, ProjectStage


@admin.register(Project)
class ProjectAdmin(ServiceOnlyAdmin):
    list_display = ("title", "enterprise", "agency", "status", "created_at")
    list_filter = ("status", "origin")
    search_fields = ("title", "enterprise__name", "agency__name")
    date_hierarchy = "created_at"
    readonly_fields = ("history_table",)
    actions = ["close_selected"]

    @admin.action(description=_("Close selected projects"))
    def close_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for project in queryset:
            try:
                services.project_close(viewer=viewer, pk=project.pk)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{project}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} projects updated.").format(n=done))


@admin.register(ProjectStage)
class ProjectStageAdmin(ServiceOnlyAdmin):
    list_display = ("project", "key", "status", "owner_organisation", "owner_user", "due_date")
    list_filter = ("key", "status")
    search_fields = ("project__title", "owner_organisation__name")
    readonly_fields = ("history_table",)


@admin.register(Contract)
class ContractAdmin(ServiceOnlyAdmin):
    list_display = ("title", "kind", "party_a", "party_b", "amount", "signed_on")
    list_filter = ("kind",)
    search_fields = ("title", "registration_number")
