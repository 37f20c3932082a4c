from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from jieli.achievements.models import (
    MAX_IP_RECORDS,
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    TRL_LEVELS,
    Achievement,
    IPType,
    LegalStatus,
    Maturity,
    TransferMode,
    ip_record_problems,
)
from jieli.achievements.selectors import AchievementFilters
from jieli.core.listing import ListingStatus, Visibility
from jieli.regions.forms import DisciplineChoiceField, IndustryChoiceField, RegionChoiceField


def trl_choices(blank: str = "—") -> list[tuple[Any, str]]:
    return [("", blank)] + [(t.level, f"{t.level} · {t.name_zh} / {t.name_en}") for t in TRL_LEVELS]


class AchievementForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner organisation"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Public summary"), max_length=2000, required=False, widget=forms.Textarea
    )
    detail = forms.CharField(
        label=_("Detail (members only)"), max_length=20000, required=False, widget=forms.Textarea
    )
    team = forms.CharField(label=_("Team members"), max_length=1000, required=False)
    industry = IndustryChoiceField(label=_("Industry (GB/T 4754)"), required=False, max_level=None)
    discipline = DisciplineChoiceField(label=_("Discipline"), required=False)
    region = RegionChoiceField(label=_("Region"), required=False, min_level=1)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=MAX_KEYWORDS * (MAX_KEYWORD_LENGTH + 2),
        help_text=format_lazy(_("Separate with commas; at most {n}."), n=MAX_KEYWORDS),
    )
    trl = forms.TypedChoiceField(
        label=_("Technology readiness level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=trl_choices,
    )
    maturity = forms.ChoiceField(
        label=_("Maturity"), required=False, choices=[("", "—"), *Maturity.choices]
    )
    transfer_modes = forms.MultipleChoiceField(
        label=_("Transfer modes"),
        required=False,
        choices=TransferMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    price_wan = forms.DecimalField(
        label=_("Price (10,000 yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_negotiable = forms.BooleanField(label=_("Price negotiable"), required=False)
    application_fields = forms.CharField(
        label=_("Fields of application"), max_length=1000, required=False, widget=forms.Textarea
    )
    dual_use = forms.BooleanField(label=_("Dual use (military and civil)"), required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(
        self, *args: Any, owner_choices: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if owner_choices is None:
            del self.fields["owner"]  # editing: the owner does not change
        else:
            self.fields["owner"].choices = owner_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("price_negotiable") and data.get("price_wan") is not None:
            self.add_error("price_wan", _("Leave the price empty when it is negotiable."))
        elif (
            "price_wan" in data
            and not data.get("price_negotiable")
            and data.get("price_wan") is None
            and "price_wan" not in self.errors
        ):
            self.add_error("price_wan", _("Give a price or mark it as negotiable."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "owner"}
        data["keywords"] = data.get("keywords") or ""
        return data

    @staticmethod
    def initial_from(a: Achievement) -> dict[str, Any]:
        return {
            "title": a.title,
            "summary": a.summary,
            "detail": a.detail,
            "team": a.team,
            "industry": a.industry_id,
            "discipline": a.discipline_id,  # type: ignore[attr-defined]
            "region": a.region_id,
            "keywords": ", ".join(a.keywords or []),  # type: ignore[attr-defined]
            "trl": a.trl,
            "maturity": a.maturity,
            "transfer_modes": a.transfer_modes,
            "price_wan": a.price_wan,
            "price_negotiable": a.price_negotiable,
            "application_fields": a.application_fields,
            "dual_use": a.dual_use,
            "visibility": a.visibility,
        }


class IPForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=50, required=False)
    ip_type = forms.ChoiceField(label=_("Type"), choices=IPType.choices)
    legal_status = forms.ChoiceField(label=_("Legal status"), choices=LegalStatus.choices)
    filing_date = forms.DateField(
        label=_("Filing date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    grant_date = forms.DateField(
        label=_("Grant date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expiry_date = forms.DateField(
        label=_("Expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("ip_type"):
            return data
        problems = ip_record_problems(
            ip_type=data["ip_type"],
            legal_status=data.get("legal_status") or LegalStatus.PENDING,
            filing_date=data.get("filing_date"),
            grant_date=data.get("grant_date"),
            expiry_date=data.get("expiry_date"),
            today=timezone.localdate(),
        )
        for name, messages in problems.items():
            for message in messages:
                self.add_error(name, message)
        return data


IPFormSet = forms.formset_factory(
    IPForm, extra=1, can_delete=True, max_num=MAX_IP_RECORDS, validate_max=True
)


def ip_records_from(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_changed()
    ]


def ip_initial(a: Achievement) -> list[dict[str, Any]]:
    return [
        {
            "number": r.number,
            "ip_type": r.ip_type,
            "legal_status": r.legal_status,
            "filing_date": r.filing_date,
            "grant_date": r.grant_date,
            "expiry_date": r.expiry_date,
        }
        for r in a.ip_records.all()
    ]


YES_NO = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]


class AchievementFilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)
    industry = IndustryChoiceField(label=_("Industry"), required=False, max_level=2)
    discipline = DisciplineChoiceField(label=_("Discipline"), required=False, max_level=1)
    region = RegionChoiceField(label=_("Region"), required=False, min_level=1, max_level=2)
    trl_min = forms.TypedChoiceField(
        label=_("TRL from"), required=False, coerce=int, empty_value=None, choices=trl_choices
    )
    trl_max = forms.TypedChoiceField(
        label=_("TRL to"), required=False, coerce=int, empty_value=None, choices=trl_choices
    )
    maturity = forms.ChoiceField(
        label=_("Maturity"), required=False, choices=[("", _("All")), *Maturity.choices]
    )
    transfer_mode = forms.ChoiceField(
        label=_("Transfer mode"), required=False, choices=[("", _("All")), *TransferMode.choices]
    )
    price_min = forms.DecimalField(
        label=_("Price from (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    price_max = forms.DecimalField(
        label=_("Price to (10,000 yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    negotiable = forms.ChoiceField(label=_("Price negotiable"), required=False, choices=YES_NO)
    dual_use = forms.ChoiceField(label=_("Dual use"), required=False, choices=YES_NO)
    published_since = forms.DateField(
        label=_("Published since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Published")), *ListingStatus.choices]
    )

    def __init__(self, *args: Any, show_status: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_status:
            del self.fields["status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("trl_min"), data.get("trl_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("trl_max", _("Must not be below the minimum."))
        lo, hi = data.get("price_min"), data.get("price_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("price_max", _("Must not be below the minimum."))
        return data

    def to_filters(self) -> AchievementFilters:
        d = self.cleaned_data

        def yes_no(name: str) -> bool | None:
            return {"1": True, "0": False}.get(d.get(name) or "")

        return AchievementFilters(
            q=d.get("q") or "",
            industry=d.get("industry") or "",
            discipline=d.get("discipline") or "",
            region=d.get("region") or "",
            trl_min=d.get("trl_min"),
            trl_max=d.get("trl_max"),
            maturity=d.get("maturity") or "",
            transfer_mode=d.get("transfer_mode") or "",
            price_min=d.get("price_min"),
            price_max=d.get("price_max"),
            negotiable=yes_no("negotiable"),
            dual_use=yes_no("dual_use"),
            published_since=d.get("published_since"),
            status=d.get("status") or "",
        )


class ActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
