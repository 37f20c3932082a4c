from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.experts.models import AffiliationRelation, Expert
from jieli.regions.forms import RegionChoiceField


def _codes(text: str) -> list[str]:
    return [c for c in text.replace("，", ",").replace(" ", ",").split(",") if c.strip()]


class ExpertProfileForm(forms.Form):
    """What an expert edits on "my expert profile"; codes are validated by the service."""

    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(
        label=_("English name"),
        max_length=100,
        required=False,
        help_text=_("Optional; shown on English pages instead of the Chinese name."),
    )
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    organisation_name = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        required=False,
        help_text=_("For affiliations that are not member organisations."),
    )
    industries = forms.CharField(
        label=_("Industry codes"),
        max_length=400,
        required=False,
        help_text=_("GB/T 4754-2017 codes separated by commas, e.g. C, 38, 3811."),
    )
    disciplines = forms.CharField(
        label=_("Discipline codes"),
        max_length=400,
        required=False,
        help_text=_("NSFC codes separated by commas, e.g. F01, F0101."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=1000,
        required=False,
        help_text=_("Separate keywords with commas; at most 20."),
    )
    region = RegionChoiceField(label=_("Region"), required=False, min_level=1)
    bio = forms.CharField(
        label=_("Profile"), max_length=5000, required=False, widget=forms.Textarea
    )
    willing_to_consult = forms.BooleanField(label=_("Available for consulting"), required=False)
    willing_to_evaluate = forms.BooleanField(label=_("Available for evaluations"), required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    is_public = forms.BooleanField(label=_("Show my public profile"), required=False)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["industries"] = _codes(data["industries"])
        data["disciplines"] = _codes(data["disciplines"])
        data["region"] = data.get("region") or None
        return data

    @staticmethod
    def initial_from(expert: Expert) -> dict[str, Any]:
        return {
            "name": expert.name,
            "name_en": expert.name_en,
            "title": expert.title,
            "organisation_name": expert.organisation_name,
            "industries": ", ".join(expert.industries.values_list("code", flat=True)),
            "disciplines": ", ".join(expert.disciplines.values_list("code", flat=True)),
            "keywords": ", ".join(expert.keywords or []),
            "region": expert.region_id or "",  # type: ignore[attr-defined]
            "bio": expert.bio,
            "willing_to_consult": expert.willing_to_consult,
            "willing_to_evaluate": expert.willing_to_evaluate,
            "email": expert.email,
            "phone": expert.phone,
            "is_public": expert.is_public,
        }


class AffiliationForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    relation = forms.ChoiceField(label=_("Relation"), choices=AffiliationRelation.choices)
    start_date = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ExpertFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)
    industry = forms.CharField(label=_("Industry code"), max_length=16, required=False)
    discipline = forms.CharField(label=_("Discipline code"), max_length=16, required=False)
    region = forms.CharField(label=_("Region code"), max_length=12, required=False)
    willing_to_consult = forms.NullBooleanField(
        label=_("Available for consulting"),
        required=False,
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    willing_to_evaluate = forms.NullBooleanField(
        label=_("Available for evaluations"),
        required=False,
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
