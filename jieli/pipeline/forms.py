"""Forms of the pipeline pages; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.enquiries.forms import ChoicesForm, MultipleFileField
from jieli.pipeline.models import ContractKind, FundingKind, OutcomeMoment, ProjectStatus, StageKey
from jieli.pipeline.services import MAX_REASON, MAX_TEXT, MAX_TITLE
from jieli.regions.forms import CodePickerInput

DATE = forms.DateInput(attrs={"type": "date"})
MONEY_HELP = _("In 10,000 yuan (万元).")


class OpenForm(ChoicesForm):
    title = forms.CharField(label=_("Project title"), max_length=MAX_TITLE)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    enterprise = forms.TypedChoiceField(
        label=_("Taking enterprise"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Blank: the demand's or the enquiry's enterprise."),
    )
    agency = forms.TypedChoiceField(
        label=_("Service agency running it"), coerce=int, empty_value=None
    )
    budget = forms.DecimalField(
        label=_("Budget"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=MONEY_HELP,
    )

    def __init__(
        self,
        *args: Any,
        enterprises: list[tuple[int, str]],
        agencies: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._choices("enterprise", [("", "—"), *enterprises])
        self._choices("agency", [("", "—"), *agencies])


class MoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (required to refuse or skip)"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Deliverables (PDF, images, Office documents, text; at most 5)"), required=False
    )


class StageForm(ChoicesForm):
    owner_organisation = forms.TypedChoiceField(label=_("Owner organisation"), coerce=int)
    owner_user = forms.TypedChoiceField(
        label=_("Owner person"), coerce=int, empty_value=None, required=False
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    handoff_days = forms.IntegerField(
        label=_("Days the receiver has to answer a hand-off"), min_value=1, max_value=90
    )
    acceptance_criteria = forms.CharField(
        label=_("Acceptance criteria"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        people: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._choices("owner_organisation", organisations)
        self._choices("owner_user", [("", "—"), *people])


class ContractForm(ChoicesForm):
    kind = forms.ChoiceField(label=_("Kind of contract"), choices=ContractKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    party_a = forms.TypedChoiceField(label=_("Party A"), coerce=int)
    party_b = forms.TypedChoiceField(label=_("Party B"), coerce=int)
    amount = forms.DecimalField(
        label=_("Contract amount"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=MONEY_HELP,
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    registration_number = forms.CharField(
        label=_("Technology contract registration number"),
        max_length=20,
        required=False,
        help_text=_("14 digits, e.g. 23370200000123 (blank until registered)."),
    )

    def __init__(self, *args: Any, parties: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choices("party_a", parties)
        self._choices("party_b", parties)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=MONEY_HELP,
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount due"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=MONEY_HELP,
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this contract void?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)


class FundingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of funding"), choices=FundingKind.choices)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=12, decimal_places=2, help_text=MONEY_HELP
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    moment = forms.ChoiceField(label=_("Recorded"), choices=OutcomeMoment.choices)
    new_product = forms.CharField(label=_("New product"), max_length=200, required=False)
    revenue = forms.DecimalField(
        label=_("New revenue"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=MONEY_HELP,
    )
    jobs = forms.IntegerField(
        label=_("New jobs"), required=False, min_value=0, max_value=10_000_000
    )
    new_company = forms.CharField(label=_("New company"), max_length=200, required=False)


class PortfolioFilterForm(forms.Form):
    """The portfolio's filters; invalid values are reported, never silently ignored."""

    region = forms.CharField(
        label=_("Region"), max_length=12, required=False, widget=CodePickerInput("region")
    )
    stage = forms.ChoiceField(
        label=_("Current stage"), required=False, choices=[("", _("All")), *StageKey.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ProjectStatus.choices]
    )
    zone = forms.TypedChoiceField(
        label=_("Undertaking zone"), required=False, coerce=int, empty_value=None
    )
    dropped = forms.BooleanField(label=_("Only with dropped batons"), required=False)

    def __init__(self, *args: Any, zones: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *zones]
        for name in ("stage", "status", "zone"):
            self.fields[name].widget.attrs["class"] = "ctl"

    def clean_region(self) -> str:
        value = (self.cleaned_data.get("region") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("Choose a region from the list."))
        return value


class FacilitiesForm(ChoicesForm):
    booking = forms.TypedChoiceField(
        label=_("Pilot-test platform booking"), required=False, coerce=int, empty_value=None
    )
    zone = forms.TypedChoiceField(
        label=_("Undertaking zone"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        bookings: list[tuple[int, str]],
        zones: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._choices("booking", [("", "—"), *bookings])
        self._choices("zone", [("", "—"), *zones])
