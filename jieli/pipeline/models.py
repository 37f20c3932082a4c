"""Turnkey projects (交钥匙工程): the relay from a demand to a delivered, industrialised result.

A project ties achievements, the taking enterprise, the service agency running it and the
research institute; its plan is seven stages (``StageKey``), each owned by an organisation (never
none: a database constraint) and, ideally, a person. Moving on is an explicit hand-off: the
giver marks its stage ready with deliverables, the receiver (the next stage's owner) accepts or
refuses with a reason. The moves are a data table in ``stages.py``; every move is made under a
row lock and written to the history with its before/after values.

Amounts are stored in 万元 (``core.money``), as listings store them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel
from jieli.pipeline.registration import validate_registration_number

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class StageKey(models.TextChoices):
    NEEDS = "needs", _("Needs analysis")
    SELECTION = "selection", _("Achievement selection")
    MATURATION = "maturation", _("Secondary development and maturation")
    INTEGRATION = "integration", _("Technology integration")
    PILOT = "pilot", _("Pilot test or market pilot test")
    INDUSTRIALISATION = "industrialisation", _("Industrialisation")
    ACCEPTANCE = "acceptance", _("Delivery and acceptance")


STAGE_ORDER: tuple[str, ...] = tuple(StageKey.values)


class StageStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("In progress")
    READY = "ready", _("Handed over, awaiting the receiver")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class ProjectStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Origin(models.TextChoices):
    ENQUIRY = "enquiry", _("An enquiry with a signed intention")
    MATCH = "match", _("A demand's match")
    ACHIEVEMENT = "achievement", _("An achievement")
    MEETING = "meeting", _("A meeting at a fair")


class Project(BaseModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    origin = models.CharField(_("opened from"), max_length=12, choices=Origin.choices)
    origin_id = models.PositiveBigIntegerField(_("origin record"), null=True, blank=True)
    achievements = models.ManyToManyField(
        "achievements.Achievement", blank=True, related_name="+", verbose_name=_("achievements")
    )
    demand = models.ForeignKey(
        "demands.Demand",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demand"),
    )
    enterprise = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taking enterprise"),
    )
    agency = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service agency"),
    )
    institute = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("research institute"),
    )
    booking = models.ForeignKey(
        "facilities.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pilot-test platform booking"),
    )
    zone = models.ForeignKey(
        "facilities.Zone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undertaking zone"),
    )
    budget = models.DecimalField(_("budget"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ProjectStatus.choices,
        default=ProjectStatus.OPEN,
        db_index=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("delivery accepted at"), null=True, blank=True)
    # The one-year follow-up of the outcomes: asked once, by the reminder job.
    followup_asked_at = models.DateTimeField(
        _("one-year outcome follow-up asked at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("turnkey project")
        verbose_name_plural = _("turnkey projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pipeline:board", args=[self.pk])


class FundingKind(models.TextChoices):
    GOVERNMENT = "government", _("Government grant")
    ENTERPRISE = "enterprise", _("Enterprise's own funds")
    ALLIANCE = "alliance", _("Alliance fund")
    LOAN = "loan", _("Bank loan")
    INVESTMENT = "investment", _("Equity investment")
    OTHER = "other", _("Other")


class FundingSource(BaseModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funding", verbose_name=_("project")
    )
    kind = models.CharField(_("kind of funding"), max_length=12, choices=FundingKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)  # type: ignore[arg-type]
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")


class ProjectStage(BaseModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("project")
    )
    key = models.CharField(_("stage"), max_length=20, choices=StageKey.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(
        _("status"), max_length=8, choices=StageStatus.choices, default=StageStatus.PLANNED
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    acceptance_criteria = models.TextField(_("acceptance criteria"), max_length=3000, blank=True)
    handoff_days = models.PositiveSmallIntegerField(
        _("days the receiver has to answer a hand-off"), default=5
    )
    skip_reason = models.TextField(_("reason for skipping"), max_length=2000, blank=True)
    refuse_reason = models.TextField(_("reason for refusing"), max_length=2000, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ready_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("hand-off answer due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The stage that takes the baton next (the first planned one after the current stage).
    is_next = models.BooleanField(_("next to take the baton"), default=False)
    next_since = models.DateTimeField(_("next since"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "position"]
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="pipeline_stage_unique")
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="pipeline_stage_due_idx")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_key_display()}"


class Deliverable(BaseModel):
    stage = models.ForeignKey(
        ProjectStage,
        on_delete=models.CASCADE,
        related_name="deliverables",
        verbose_name=_("stage"),
    )
    file = models.FileField(_("file"), upload_to="pipeline/%Y/%m/", max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")


class ContractKind(models.TextChoices):
    DEVELOPMENT = "development", _("Technology development")
    TRANSFER = "transfer", _("Technology transfer")
    LICENCE = "licence", _("Technology licence")
    CONSULTING = "consulting", _("Technology consulting")
    SERVICE = "service", _("Technology service")


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    # Recorded by mistake (a contract is never deleted): kept with its reason, out of totals.
    VOID = "void", _("Void")


class Contract(BaseModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("project")
    )
    kind = models.CharField(_("kind of contract"), max_length=12, choices=ContractKind.choices)
    title = models.CharField(_("title"), max_length=200)
    party_a = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party A"),
    )
    party_b = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party B"),
    )
    amount = models.DecimalField(_("contract amount"), **MONEY)  # type: ignore[arg-type]
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    registration_number = models.CharField(
        _("technology contract registration number"),
        max_length=14,
        blank=True,
        validators=[validate_registration_number],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    void_reason = models.TextField(_("reason for voiding"), max_length=2000, blank=True)

    class Meta:
        ordering = ["signed_on", "id"]
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")

    def __str__(self) -> str:
        return self.title


class Milestone(BaseModel):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("contract")
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount due"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")


class Payment(BaseModel):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="payments", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount received"), **MONEY)  # type: ignore[arg-type]
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")


class OutcomeMoment(models.TextChoices):
    ACCEPTANCE = "acceptance", _("At acceptance")
    ONE_YEAR = "one_year", _("One year later")


class Outcome(BaseModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("project")
    )
    moment = models.CharField(_("recorded"), max_length=10, choices=OutcomeMoment.choices)
    new_product = models.CharField(_("new product"), max_length=200, blank=True)
    revenue = models.DecimalField(_("new revenue"), null=True, blank=True, **MONEY)  # type: ignore[arg-type]
    jobs = models.PositiveIntegerField(_("new jobs"), null=True, blank=True)
    new_company = models.CharField(_("new company"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["project", "moment"], name="pipeline_outcome_unique")
        ]
