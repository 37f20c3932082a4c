from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "jieli.demands"
    label = "demands"
    verbose_name = _("Technology demands")

    def ready(self) -> None:
        from jieli.core.registry import ListingKind, register_kind
        from jieli.demands.exports import demand_export_columns
        from jieli.demands.notices import register_notices
        from jieli.demands.selectors import visible_demands

        register_kind(
            ListingKind(
                kind="demand",
                plural="demands",
                model_label="demands.Demand",
                visible=visible_demands,
                title_field="title",
                text_fields=("problem", "target_indicators"),
                detail_url="demands:detail",
                is_listing=True,
                export=demand_export_columns,
            )
        )
        register_notices()
