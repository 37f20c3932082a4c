"""Exhibitions and matchmaking fairs (成果对接会): the event, its sessions, registrations,
meeting requests, the scheduled meetings and the scheduler's runs.

Design notes:

* An event is organised by the secretariat (``organiser`` empty) or by a member organisation.
  Its status life cycle is the data table in ``stages.py``.
* A registration is one person (``user``) for an organisation; it names what it offers (its
  organisation's published achievements) and seeks (its demands) and the sessions it attends
  (availability is per session).
* A meeting request is between two confirmed registrations of different organisations; an
  accepted request becomes a ``Meeting`` that the scheduler places into a slot and table.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class EventKind(models.TextChoices):
    EXHIBITION = "exhibition", _("Exhibition")
    FAIR = "fair", _("Matchmaking fair")
    ROADSHOW = "roadshow", _("Roadshow")
    ONLINE = "online", _("Online fair")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open to participants")
    CLOSED = "closed", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Event(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    co_hosts = models.CharField(_("hosts and co-hosts"), max_length=500, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    themes = models.JSONField(_("themes (industry codes)"), default=list, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=20)
    break_minutes = models.PositiveSmallIntegerField(
        _("break between meetings (minutes)"), default=5
    )
    tables = models.PositiveSmallIntegerField(_("tables"), default=10)
    capacity = models.PositiveIntegerField(_("capacity (participants)"), default=100)
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    booking_opens = models.DateTimeField(_("meeting booking opens"))
    booking_closes = models.DateTimeField(_("meeting booking closes"))
    max_requests = models.PositiveSmallIntegerField(_("requests per participant"), default=20)
    max_per_session = models.PositiveSmallIntegerField(
        _("meetings per participant and session (0: no cap)"), default=0
    )
    request_expiry_hours = models.PositiveSmallIntegerField(
        _("pending requests expire after (hours)"), default=72
    )
    is_public = models.BooleanField(_("public page"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("events:detail", args=[self.pk])


class Session(BaseModel):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting validation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("Waiting list")
    REJECTED = "rejected", _("Not admitted")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(BaseModel):
    class Role(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        EXHIBITOR = "exhibitor", _("Exhibitor")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VISITOR)
    booth = models.CharField(_("booth"), max_length=40, blank=True)
    offers = models.ManyToManyField(
        "achievements.Achievement", blank=True, related_name="+", verbose_name=_("offers")
    )
    needs = models.ManyToManyField(
        "demands.Demand", blank=True, related_name="+", verbose_name=_("needs")
    )
    sessions = models.ManyToManyField(Session, related_name="+", verbose_name=_("availability"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    checkin_token = models.CharField(_("check-in code"), max_length=32, unique=True, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="event_registration_once")
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self.checkin_token:
            self.checkin_token = secrets.token_hex(16)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.organisation})"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class MeetingRequest(BaseModel):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="requests", verbose_name=_("event")
    )
    sender = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="sent", verbose_name=_("from")
    )
    recipient = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="received", verbose_name=_("to")
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    score = models.FloatField(_("match score"), default=0.5)
    reasons = models.JSONField(_("match reasons"), default=list, blank=True)
    sender_priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    recipient_priority = models.PositiveSmallIntegerField(_("priority"), default=2)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"], name="event_request_once_per_pair"
            )
        ]


class Outcome(models.TextChoices):
    NONE = "", _("Not recorded")
    NO_INTEREST = "no_interest", _("No interest")
    FOLLOW_UP = "follow_up", _("Follow-up")
    INTENTION = "intention", _("Intention signed")
    CONTRACT = "contract", _("Contract")


class Meeting(BaseModel):
    class Status(models.TextChoices):
        UNSCHEDULED = "unscheduled", _("Not yet scheduled")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("event")
    )
    request = models.OneToOneField(
        MeetingRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("meeting request"),
    )
    a = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="+", verbose_name=_("requester")
    )
    b = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested")
    )
    weight = models.FloatField(_("weight"), default=0.5)
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("session")
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    announced = models.BooleanField(_("announced"), default=False)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNSCHEDULED
    )
    outcome_a = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    outcome_b = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    project_url = models.CharField(_("project"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "table", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")


class ScheduleRun(BaseModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="runs", verbose_name=_("event")
    )
    method = models.CharField(_("method"), max_length=10, default="solver")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    time_limit = models.PositiveSmallIntegerField(_("time limit (seconds)"), default=30)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    unplaced = models.PositiveIntegerField(_("not placed"), default=0)
    objective = models.BigIntegerField(_("total weight"), default=0)
    bound = models.BigIntegerField(_("proven bound"), default=0)
    greedy_placed = models.PositiveIntegerField(_("placed first-come"), default=0)
    greedy_objective = models.BigIntegerField(_("total weight first-come"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    @property
    def gap_percent(self) -> float:
        if self.bound <= 0:
            return 0.0
        return round(100 * max(0, self.bound - self.objective) / self.bound, 2)
