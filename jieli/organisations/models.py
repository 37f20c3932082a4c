from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel
from jieli.core.names import localised_name
from jieli.core.validators import validate_credit_code

SECRETARIAT_GROUP = "secretariat"


class OrganisationType(models.TextChoices):
    SCIENCE_BUREAU = "science_bureau", _("Local science and technology bureau")
    HIGH_TECH_ZONE = "high_tech_zone", _("National high-tech zone")
    RESEARCH_INSTITUTE = "research_institute", _("Applied research institute")
    UNIVERSITY = "university", _("University")
    SERVICE_AGENCY = "service_agency", _("Technology service agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    INVESTOR = "investor", _("Investment institution")
    OTHER = "other", _("Other")


class MembershipStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")
    MEMBER = "member", _("Member")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MembershipTier(models.TextChoices):
    CHAIR = "chair", _("Chair unit")
    EXECUTIVE = "executive", _("Executive director unit")
    DIRECTOR = "director", _("Director unit")
    MEMBER = "member", _("Member unit")


class Organisation(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Optional; shown on English pages instead of the Chinese name."),
    )
    org_type = models.CharField(_("type"), max_length=24, choices=OrganisationType.choices)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, e.g. 91370000163044841F"),
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    membership_status = models.CharField(
        _("membership status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLYING,
        db_index=True,
    )
    tier = models.CharField(
        _("membership tier"), max_length=12, choices=MembershipTier.choices, blank=True
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    status_reason = models.TextField(_("reason for the last status change"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    source = models.CharField(_("source"), max_length=60, blank=True, default="")
    external_id = models.CharField(_("external ID"), max_length=120, blank=True, default="")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organisation_credit_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name on English pages, if given)."""
        return localised_name(self.name, self.name_en)


class MemberRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Organisation administrator")


class Membership(BaseModel):
    """A person's place in an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"
