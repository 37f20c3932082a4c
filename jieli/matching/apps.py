from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "jieli.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # Lists of the listing apps rank their text filter through core.search; the engine
        # lives here, above them, so it registers itself (the dependency points down).
        from jieli.core.search import register_text_ranker
        from jieli.matching.selectors import text_ranking

        register_text_ranker(text_ranking)

        from jieli.core.registry import register_startup_job
        from jieli.matching.tasks import classifiers_train, vectors_refresh_now

        register_startup_job(classifiers_train)
        register_startup_job(vectors_refresh_now)
