from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "jieli.events"
    label = "events"
    verbose_name = _("Events and matchmaking fairs")

    def ready(self) -> None:
        from jieli.events import tasks  # noqa: F401  (registers the jobs)
        from jieli.events.notices import register_notices

        register_notices()
