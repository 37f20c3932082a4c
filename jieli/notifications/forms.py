from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jieli.notifications.models import EmailChoice
from jieli.notifications.selectors import PreferenceRow


class PreferencesForm(forms.Form):
    """The e-mail language and, per kind, how it is e-mailed (fields ``kind:<key>``)."""

    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, rows: list[PreferenceRow], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"kind:{row.key}"] = forms.ChoiceField(
                label=row.label, choices=EmailChoice.choices, initial=row.email
            )

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[f"kind:{row.key}"] for row in self.rows]

    def chosen(self) -> dict[str, str]:
        return {row.key: self.cleaned_data[f"kind:{row.key}"] for row in self.rows}
