from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "jieli.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from jieli.core.registry import (
            ListingKind,
            register_kind,
            register_owner_admin_ids,
            register_viewer_factory,
        )
        from jieli.organisations.exports import organisation_export_columns
        from jieli.organisations.notices import register_notices
        from jieli.organisations.selectors import (
            organisation_admin_ids,
            viewer_for_user,
            visible_organisations,
        )

        register_kind(
            ListingKind(
                kind="organisation",
                plural="organisations",
                model_label="organisations.Organisation",
                visible=visible_organisations,
                title_field="name",
                text_fields=("description",),
                detail_url="organisations:detail",
                is_listing=False,
                export=organisation_export_columns,
            )
        )
        register_viewer_factory(viewer_for_user)
        register_owner_admin_ids(organisation_admin_ids)
        register_notices()
