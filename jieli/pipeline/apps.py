from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "jieli.pipeline"
    label = "pipeline"
    verbose_name = _("Turnkey projects")

    def ready(self) -> None:
        from jieli.core.registry import register_listing_action, register_project_opener
        from jieli.pipeline.notify import register_notices
        from jieli.pipeline.opening_services import project_open_from
        from jieli.pipeline.views import open_action

        register_project_opener(project_open_from)
        register_listing_action(open_action)
        register_notices()
