"""Forms for events: they parse; the services decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jieli.events.models import EventKind, Outcome, Registration
from jieli.regions.forms import IndustryChoiceField

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dt(**kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=DT, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs
    )


class EventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    organiser = forms.TypedChoiceField(
        label=_("Organiser"), coerce=int, required=False, empty_value=None
    )
    co_hosts = forms.CharField(label=_("Hosts and co-hosts"), max_length=500, required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    theme = IndustryChoiceField(label=_("Theme (industry)"), required=False, max_level=1)
    sessions = forms.CharField(
        label=_("Sessions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: name | start | end, e.g. "
            "“Morning | 2026-05-20 09:00 | 2026-05-20 12:00”."
        ),
    )
    meeting_minutes = forms.IntegerField(label=_("Meeting length (minutes)"), initial=20)
    break_minutes = forms.IntegerField(label=_("Break between meetings (minutes)"), initial=5)
    tables = forms.IntegerField(label=_("Tables"), initial=10)
    capacity = forms.IntegerField(label=_("Capacity (participants)"), initial=100)
    registration_opens = _dt(label=_("Registration opens"))
    registration_closes = _dt(label=_("Registration closes"))
    booking_opens = _dt(label=_("Meeting booking opens"))
    booking_closes = _dt(label=_("Meeting booking closes"))
    max_requests = forms.IntegerField(
        label=_("Requests per participant"), initial=20, min_value=1, max_value=500
    )
    max_per_session = forms.IntegerField(
        label=_("Meetings per participant and session (0: no cap)"),
        initial=0,
        min_value=0,
        max_value=100,
    )
    request_expiry_hours = forms.IntegerField(
        label=_("Pending requests expire after (hours)"), initial=72, min_value=1, max_value=2000
    )
    is_public = forms.BooleanField(label=_("Public page"), required=False, initial=True)

    def __init__(self, *args: Any, organisers: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = organisers  # type: ignore[attr-defined]

    def clean_sessions(self) -> list[tuple[str, datetime, datetime]]:
        out = []
        for n, line in enumerate(self.cleaned_data["sessions"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                name, start, end = parts
                a = timezone.make_aware(datetime.strptime(start, "%Y-%m-%d %H:%M"))
                b = timezone.make_aware(datetime.strptime(end, "%Y-%m-%d %H:%M"))
            except ValueError:
                raise forms.ValidationError(
                    _("Line {n}: write name | YYYY-MM-DD HH:MM | YYYY-MM-DD HH:MM.").format(n=n)
                ) from None
            out.append((name, a, b))
        return out

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        theme = d.pop("theme", "")
        d["themes"] = [theme] if theme else []
        d.pop("organiser", None)
        return d


class RegistrationForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    role = forms.ChoiceField(label=_("I come as"), choices=Registration.Role.choices)
    booth = forms.CharField(label=_("Booth (exhibitors)"), max_length=40, required=False)
    sessions = forms.TypedMultipleChoiceField(
        label=_("Sessions I attend"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    offers = forms.TypedMultipleChoiceField(
        label=_("What we offer (our published achievements)"), coerce=int, required=False
    )
    needs = forms.TypedMultipleChoiceField(
        label=_("What we seek (our published demands)"), coerce=int, required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: list,
        sessions: list,
        offers: list,
        needs: list,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.fields["sessions"].choices = sessions  # type: ignore[attr-defined]
        self.fields["offers"].choices = offers  # type: ignore[attr-defined]
        self.fields["needs"].choices = needs  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(label=_("Message"), max_length=1000, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        initial=2,
        choices=[(3, _("High")), (2, _("Normal")), (1, _("Low"))],
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (when declining)"), max_length=500, required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        initial=2,
        choices=[(3, _("High")), (2, _("Normal")), (1, _("Low"))],
    )


class ScheduleForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[
            ("solver", _("Optimal (CP-SAT solver)")),
            ("greedy", _("First come, first placed")),
        ],
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"), initial=30, min_value=5, max_value=300
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Outcome.choices if c[0]])


class CheckinForm(forms.Form):
    token = forms.CharField(label=_("Check-in code"), max_length=64)


class WalkInForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Participant"), coerce=int)
    b = forms.TypedChoiceField(label=_("Meets"), coerce=int)

    def __init__(self, *args: Any, participants: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = participants  # type: ignore[attr-defined]
        self.fields["b"].choices = participants  # type: ignore[attr-defined]
