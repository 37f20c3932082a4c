from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "jieli.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from jieli.core import registry
        from jieli.notifications.services import notification_send

        registry.register_notifier(notification_send)
