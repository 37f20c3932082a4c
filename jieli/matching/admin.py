from django.contrib import admin

from jieli.core.admin import ServiceOnlyAdmin
from jieli.matching.models import ListingVector, MatchFeedback


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(ServiceOnlyAdmin):
    list_display = (
        "created_at",
        "user",
        "source_kind",
        "source_id",
        "target_kind",
        "target_id",
        "useful",
        "rank",
    )
    list_filter = ("useful", "source_kind", "target_kind")
    search_fields = ("user__username", "comment")


@admin.register(ListingVector)
class ListingVectorAdmin(ServiceOnlyAdmin):
    list_display = ("kind", "object_id", "encoder", "dim", "updated_at")
    list_filter = ("kind", "encoder")
    exclude = ("vector",)
