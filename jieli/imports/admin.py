from django.contrib import admin

from jieli.core.admin import ServiceOnlyAdmin
from jieli.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ServiceOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "file_name",
        "user",
        "status",
        "progress",
        "created_count",
        "updated_count",
        "rejected_count",
        "created_at",
    )
    list_filter = ("kind", "status", "mode")
    search_fields = ("file_name", "user__username")
