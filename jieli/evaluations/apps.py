from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "jieli.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self) -> None:
        from jieli.core.registry import register_listing_action, register_listing_summary
        from jieli.evaluations.notify import register_notices
        from jieli.evaluations.views import evaluate_action, evaluation_summary

        register_listing_action(evaluate_action)
        register_listing_summary(evaluation_summary)
        register_notices()
