from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.core.viewer import Viewer
from jieli.imports.models import ImportKind, ImportMode
from jieli.imports.selectors import import_kinds_for


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV, XLSX or JSON Lines)"))
    mode = forms.ChoiceField(
        label=_("Mode"), choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING
    )
    dry_run = forms.BooleanField(label=_("Dry run (check only, save nothing)"), required=False)
    owner = forms.CharField(
        label=_("Owner organisation (ID or credit code)"), required=False, max_length=18
    )
    source = forms.CharField(
        label=_("Source name (for re-imports)"), required=False, max_length=60, initial="import"
    )
    publish = forms.BooleanField(label=_("Publish new records directly"), required=False)
    mapping = forms.FileField(label=_("Column mapping (JSON, optional)"), required=False)

    def __init__(
        self, *args: Any, viewer: Viewer, owner_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kinds = import_kinds_for(viewer)
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(k, v) for k, v in ImportKind.choices if k in kinds]
        if not viewer.is_staff_role:
            del self.fields["publish"]
            self.fields["owner"] = forms.TypedChoiceField(
                label=_("Owner organisation"), choices=owner_choices, coerce=int
            )

    def clean_mapping(self) -> dict[str, str]:
        upload = self.cleaned_data.get("mapping")
        if not upload:
            return {}
        if upload.size > 100_000:
            raise forms.ValidationError(_("The mapping file is too large."))
        try:
            data = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(_("The mapping file is not valid JSON.")) from exc
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise forms.ValidationError(
                _("The mapping must be a JSON object of “column header”: “field” pairs.")
            )
        return data
