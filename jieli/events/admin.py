from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.errors import ServiceError
from jieli.events import services
from jieli.events.models import Event, Meeting, MeetingRequest, Registration, ScheduleRun
from jieli.organisations.selectors import viewer_for_user


@admin.register(Event)
class EventAdmin(ServiceOnlyAdmin):
    list_display = ("name", "kind", "organiser", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("name",)
    readonly_fields = ("history_table",)
    actions = ["cancel_selected"]

    @admin.action(description=_("Cancel selected events"))
    def cancel_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for event in queryset:
            try:
                services.event_move(viewer=viewer, event_id=event.pk, move="cancel")
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{event}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} events updated.").format(n=done))


@admin.register(Registration)
class RegistrationAdmin(ServiceOnlyAdmin):
    list_display = ("user", "organisation", "event", "role", "status")
    list_filter = ("status", "role")
    readonly_fields = ("history_table",)
    actions = ["confirm_selected"]

    @admin.action(description=_("Confirm selected registrations"))
    def confirm_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        viewer = viewer_for_user(request.user)
        done = 0
        for reg in queryset:
            try:
                services.registration_decide(viewer=viewer, registration_id=reg.pk, move="confirm")
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{reg}: {exc.message}", messages.WARNING)
        self.message_user(request, _("{n} registrations updated.").format(n=done))


@admin.register(MeetingRequest)
class MeetingRequestAdmin(ServiceOnlyAdmin):
    list_display = ("sender", "recipient", "event", "status", "created_at")
    list_filter = ("status",)


@admin.register(Meeting)
class MeetingAdmin(ServiceOnlyAdmin):
    list_display = ("a", "b", "event", "starts_at", "table", "status")
    list_filter = ("status",)


@admin.register(ScheduleRun)
class ScheduleRunAdmin(ServiceOnlyAdmin):
    list_display = ("event", "method", "status", "placed", "objective", "bound", "seconds")
