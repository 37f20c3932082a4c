from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "jieli.experts"
    label = "experts"
    verbose_name = _("Experts")

    def ready(self) -> None:
        from jieli.core.registry import ListingKind, register_kind
        from jieli.experts.exports import expert_export_columns
        from jieli.experts.selectors import visible_experts

        register_kind(
            ListingKind(
                kind="expert",
                plural="experts",
                model_label="experts.Expert",
                visible=visible_experts,
                title_field="name",
                text_fields=("title", "bio"),
                detail_url="experts:detail",
                is_listing=False,
                export=expert_export_columns,
            )
        )
