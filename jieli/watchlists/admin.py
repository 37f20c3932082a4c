from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from jieli.core.admin import ServiceOnlyAdmin
from jieli.core.viewer import Viewer
from jieli.watchlists.models import AlertCursor, Shortlist, Subscription
from jieli.watchlists.services import subscription_set_active


@admin.register(Shortlist)
class ShortlistAdmin(ServiceOnlyAdmin):
    list_display = ("id", "name", "owner", "is_default", "created_at")
    search_fields = ("name", "owner__username")


@admin.register(Subscription)
class SubscriptionAdmin(ServiceOnlyAdmin):
    list_display = ("id", "name", "type", "owner", "kind", "source_kind", "is_active", "created_at")
    list_filter = ("type", "is_active")
    search_fields = ("name", "q", "owner__username")
    actions = ("pause_selected",)

    @admin.action(description=_("Pause selected saved searches and subscriptions"))
    def pause_selected(self, request, queryset):  # type: ignore[no-untyped-def]
        """Through the service, as the owner would (history names the administrator)."""
        for sub in queryset:
            subscription_set_active(
                viewer=Viewer(user_id=sub.owner_id),
                subscription_id=sub.pk,
                active=False,
                actor_id=request.user.pk,
            )
        self.message_user(request, _("Paused."), messages.SUCCESS)


@admin.register(AlertCursor)
class AlertCursorAdmin(ServiceOnlyAdmin):
    list_display = ("key", "published_until", "updated_at")
