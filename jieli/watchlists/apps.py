from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchlistsConfig(AppConfig):
    name = "jieli.watchlists"
    label = "watchlists"
    verbose_name = _("Shortlists and saved searches")

    def ready(self) -> None:
        from jieli.watchlists.alerts import register_notification_kind

        register_notification_kind()
