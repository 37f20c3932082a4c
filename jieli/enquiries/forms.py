from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jieli.enquiries.models import Purpose
from jieli.enquiries.services import MAX_MESSAGE, MAX_REASON
from jieli.enquiries.stages import BUTTONS


class ChoicesForm(forms.Form):
    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class EnquiryForm(ChoicesForm):
    purpose = forms.ChoiceField(label=_("What you want"), choices=Purpose.choices)
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who you are, what you need and what you can offer."),
    )
    link = forms.ChoiceField(
        label=_("Link one of your demands or achievements (optional)"), required=False
    )
    sender_organisation = forms.TypedChoiceField(
        label=_("On behalf of"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        links: list[tuple[str, str]],
        organisations: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._choices("link", [("", "—"), *links])
        self._choices("sender_organisation", [("", _("Myself")), *organisations])

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind, _sep, pk = (d.get("link") or "").partition(":")
        return {
            "purpose": d["purpose"],
            "message": d["message"],
            "link_kind": kind,
            "link_id": int(pk) if pk.isdigit() else None,
            "sender_organisation": d.get("sender_organisation"),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attachments (PDF, images, Office documents, text; at most 5)"), required=False
    )


class MoveForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in BUTTONS])
    reason = forms.CharField(
        label=_("Reason (required when declining)"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this thread?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BrokerForm(ChoicesForm):
    broker = forms.TypedChoiceField(label=_("Broker"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, brokers: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choices("broker", [("", _("No broker")), *brokers])


class IntroductionForm(ChoicesForm):
    party_a = forms.TypedChoiceField(label=_("Party A (the organisation to introduce)"), coerce=int)
    link = forms.ChoiceField(label=_("Party A's demand or achievement (optional)"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    note = forms.CharField(
        label=_("Why these two should talk"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        links: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._choices("party_a", organisations)
        self._choices("link", [("", "—"), *links])

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind, _sep, pk = (d.get("link") or "").partition(":")
        return {
            "party_a": d["party_a"],
            "purpose": d["purpose"],
            "note": d["note"],
            "link_kind": kind,
            "link_id": int(pk) if pk.isdigit() else None,
        }


class BrokerRegisterForm(ChoicesForm):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choices("user", people)
