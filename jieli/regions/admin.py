"""Read-mostly admin for the code lists: codes come from the loader; only the English name and
the successor of a retired code may be edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.regions.models import Discipline, Industry, Region


class RetiredFilter(admin.SimpleListFilter):
    title = _("retired")
    parameter_name = "retired"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Retired")), ("no", _("Current"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.exclude(retired_in="")
        if self.value() == "no":
            return queryset.filter(retired_in="")
        return queryset


class CodeListAdmin(ServiceOnlyAdmin):
    """Reference data changes only by loading an edition (``jieli_load_reference``)."""

    list_display = ("code", "name", "name_en", "level", "parent", "edition", "retired_in")
    list_filter = ["level", RetiredFilter, "edition"]
    search_fields = ("code", "name", "name_en")
    ordering = ("code",)
    list_per_page = 100
    show_full_result_count = False
    fields = [
        "code",
        "name",
        "name_en",
        "level",
        "parent",
        "edition",
        "retired_in",
        "successor",
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if term and term.isalnum() and term.isascii():
            by_code = queryset.filter(code__istartswith=term)
            if by_code.exists():
                return by_code, False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Region)
class RegionAdmin(CodeListAdmin):
    pass


@admin.register(Industry)
class IndustryAdmin(CodeListAdmin):
    list_display = ("code", "name", "name_en", "level", "section", "parent", "retired_in")
    list_filter = ["level", "section", RetiredFilter, "edition"]
    fields = [*CodeListAdmin.fields, "section", "description"]


@admin.register(Discipline)
class DisciplineAdmin(CodeListAdmin):
    pass
