"""Technology achievements (科技成果) offered for transfer, and their intellectual property.

Design notes:

* ``keywords`` and ``transfer_modes`` are JSON lists of strings. They are short, always read
  with their achievement, and filtered with a text match on the stored JSON (works on SQLite and
  PostgreSQL alike), so a join table would buy nothing. The services normalise and validate them
  (transfer modes against ``TransferMode``); the JSON is stored without ASCII escaping so Chinese
  keywords can be searched.
* Price: either ``price_wan`` (万元, ≥ 0) or ``price_negotiable`` (面议), exactly one — a database
  check constraint guarantees it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jieli.core.listing import ListingModel
from jieli.core.models import BaseModel

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40
MAX_IP_RECORDS = 50


class UnicodeJSONEncoder(json.JSONEncoder):
    """Keep Chinese text readable in the stored JSON, so ``icontains`` finds it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class TRLLevel:
    level: int
    name_zh: str  # shown as is, whatever the interface language
    name_en: str | Promise  # source string, translated with the interface


TRL_LEVELS: tuple[TRLLevel, ...] = (
    TRLLevel(1, "基本原理被发现和报道", _("Basic principles observed and reported")),
    TRLLevel(2, "形成技术概念和应用设想", _("Technology concept formulated")),
    TRLLevel(3, "关键功能和特性通过实验验证", _("Experimental proof of concept")),
    TRLLevel(4, "实验室环境中部件验证", _("Technology validated in the laboratory")),
    TRLLevel(5, "相关环境中部件验证", _("Technology validated in a relevant environment")),
    TRLLevel(6, "相关环境中系统原型演示", _("Prototype demonstrated in a relevant environment")),
    TRLLevel(
        7, "实际环境中系统原型演示", _("Prototype demonstrated in an operational environment")
    ),
    TRLLevel(8, "实际系统完成并通过试验验证", _("Actual system completed and qualified")),
    TRLLevel(9, "实际系统通过成功运行验证", _("Actual system proven in operational environment")),
)
TRL_BY_LEVEL: dict[int, TRLLevel] = {t.level: t for t in TRL_LEVELS}
TRL_CHOICES = [(t.level, t.name_en) for t in TRL_LEVELS]


class Maturity(models.TextChoices):
    RESEARCH = "research", _("Research (研发)")
    LAB = "lab", _("Lab-scale trial (小试)")
    PILOT = "pilot", _("Pilot test (中试)")
    MASS = "mass", _("Mass production (量产)")


class TransferMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment (转让)")
    LICENCE = "licence", _("Licence (许可)")
    EQUITY = "equity", _("Equity investment (作价投资)")
    JOINT = "joint", _("Joint development (合作开发)")
    SERVICE = "service", _("Technical service (技术服务)")
    OTHER = "other", _("Other (其他)")


class IPType(models.TextChoices):
    INVENTION = "invention", _("Invention patent (发明专利)")
    UTILITY = "utility", _("Utility model (实用新型)")
    DESIGN = "design", _("Design (外观设计)")
    SOFTWARE = "software", _("Software copyright (软件著作权)")
    PLANT = "plant", _("Plant variety (植物新品种)")
    SECRET = "secret", _("Trade secret (技术秘密)")


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("Pending (申请中)")
    IN_FORCE = "in_force", _("Granted, in force (有效)")
    LAPSED = "lapsed", _("Lapsed (失效)")
    TRANSFERRED = "transferred", _("Transferred (转让)")


class Achievement(ListingModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("public summary"), max_length=2000, blank=True)
    detail = models.TextField(_("detail (members only)"), max_length=20000, blank=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="achievements",
        verbose_name=_("owner organisation"),
    )
    team = models.TextField(_("team members"), max_length=1000, blank=True)
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry (GB/T 4754)"),
    )
    discipline = models.ForeignKey(
        "regions.Discipline",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("discipline"),
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True, encoder=UnicodeJSONEncoder)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        null=True,
        blank=True,
        choices=TRL_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    maturity = models.CharField(_("maturity"), max_length=10, choices=Maturity.choices, blank=True)
    transfer_modes = models.JSONField(
        _("transfer modes"), default=list, blank=True, encoder=UnicodeJSONEncoder
    )
    price_wan = models.DecimalField(
        _("price (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_negotiable = models.BooleanField(_("price negotiable"), default=False)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    application_fields = models.TextField(_("fields of application"), max_length=1000, blank=True)
    dual_use = models.BooleanField(_("dual use (military and civil)"), default=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        indexes = [
            # The public list: walked in its order (no sort of every visible row) and counted
            # from the index alone; members' two visibilities walk the second one. Measured
            # on the demo (4,195 rows): the first page 15 ms -> 0.14 ms, its count 8 -> 0.2-1.3
            # ms (bench/load/profile_pages.py; a sort of every row would grow with the table).
            models.Index(
                fields=["status", "visibility", "published_at", "id", "confirmed_at", "dual_use"],
                name="achievement_list_idx",
            ),
            models.Index(fields=["status", "published_at", "id"], name="achievement_recent_idx"),
            models.Index(fields=["owner", "status"], name="achievement_owner_status_idx"),
            models.Index(fields=["trl"], name="achievement_trl_idx"),
            models.Index(fields=["maturity"], name="achievement_maturity_idx"),
            models.Index(fields=["price_wan"], name="achievement_price_idx"),
            models.Index(fields=["status", "submitted_at"], name="achievement_queue_idx"),
            # The search index's catch-up reads the rows changed since its last look.
            models.Index(fields=["updated_at"], name="achievement_updated_idx"),
            # The unique constraint is partial (external ID given), which SQLite cannot use for
            # "source = ? AND external_id = ?": imports look records up by it on every batch.
            models.Index(fields=["source", "external_id"], name="achievement_source_extid_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="achievement_source_external_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9),
                name="achievement_trl_range",
            ),
            models.CheckConstraint(
                condition=Q(price_wan__isnull=True) | Q(price_wan__gte=0),
                name="achievement_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(price_negotiable=True, price_wan__isnull=True)
                | Q(price_negotiable=False, price_wan__isnull=False),
                name="achievement_price_xor_negotiable",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def trl_level(self) -> TRLLevel | None:
        return TRL_BY_LEVEL.get(self.trl) if self.trl else None

    def transfer_mode_labels(self) -> list[str]:
        labels = dict(TransferMode.choices)
        return [str(labels.get(m, m)) for m in self.transfer_modes or []]


ip_number_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9./\-]*$",
    _("Use letters, digits, “.”, “-” and “/” only, e.g. ZL202110123456.7."),
    code="invalid_ip_number",
)


def ip_record_problems(
    *,
    ip_type: str,
    legal_status: str,
    filing_date: date | None,
    grant_date: date | None,
    expiry_date: date | None,
    today: date,
) -> dict[str, list[str]]:
    """Field -> messages for an IP record whose dates contradict its legal status.

    The one place these rules live: the model's ``clean`` (and so the services and the API) and
    the page form both ask it.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str | Promise) -> None:
        problems.setdefault(field, []).append(str(message))

    if filing_date and grant_date and grant_date < filing_date:
        add("grant_date", _("The grant date cannot be before the filing date."))
    if filing_date and expiry_date and expiry_date < filing_date:
        add("expiry_date", _("The expiry date cannot be before the filing date."))
    if filing_date and filing_date > today:
        add("filing_date", _("The filing date cannot be in the future."))
    if grant_date and grant_date > today:
        add("grant_date", _("The grant date cannot be in the future."))
    if ip_type == IPType.SECRET:
        if filing_date or grant_date:
            add("ip_type", _("A trade secret has no filing or grant date."))
        return problems
    if legal_status == LegalStatus.PENDING and grant_date:
        add(
            "grant_date",
            _(
                "A pending application has not been granted: remove the grant date or "
                "change the status."
            ),
        )
    if legal_status == LegalStatus.IN_FORCE and expiry_date and expiry_date < today:
        add(
            "expiry_date",
            _("A right in force cannot have expired: correct the expiry date or mark it lapsed."),
        )
    return problems


class IntellectualProperty(BaseModel):
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.CASCADE,
        related_name="ip_records",
        verbose_name=_("achievement"),
    )
    number = models.CharField(
        _("number"),
        max_length=50,
        blank=True,
        validators=[ip_number_validator],
        help_text=_("e.g. ZL202110123456.7; empty for a trade secret"),
    )
    ip_type = models.CharField(_("type"), max_length=12, choices=IPType.choices)
    legal_status = models.CharField(
        _("legal status"), max_length=12, choices=LegalStatus.choices, default=LegalStatus.PENDING
    )
    filing_date = models.DateField(_("filing date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("intellectual property")
        verbose_name_plural = _("intellectual property")
        indexes = [models.Index(fields=["number"], name="ip_number_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "number"],
                condition=~Q(number=""),
                name="ip_number_unique_per_achievement",
            ),
            models.CheckConstraint(
                condition=Q(grant_date__isnull=True)
                | Q(filing_date__isnull=True)
                | Q(grant_date__gte=F("filing_date")),
                name="ip_grant_after_filing",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(filing_date__isnull=True)
                | Q(expiry_date__gte=F("filing_date")),
                name="ip_expiry_after_filing",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(self.get_ip_type_display())

    def clean(self) -> None:
        # full_clean calls clean() even when a date field failed to parse; such a value is
        # already reported by clean_fields, so it is left out here.
        def as_date(value: object) -> date | None:
            return value if isinstance(value, date) else None

        problems = ip_record_problems(
            ip_type=self.ip_type,
            legal_status=self.legal_status,
            filing_date=as_date(self.filing_date),
            grant_date=as_date(self.grant_date),
            expiry_date=as_date(self.expiry_date),
            today=timezone.localdate(),
        )
        if problems:
            raise ValidationError(problems)
