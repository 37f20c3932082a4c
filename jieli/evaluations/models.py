"""Market evaluation (应用技术市场评价) of achievements: requests, expert panels, index scoring,
valuation, market survey and issued reports.

Design notes:

* An evaluation moves through the stages of ``stages.py`` under a row lock; every change is
  written to the history with its before/after values.
* An index system is a versioned JSON tree (``indexes.py``); an evaluation keeps the version it
  was scored against, and editing a system that is in use makes a new version.
* An issued report is a frozen snapshot (``EvaluationReport.snapshot``) that is never changed;
  re-evaluating the achievement issues a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.achievements.models import UnicodeJSONEncoder
from jieli.core.models import BaseModel


class Purpose(models.TextChoices):
    LICENSING = "licensing", _("Licensing or transfer pricing")
    INVESTMENT = "investment", _("Investment")
    PLEDGE = "pledge", _("Pledge financing")
    PORTFOLIO = "portfolio", _("Portfolio review")


class Route(models.TextChoices):
    OWNER = "owner", _("Requested by the owner")
    MEMBER = "member", _("Requested by an interested member")
    SECRETARIAT = "secretariat", _("Commissioned by the secretariat")


class Confidentiality(models.TextChoices):
    OWNER = "owner", _("Owner only")
    MEMBERS = "members", _("Alliance members")
    PUBLIC = "public", _("Public")


class Stage(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting the owner's consent")
    STAFFING = "staffing", _("Staffing the panel")
    SCORING = "scoring", _("Scoring")
    VALUING = "valuing", _("Valuation and report")
    ISSUED = "issued", _("Report issued")
    DECLINED = "declined", _("Declined by the owner")
    CANCELLED = "cancelled", _("Cancelled")


class Method(models.TextChoices):
    INCOME = "income", _("Income approach")
    COST = "cost", _("Cost approach")
    MARKET = "market", _("Market approach")


class SeatStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class IndexSystem(BaseModel):
    """One version of an index tree (key + version unique)."""

    key = models.SlugField(_("key"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    tree = models.JSONField(_("index tree"), encoder=UnicodeJSONEncoder)
    weight_sets = models.JSONField(
        _("weights per purpose"), default=dict, blank=True, encoder=UnicodeJSONEncoder
    )
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("index system")
        verbose_name_plural = _("index systems")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="indexsystem_key_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.version}"


class Accreditation(BaseModel):
    """An evaluation agency accredited by the secretariat: its people may staff panels."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("evaluation agency"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("evaluation agency accreditation")
        verbose_name_plural = _("evaluation agency accreditations")

    def __str__(self) -> str:
        return str(self.organisation)


class Evaluation(BaseModel):
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("achievement"),
    )
    title = models.CharField(_("title"), max_length=200)
    route = models.CharField(_("requested as"), max_length=16, choices=Route.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requester_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requesting organisation"),
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    agency = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation agency"),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    deadline = models.DateField(_("deadline"))
    fee_wan = models.DecimalField(
        _("fee (10,000 yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_note = models.CharField(_("fee arrangement"), max_length=300, blank=True)
    confidentiality = models.CharField(
        _("report visible to"), max_length=10, choices=Confidentiality.choices
    )
    index_system = models.ForeignKey(
        IndexSystem,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("index system"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    decline_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    reconsider_asked = models.BooleanField(_("outliers asked to reconsider"), default=False)
    scoring_closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)
    mc_seed = models.PositiveBigIntegerField(_("Monte Carlo seed"), default=20240601)
    deadline_reminded_at = models.DateTimeField(
        _("deadline reminder sent at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("evaluations:detail", args=[self.pk])


class PanelSeat(BaseModel):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="seats", verbose_name=_("evaluation")
    )
    expert = models.ForeignKey(
        "experts.Expert", on_delete=models.PROTECT, related_name="+", verbose_name=_("expert")
    )
    status = models.CharField(_("status"), max_length=10, choices=SeatStatus.choices)
    is_chair = models.BooleanField(_("chair"), default=False)
    reasons = models.JSONField(
        _("why proposed"), default=list, blank=True, encoder=UnicodeJSONEncoder
    )
    conflict_override = models.TextField(_("conflict override reason"), max_length=2000, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("re-offered seat of"),
    )
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    asked_to_reconsider = models.BooleanField(_("asked to reconsider"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "expert"],
                condition=~Q(status="declined") & ~Q(status="withdrawn"),
                name="panelseat_one_open_seat_per_expert",
            ),
        ]

    def __str__(self) -> str:
        return str(self.expert)


class Score(BaseModel):
    seat = models.ForeignKey(
        PanelSeat, on_delete=models.CASCADE, related_name="scores", verbose_name=_("panel seat")
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    value = models.FloatField(_("score"))
    justification = models.TextField(_("justification"), max_length=2000)

    class Meta:
        ordering = ["id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["seat", "indicator"], name="score_one_per_indicator"),
        ]


class Valuation(BaseModel):
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="valuations",
        verbose_name=_("evaluation"),
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    inputs = models.JSONField(_("inputs"), encoder=UnicodeJSONEncoder)
    result = models.JSONField(_("result"), encoder=UnicodeJSONEncoder)

    class Meta:
        ordering = ["method"]
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "method"], name="valuation_one_per_method"
            ),
        ]


class MarketSurvey(BaseModel):
    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.CASCADE, related_name="survey", verbose_name=_("evaluation")
    )
    customers = models.TextField(_("target customers"), max_length=2000)
    market_size_wan = models.DecimalField(
        _("market size (10,000 yuan)"), max_digits=14, decimal_places=2
    )
    market_size_source = models.CharField(_("source of the market size"), max_length=300)
    market_size_year = models.PositiveSmallIntegerField(_("year of the market size"))
    competitors = models.TextField(_("competitors and substitutes"), max_length=2000)
    price_points = models.TextField(_("price points"), max_length=1000, blank=True)
    channels = models.TextField(_("channels"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("market survey")
        verbose_name_plural = _("market surveys")


class EvaluationReport(BaseModel):
    """An issued report: a frozen snapshot, never changed (a new version replaces it)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="reports", verbose_name=_("evaluation")
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("achievement"),
    )
    version = models.PositiveIntegerField(_("version"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    confidentiality = models.CharField(
        _("report visible to"), max_length=10, choices=Confidentiality.choices
    )
    snapshot = models.JSONField(_("report content"), encoder=UnicodeJSONEncoder)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "version"], name="evaluationreport_version"
            ),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("An issued evaluation report is immutable.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("evaluations:report", args=[self.pk])
