"""Forms of the facilities pages: directory filters, the platform, zone and cluster editors, a
booking request and the booking moves. Region and industry codes are picked (CodePicker / the
cascading region picker), never typed blind; the services validate everything again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.facilities.booking_stages import BUTTONS
from jieli.facilities.models import Cluster, PilotPlatform, Zone
from jieli.regions.forms import CodePickerInput, RegionChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)
    region = forms.CharField(
        label=_("Region"), max_length=12, required=False, widget=CodePickerInput("region")
    )
    industry = forms.CharField(
        label=_("Industry"), max_length=16, required=False, widget=CodePickerInput("industry")
    )


def _codes(value: str) -> list[str]:
    return [c for c in value.replace("，", ",").replace(" ", ",").split(",") if c]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class _RecordForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    region = RegionChoiceField(label=_("Region"), min_level=1)
    industries = forms.CharField(
        label=_("Industries"),
        max_length=400,
        required=False,
        help_text=_("GB/T 4754-2017 industries: type a name or a code and pick from the list."),
        widget=CodePickerInput("industry", multiple=True),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["industries"] = _codes(data.get("industries") or "")
        return data

    @staticmethod
    def _initial(record: Any) -> dict[str, Any]:
        return {
            "name": record.name,
            "name_en": record.name_en,
            "region": record.region_id,
            "industries": ", ".join(record.industries.values_list("code", flat=True)),
            "description": record.description,
        }


class _ContactForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254, required=False)


class PlatformForm(_RecordForm, _ContactForm):
    operator = forms.TypedChoiceField(label=_("Operator"), coerce=int)
    capabilities = forms.CharField(label=_("Capabilities"), max_length=5000, widget=forms.Textarea)
    equipment = forms.CharField(
        label=_("Equipment"), max_length=5000, required=False, widget=forms.Textarea
    )
    qualifications = forms.CharField(
        label=_("Qualifications"), max_length=3000, required=False, widget=forms.Textarea
    )
    capacity_unit = forms.CharField(
        label=_("Capacity unit"), max_length=60, help_text=_("e.g. reactor-days, line-hours")
    )
    capacity_unit_en = forms.CharField(
        label=_("Capacity unit (English)"), max_length=60, required=False
    )
    capacity_per_day = forms.IntegerField(
        label=_("Capacity per day"), min_value=1, max_value=1_000_000
    )
    offerings = forms.CharField(
        label=_("Services and indicative prices"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One service a line: name | price in 10,000 yuan | price basis, "
            "e.g. “工艺放大 | 12.5 | 每批”."
        ),
    )
    windows = forms.CharField(
        label=_("Availability calendar"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One window a line: first day and last day, e.g. “2027-01-04 2027-03-31”."),
    )

    field_order = [
        "operator",
        "name",
        "name_en",
        "region",
        "industries",
        "description",
        "capabilities",
        "equipment",
        "qualifications",
        "capacity_unit",
        "capacity_unit_en",
        "capacity_per_day",
        "offerings",
        "windows",
    ]

    def __init__(self, *args: Any, operators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = operators  # type: ignore[attr-defined]

    def clean_offerings(self) -> list[dict[str, Any]]:
        out = []
        for line in _lines(self.cleaned_data.get("offerings") or ""):
            parts = [p.strip() for p in line.split("|")]
            if len(parts) > 3 or not parts[0]:
                raise forms.ValidationError(
                    _("“{line}”: write name | price | basis.").format(line=line)
                )
            price: Decimal | None = None
            if len(parts) > 1 and parts[1]:
                try:
                    price = Decimal(parts[1])
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("“{line}”: the price is not a number.").format(line=line)
                    ) from None
            out.append(
                {
                    "name": parts[0],
                    "price_wan": str(price) if price is not None else None,
                    "price_basis": parts[2] if len(parts) > 2 else "",
                }
            )
        return out

    def clean_windows(self) -> list[dict[str, str]]:
        out = []
        for line in _lines(self.cleaned_data.get("windows") or ""):
            parts = line.replace("–", " ").replace("~", " ").split()
            try:
                start, end = (date.fromisoformat(p) for p in parts[:2])
            except ValueError:
                raise forms.ValidationError(
                    _("“{line}”: write two dates YYYY-MM-DD.").format(line=line)
                ) from None
            out.append(
                {
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "note": " ".join(parts[2:])[:200],
                }
            )
        return out

    @classmethod
    def initial_from(cls, p: PilotPlatform) -> dict[str, Any]:
        return {
            **cls._initial(p),
            "operator": p.operator_id,  # type: ignore[attr-defined]
            "capabilities": p.capabilities,
            "equipment": p.equipment,
            "qualifications": p.qualifications,
            "capacity_unit": p.capacity_unit,
            "capacity_unit_en": p.capacity_unit_en,
            "capacity_per_day": p.capacity_per_day,
            "contact_name": p.contact_name,
            "contact_phone": p.contact_phone,
            "contact_email": p.contact_email,
            "offerings": "\n".join(
                " | ".join(
                    [
                        s.name,
                        f"{s.price_wan.normalize():f}" if s.price_wan is not None else "",
                        s.price_basis,
                    ]
                )
                for s in p.services.all()  # type: ignore[attr-defined]
            ),
            "windows": "\n".join(
                f"{w.start_date} {w.end_date} {w.note}".strip()
                for w in p.windows.all()  # type: ignore[attr-defined]
            ),
        }


class ZoneForm(_RecordForm, _ContactForm):
    agreement_date = forms.DateField(label=_("Agreement date"), required=False, widget=DATE)
    parties = forms.TypedMultipleChoiceField(
        label=_("Parties (member organisations)"), coerce=int, required=False
    )
    party_names = forms.CharField(
        label=_("Other parties"),
        max_length=2000,
        required=False,
        help_text=_("Separate names with commas, e.g. a city government or a high-tech zone."),
    )
    policies = forms.CharField(
        label=_("Policies"), max_length=5000, required=False, widget=forms.Textarea
    )
    incentives = forms.CharField(
        label=_("Incentives"), max_length=5000, required=False, widget=forms.Textarea
    )
    space_m2 = forms.IntegerField(
        label=_("Space (m²)"), min_value=0, max_value=2_000_000_000, required=False
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = organisations  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, z: Zone) -> dict[str, Any]:
        return {
            **cls._initial(z),
            "agreement_date": z.agreement_date,
            "parties": list(z.parties.values_list("pk", flat=True)),
            "party_names": ", ".join(z.party_names or []),
            "policies": z.policies,
            "incentives": z.incentives,
            "space_m2": z.space_m2,
            "contact_name": z.contact_name,
            "contact_phone": z.contact_phone,
            "contact_email": z.contact_email,
        }


class ClusterForm(_RecordForm):
    leading_enterprises = forms.TypedMultipleChoiceField(
        label=_("Leading enterprises (member organisations)"), coerce=int, required=False
    )
    leading_enterprise_names = forms.CharField(
        label=_("Other leading enterprises"),
        max_length=2000,
        required=False,
        help_text=_("Separate names with commas."),
    )
    output_value_wan = forms.DecimalField(
        label=_("Output value (10,000 yuan)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        required=False,
    )
    enterprise_count = forms.IntegerField(
        label=_("Number of enterprises"), min_value=0, max_value=2_000_000_000, required=False
    )
    employee_count = forms.IntegerField(
        label=_("Employees"), min_value=0, max_value=2_000_000_000, required=False
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leading_enterprises"].choices = organisations  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, c: Cluster) -> dict[str, Any]:
        return {
            **cls._initial(c),
            "leading_enterprises": list(c.leading_enterprises.values_list("pk", flat=True)),
            "leading_enterprise_names": ", ".join(c.leading_enterprise_names or []),
            "output_value_wan": c.output_value_wan,
            "enterprise_count": c.enterprise_count,
            "employee_count": c.employee_count,
        }


class BookingForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Booking for"), coerce=int)
    units = forms.IntegerField(label=_("Units per day"), min_value=1, max_value=1_000_000)
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("Until"), widget=DATE)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you want to test or scale up, and what you will bring."),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in BUTTONS])
    reason = forms.CharField(
        label=_("Reason or note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proposed_start = forms.DateField(label=_("Proposed from"), required=False, widget=DATE)
    proposed_end = forms.DateField(label=_("Proposed until"), required=False, widget=DATE)


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", "publish"), ("unpublish", "unpublish"), ("hide", "hide")]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
