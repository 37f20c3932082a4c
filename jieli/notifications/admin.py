from django.contrib import admin

from jieli.core.admin import ServiceOnlyAdmin
from jieli.notifications.models import Notification, NotificationPreference, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(ServiceOnlyAdmin):
    """Read-only: notifications are made by the services that notify."""

    list_display = (
        "id",
        "kind",
        "recipient",
        "actor",
        "created_at",
        "read_at",
        "email",
        "emailed_at",
    )
    list_filter = ("kind", "email")
    search_fields = ("recipient__username", "kind", "dedupe_key")
    date_hierarchy = "created_at"
    list_select_related = ("recipient", "actor")
    raw_id_fields = ("recipient", "actor")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ServiceOnlyAdmin):
    list_display = ("user", "kind", "email", "updated_at")
    list_filter = ("kind", "email")
    search_fields = ("user__username",)
    readonly_fields = ("history_table",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(ServiceOnlyAdmin):
    list_display = ("user", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("user__username",)
    readonly_fields = ("history_table",)
