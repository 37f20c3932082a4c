"""Technology demands (技术需求): a problem an organisation wants solved, and on what terms."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jieli.core.listing import ListingModel, ListingStatus
from jieli.core.validators import validate_phone


class CooperationMode(models.TextChoices):
    TRANSFER = "transfer", _("Technology transfer")
    LICENSING = "licensing", _("Technology licensing")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    COMMISSIONED_DEVELOPMENT = "commissioned_development", _("Commissioned development")
    CONSULTING = "consulting", _("Technical consulting")
    TECHNICAL_SERVICE = "technical_service", _("Technical service")
    TALENT = "talent", _("Talent recruitment")


class Demand(ListingModel):
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem description"), max_length=5000)
    target_indicators = models.TextField(_("target indicators"), max_length=3000, blank=True)
    existing_base = models.TextField(_("existing base and conditions"), max_length=3000, blank=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("posting organisation"),
    )
    industry = models.ForeignKey(
        "regions.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    # A list of CooperationMode values, validated by the services.
    cooperation_modes = models.JSONField(_("cooperation modes"), default=list, blank=True)
    budget_min_wan = models.DecimalField(
        _("budget from (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max_wan = models.DecimalField(
        _("budget up to (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_negotiable = models.BooleanField(_("budget negotiable"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # The keywords joined by spaces, for a word search that works on every database.
    keywords_text = models.CharField(
        _("keywords (search text)"), max_length=1000, blank=True, default="", editable=False
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[validate_phone]
    )
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("technology demand")
        verbose_name_plural = _("technology demands")
        # Imports look records up by (source, external ID); SQLite cannot use the partial
        # unique index for that.
        indexes = [
            models.Index(fields=["source", "external_id"], name="demand_source_extid_idx"),
            # The public list, walked in its order and counted from the index (see Achievement).
            models.Index(
                fields=["status", "visibility", "published_at", "created_at", "id", "confirmed_at"],
                name="demand_list_idx",
            ),
            models.Index(
                fields=["status", "published_at", "created_at", "id"], name="demand_recent_idx"
            ),
            # The search index's catch-up reads the rows changed since its last look.
            models.Index(fields=["updated_at"], name="demand_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="demand_source_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        """A published demand whose deadline has passed: still shown, tagged "expired"."""
        return (
            self.status == ListingStatus.PUBLISHED
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )

    @property
    def is_open(self) -> bool:
        return self.deadline is None or self.deadline >= timezone.localdate()

    def cooperation_mode_labels(self) -> list[str]:
        labels = dict(CooperationMode.choices)
        return [str(labels.get(mode, mode)) for mode in self.cooperation_modes or []]
