from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.core.listing import ListingStatus, Visibility
from jieli.demands.models import CooperationMode, Demand
from jieli.regions.forms import CodePickerInput, IndustryChoiceField, RegionChoiceField


class DemandForm(forms.Form):
    """The demand editor; ``owner`` lists only the organisations the user may post for."""

    owner = forms.TypedChoiceField(label=_("Posting organisation"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(
        label=_("Problem description"), max_length=5000, widget=forms.Textarea
    )
    target_indicators = forms.CharField(
        label=_("Target indicators"), max_length=3000, required=False, widget=forms.Textarea
    )
    existing_base = forms.CharField(
        label=_("Existing base and conditions"),
        max_length=3000,
        required=False,
        widget=forms.Textarea,
    )
    industry = IndustryChoiceField(label=_("Industry"), required=False, max_level=None)
    region = RegionChoiceField(label=_("Region"), required=False, min_level=1)
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes"),
        choices=CooperationMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_min_wan = forms.DecimalField(
        label=_("Budget from (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    budget_max_wan = forms.DecimalField(
        label=_("Budget up to (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    budget_negotiable = forms.BooleanField(label=_("Budget negotiable"), required=False)
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=1000,
        help_text=_("Separate keywords with commas; at most 20."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254, required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)

    def __init__(
        self, *args: Any, owner_choices: list[tuple[int, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices  # type: ignore[attr-defined]
        if editing:
            del self.fields["owner"]

    def clean_keywords(self) -> list[str]:
        from jieli.core.errors import InvalidInput
        from jieli.core.keywords import clean_keywords

        try:
            return clean_keywords(self.cleaned_data.get("keywords") or "")
        except InvalidInput as exc:
            raise forms.ValidationError(exc.fields.get("keywords") or [exc.message]) from exc

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("industry", "region"):
            data[name] = data.get(name) or None
        return data

    @staticmethod
    def initial_from(demand: Demand) -> dict[str, Any]:
        return {
            "title": demand.title,
            "problem": demand.problem,
            "target_indicators": demand.target_indicators,
            "existing_base": demand.existing_base,
            "industry": demand.industry_id or "",  # type: ignore[attr-defined]
            "region": demand.region_id or "",  # type: ignore[attr-defined]
            "cooperation_modes": demand.cooperation_modes,
            "budget_min_wan": demand.budget_min_wan,
            "budget_max_wan": demand.budget_max_wan,
            "budget_negotiable": demand.budget_negotiable,
            "deadline": demand.deadline,
            "keywords": ", ".join(demand.keywords or []),
            "contact_name": demand.contact_name,
            "contact_phone": demand.contact_phone,
            "contact_email": demand.contact_email,
            "visibility": demand.visibility,
        }


class DemandFilterForm(forms.Form):
    """The list page's filters; invalid values are reported, never silently ignored."""

    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)
    industry = forms.CharField(
        label=_("Industry"), max_length=16, required=False, widget=CodePickerInput("industry")
    )
    region = forms.CharField(
        label=_("Region"), max_length=12, required=False, widget=CodePickerInput("region")
    )
    cooperation_mode = forms.ChoiceField(
        label=_("Cooperation mode"),
        required=False,
        choices=[("", _("All")), *CooperationMode.choices],
    )
    budget_min = forms.DecimalField(
        label=_("Budget from (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    budget_max = forms.DecimalField(
        label=_("Budget up to (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    negotiable = forms.NullBooleanField(
        label=_("Budget negotiable"),
        required=False,
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    deadline_after = forms.DateField(
        label=_("Deadline not before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    open_only = forms.BooleanField(label=_("Hide expired demands"), required=False)
    published_since = forms.DateField(
        label=_("Published since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = forms.IntegerField(
        label=_("Organisation ID"), required=False, min_value=1, widget=forms.HiddenInput
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ListingStatus.choices]
    )


class ActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "publish", "return", "reconfirm", "archive")]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
