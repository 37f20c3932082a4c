from django.contrib import admin

from jieli.core.admin import ServiceOnlyAdmin
from jieli.duplicates.models import DuplicateCase, SameAsLink


@admin.register(DuplicateCase)
class DuplicateCaseAdmin(ServiceOnlyAdmin):
    """Read-only: decisions go through the queue page so merges run the service."""

    list_display = (
        "id",
        "kind",
        "record_a_id",
        "record_b_id",
        "certainty",
        "score",
        "status",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "kind", "certainty")
    search_fields = ("record_a_id", "record_b_id")


@admin.register(SameAsLink)
class SameAsLinkAdmin(ServiceOnlyAdmin):
    list_display = ("kind", "record_id", "group", "case", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("record_id", "group")
