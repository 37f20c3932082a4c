"""Facilities: pilot-test platforms (中试平台) and their bookings, undertaking zones (中试承接区)
and industrial clusters (产业集群).

Design notes:

* Every record here is managed, not reviewed: ``status`` is draft → published, or hidden by the
  secretariat (``lifecycle.py``). Published records are seen by everyone; drafts only by their
  managing organisation (a platform's operator) and the secretariat; hidden ones only by the
  secretariat (everyone else gets a 404).
* A platform offers ``capacity_per_day`` units of its ``capacity_unit`` (e.g. 10 reactor-days)
  on the days of its availability windows. A booking asks for ``units`` on every day of
  ``start_date``…``end_date``. The accepted bookings of any day never add up to more than the
  capacity: the services check it under a row lock on the platform (``capacity.py``).
* The booking life cycle is a data table (``booking_stages.py``); every move is made under a row
  lock on the platform and written to the history with its before/after values.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel
from jieli.core.names import localised_name
from jieli.core.validators import validate_phone


class FacilityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROPOSED = "proposed", _("Another window proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired unanswered")


class ManagedRecord(BaseModel):
    """What platforms, zones and clusters share: a bilingual name, a region, a status."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Optional; shown on English pages instead of the Chinese name."),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    industries = models.ManyToManyField(
        "regions.Industry", blank=True, related_name="+", verbose_name=_("industries")
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FacilityStatus.choices,
        default=FacilityStatus.DRAFT,
        db_index=True,
    )
    hidden_reason = models.TextField(_("reason for hiding"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localised_name(self.name, self.name_en)


class ContactFields(models.Model):
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=40, blank=True, validators=[validate_phone]
    )
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)

    class Meta:
        abstract = True


class PilotPlatform(ManagedRecord, ContactFields):
    operator = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="pilot_platforms",
        verbose_name=_("operator"),
    )
    capabilities = models.TextField(_("capabilities"), max_length=5000)
    equipment = models.TextField(_("equipment"), max_length=5000, blank=True)
    qualifications = models.TextField(_("qualifications"), max_length=3000, blank=True)
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=60, help_text=_("e.g. reactor-days, line-hours")
    )
    capacity_unit_en = models.CharField(_("capacity unit (English)"), max_length=60, blank=True)
    capacity_per_day = models.PositiveIntegerField(
        _("capacity per day"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("pilot-test platform")
        verbose_name_plural = _("pilot-test platforms")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_day__gte=1), name="platform_capacity_positive"
            )
        ]

    @property
    def unit_name(self) -> str:
        return localised_name(self.capacity_unit, self.capacity_unit_en)


class PlatformService(BaseModel):
    """One service a platform offers, with an indicative price (stored in 万元)."""

    platform = models.ForeignKey(
        PilotPlatform,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("pilot-test platform"),
    )
    name = models.CharField(_("service"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    price_wan = models.DecimalField(
        _("indicative price (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_basis = models.CharField(
        _("price basis"), max_length=60, blank=True, help_text=_("e.g. per batch, per day")
    )
    price_basis_en = models.CharField(_("price basis (English)"), max_length=60, blank=True)

    class Meta:
        ordering = ["platform_id", "id"]
        verbose_name = _("platform service")
        verbose_name_plural = _("platform services")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return localised_name(self.name, self.name_en)

    @property
    def basis_name(self) -> str:
        return localised_name(self.price_basis, self.price_basis_en)


class AvailabilityWindow(BaseModel):
    """Days (inclusive) on which a platform takes bookings."""

    platform = models.ForeignKey(
        PilotPlatform,
        on_delete=models.CASCADE,
        related_name="windows",
        verbose_name=_("pilot-test platform"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["platform_id", "start_date", "id"]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="window_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}"


class Booking(BaseModel):
    platform = models.ForeignKey(
        PilotPlatform,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("pilot-test platform"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="platform_bookings",
        verbose_name=_("requested by"),
    )
    requester_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requesting organisation"),
    )
    units = models.PositiveIntegerField(_("units per day"), validators=[MinValueValidator(1)])
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    purpose = models.TextField(_("purpose"), max_length=3000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BookingStatus.choices,
        default=BookingStatus.REQUESTED,
        db_index=True,
    )
    proposed_start = models.DateField(_("proposed from"), null=True, blank=True)
    proposed_end = models.DateField(_("proposed until"), null=True, blank=True)
    proposal_note = models.TextField(_("note on the proposal"), max_length=2000, blank=True)
    decline_reason = models.TextField(
        _("reason for declining or cancelling"), max_length=2000, blank=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("platform booking")
        verbose_name_plural = _("platform bookings")
        indexes = [
            models.Index(
                fields=["platform", "status", "start_date", "end_date"],
                name="booking_platform_days_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="booking_units_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="booking_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.start_date}–{self.end_date} × {self.units}"


class Zone(ManagedRecord, ContactFields):
    """An undertaking zone (中试承接区) co-built by the alliance with a city or high-tech zone."""

    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    parties = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("parties"),
    )
    party_names = models.JSONField(
        _("other parties"),
        default=list,
        blank=True,
        help_text=_("Parties that are not member organisations, e.g. a city government."),
    )
    policies = models.TextField(_("policies"), max_length=5000, blank=True)
    incentives = models.TextField(_("incentives"), max_length=5000, blank=True)
    space_m2 = models.PositiveIntegerField(_("space (m²)"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("undertaking zone")
        verbose_name_plural = _("undertaking zones")


class Cluster(ManagedRecord):
    """A region's characteristic industry (特色产业集群)."""

    leading_enterprises = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("leading enterprises"),
    )
    leading_enterprise_names = models.JSONField(
        _("other leading enterprises"), default=list, blank=True
    )
    output_value_wan = models.DecimalField(
        _("output value (10,000 yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    enterprise_count = models.PositiveIntegerField(
        _("number of enterprises"), null=True, blank=True
    )
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("industrial cluster")
        verbose_name_plural = _("industrial clusters")
