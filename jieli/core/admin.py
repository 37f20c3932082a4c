"""The back office's one rule: the admin reads; it writes only through services, with history.

Every model admin derives from ``ServiceOnlyAdmin``: records can be searched, filtered and
opened, but not added, edited or deleted in forms (a form save would bypass the services'
validation and history). Changes are made by admin actions that call a service for each
selected record, so each one is validated and recorded like any other change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from jieli.core.history import history_for
from jieli.core.models import ApiToken, ChangeRecord


class ServiceOnlyAdmin(admin.ModelAdmin):
    """View-only admin; subclasses add actions that call services."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("history"))
    def history_table(self, obj: models.Model) -> str:
        """The record's history, actions and changed fields in the reader's language."""
        rows = history_for(obj)[:50] if obj.pk else []
        return format_html_join(
            "",
            "<div>{} · {} · {} {} {}</div>",
            (
                (
                    r.created_at.strftime("%Y-%m-%d %H:%M"),
                    r.actor or "-",
                    r.action_label,
                    ", ".join(r.changed_fields),
                    r.reason,
                )
                for r in rows
            ),
        )


class ServiceOnlyInline(admin.TabularInline):
    """Related rows shown read-only inside a ``ServiceOnlyAdmin`` page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ServiceOnlyAdmin):
    list_display = ("created_at", "content_type", "object_id", "action", "actor", "reason")
    list_filter = ("action", "content_type")
    search_fields = ("object_id", "reason", "actor__username")
    date_hierarchy = "created_at"


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    search_fields = ("name", "user__username", "prefix")
    exclude = ("key_hash",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request: HttpRequest, queryset: models.QuerySet[ApiToken]) -> None:
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
