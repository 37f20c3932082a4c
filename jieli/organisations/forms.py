from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.organisations.models import MemberRole, MembershipTier, Organisation, OrganisationType
from jieli.regions.forms import RegionChoiceField


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    name_en = forms.CharField(
        label=_("English name"),
        max_length=200,
        required=False,
        help_text=_("Optional; shown on English pages instead of the Chinese name."),
    )
    org_type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters, e.g. 91370000163044841F"),
    )
    region = RegionChoiceField(label=_("Region"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )

    @classmethod
    def initial_from(cls, org: Organisation) -> dict:
        return {
            "name": org.name,
            "name_en": org.name_en,
            "org_type": org.org_type,
            "credit_code": org.credit_code,
            "region": org.region_id,
            "address": org.address,  # type: ignore[attr-defined]
            "website": org.website,
            "description": org.description,
        }


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[("admit", _("Admit")), ("suspend", _("Suspend")), ("remove", _("Remove"))],
    )
    tier = forms.ChoiceField(
        label=_("Membership tier"), required=False, choices=[("", "—"), *MembershipTier.choices]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)


class MemberAddForm(forms.Form):
    user = forms.CharField(label=_("User name or e-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class RegisterForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    display_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
