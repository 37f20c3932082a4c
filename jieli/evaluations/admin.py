from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.errors import ServiceError
from jieli.evaluations import services
from jieli.evaluations.models import Accreditation, Evaluation, EvaluationReport, IndexSystem
from jieli.organisations.selectors import viewer_for_user


@admin.register(Evaluation)
class EvaluationAdmin(ServiceOnlyAdmin):
    list_display = ("title", "owner", "route", "purpose", "stage", "deadline", "created_at")
    list_filter = ("stage", "route", "purpose", "confidentiality")
    search_fields = ("title", "owner__name")
    date_hierarchy = "created_at"
    readonly_fields = ("history_table",)
    actions = ["cancel_selected"]

    @admin.action(description=_("Cancel selected evaluations"))
    def cancel_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for evaluation in queryset:
            try:
                services.evaluation_move(
                    viewer=viewer,
                    evaluation_id=evaluation.pk,
                    action="cancel",
                    reason=str(_("Cancelled in the back office")),
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{evaluation}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} evaluations updated.").format(n=done))


@admin.register(EvaluationReport)
class EvaluationReportAdmin(ServiceOnlyAdmin):
    list_display = ("evaluation", "version", "confidentiality", "issued_by", "created_at")
    list_filter = ("confidentiality",)
    exclude = ("snapshot",)


@admin.register(IndexSystem)
class IndexSystemAdmin(ServiceOnlyAdmin):
    list_display = ("name_zh", "key", "version", "is_current", "updated_at")
    list_filter = ("key", "is_current")
    readonly_fields = ("history_table",)


@admin.register(Accreditation)
class AccreditationAdmin(ServiceOnlyAdmin):
    list_display = ("organisation", "is_active", "granted_by", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("history_table",)
    actions = ["withdraw_selected"]

    @admin.action(description=_("Withdraw selected accreditations"))
    def withdraw_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for accreditation in queryset:
            try:
                services.accreditation_grant(
                    viewer=viewer, organisation_id=accreditation.organisation_id, active=False
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{accreditation}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} accreditations updated.").format(n=done))
