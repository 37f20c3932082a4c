from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from jieli.core.errors import ServiceError
from jieli.core.history import change_record, history_for
from jieli.experts import services
from jieli.experts.models import Expert, ExpertAffiliation
from jieli.organisations.selectors import viewer_for_user


class ExpertAffiliationInline(admin.TabularInline):
    model = ExpertAffiliation
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ("user", "organisation", "region", "industries", "disciplines")
    readonly_fields = ("created_at", "updated_at", "history_table")
    inlines = [ExpertAffiliationInline]
    actions = ["deactivate_selected"]

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

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        # The back office edits directly; keep the change in the expert's history all the same.
        change_record(
            target=obj,
            actor_id=request.user.pk,
            action="admin_update" if change else "admin_create",
            changes={name: ["", str(form.cleaned_data.get(name))] for name in form.changed_data},
        )

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
