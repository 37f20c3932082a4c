from django.contrib import admin

from jieli.duplicates.models import DuplicateCase, SameAsLink


@admin.register(DuplicateCase)
class DuplicateCaseAdmin(admin.ModelAdmin):
    """Read-mostly: decisions go through the queue page so merges run the service."""

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
    readonly_fields = (
        "kind",
        "record_a_id",
        "record_b_id",
        "owner_a_id",
        "owner_b_id",
        "score",
        "certainty",
        "reasons",
        "status",
        "kept_id",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    )


@admin.register(SameAsLink)
class SameAsLinkAdmin(admin.ModelAdmin):
    list_display = ("kind", "record_id", "group", "case", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("record_id", "group")
    readonly_fields = ("created_at", "updated_at")
