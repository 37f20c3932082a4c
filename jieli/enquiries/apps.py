from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "jieli.enquiries"
    label = "enquiries"
    verbose_name = _("Enquiries")

    def ready(self) -> None:
        from jieli.core.registry import register_listing_action
        from jieli.enquiries.notify import register_notices
        from jieli.enquiries.views import enquire_action

        register_listing_action(enquire_action)
        register_notices()
