"""Forms: the search a user saves (the search page's parameters), shortlists, notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.core.errors import InvalidInput
from jieli.core.search import NoMeaningfulTerms

# The search page cuts longer queries; a saved search refuses them instead (nothing silently).
MAX_QUERY = 200
SEARCH_KIND_CHOICES = [
    ("", gettext_lazy("Achievements and demands")),
    ("achievement", gettext_lazy("Achievements")),
    ("demand", gettext_lazy("Demands")),
]


class SearchForm(forms.Form):
    """The search page's query and filters, checked as the search page checks them: a query
    with meaningful terms, a kind, known industry and region codes. The search page drops an
    unknown code from a hand-edited URL and says so; a saved search refuses it."""

    q = forms.CharField(label=gettext_lazy("Search"), max_length=MAX_QUERY)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=SEARCH_KIND_CHOICES, required=False
    )
    industry = forms.CharField(label=gettext_lazy("Industry"), max_length=8, required=False)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=12, required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)

    def clean_q(self) -> str:
        from jieli.matching.selectors import require_terms

        q = self.cleaned_data["q"].strip()
        try:
            require_terms(q)
        except NoMeaningfulTerms as exc:
            raise forms.ValidationError(exc.message) from exc
        return q

    def _code(self, name: str, check: Any) -> str:
        code = (self.cleaned_data.get(name) or "").strip()
        if not code:
            return ""
        try:
            return str(check(code, min_level=1, allow_retired=True))
        except InvalidInput as exc:
            raise forms.ValidationError(exc.fields.get(name) or [exc.message]) from exc

    def clean_industry(self) -> str:
        from jieli.regions.selectors import validate_industry_code

        return self._code("industry", validate_industry_code)

    def clean_region(self) -> str:
        from jieli.regions.selectors import validate_region_code

        return self._code("region", validate_region_code)


def search_form_errors(form: forms.Form) -> InvalidInput:
    return InvalidInput(
        _("The search cannot be saved."),
        fields={k: [str(m) for m in v] for k, v in form.errors.items()},
    )


class ShortlistForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Shortlist name"), max_length=100)


class SaveForm(forms.Form):
    """The "Save" control of a listing's detail page."""

    shortlist = forms.IntegerField(required=False, min_value=1)
    note = forms.CharField(max_length=1000, required=False)
