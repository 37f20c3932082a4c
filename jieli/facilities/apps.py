from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "jieli.facilities"
    label = "facilities"
    verbose_name = _("Facilities")

    def ready(self) -> None:
        from jieli.facilities.notices import register_notices

        register_notices()
