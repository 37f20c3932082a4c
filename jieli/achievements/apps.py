from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "jieli.achievements"
    label = "achievements"
    verbose_name = _("Achievements")

    def ready(self) -> None:
        from jieli.achievements.exports import achievement_export_columns
        from jieli.achievements.notices import register_notices
        from jieli.achievements.selectors import visible_achievements
        from jieli.core.registry import ListingKind, register_kind

        register_kind(
            ListingKind(
                kind="achievement",
                plural="achievements",
                model_label="achievements.Achievement",
                visible=visible_achievements,
                title_field="title",
                text_fields=("summary", "detail"),
                detail_url="achievements:detail",
                is_listing=True,
                export=achievement_export_columns,
            )
        )
        register_notices()
