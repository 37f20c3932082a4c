"""Experts (专家): a public profile, members-only contact details and declared affiliations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel
from jieli.core.names import localised_name
from jieli.core.validators import validate_phone


class Expert(BaseModel):
    # The Viewer grants the expert role through ``user.expert_profile.is_active``.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profile",
        verbose_name=_("user account"),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Optional; shown on English pages instead of the Chinese name."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("For affiliations that are not member organisations."),
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    industries = models.ManyToManyField(
        "regions.Industry", blank=True, related_name="+", verbose_name=_("industries")
    )
    disciplines = models.ManyToManyField(
        "regions.Discipline", blank=True, related_name="+", verbose_name=_("disciplines")
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    keywords_text = models.CharField(
        _("keywords (search text)"), max_length=1000, blank=True, default="", editable=False
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    bio = models.TextField(_("profile"), max_length=5000, blank=True)
    willing_to_consult = models.BooleanField(_("available for consulting"), default=False)
    willing_to_evaluate = models.BooleanField(_("available for evaluations"), default=False)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    is_public = models.BooleanField(_("public profile"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=60, blank=True, default="")
    external_id = models.CharField(_("external ID"), max_length=120, blank=True, default="")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        # Imports look records up by (source, external ID); SQLite cannot use the partial
        # unique index for that.
        indexes = [
            models.Index(fields=["source", "external_id"], name="expert_source_extid_idx"),
            # The search index's catch-up reads the rows changed since its last look.
            models.Index(fields=["updated_at"], name="expert_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="expert_source_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the page's language (the English name on English pages, if given)."""
        return localised_name(self.name, self.name_en)

    @property
    def affiliation_display(self) -> str:
        if self.organisation_id is not None:  # type: ignore[attr-defined]
            return self.organisation.display_name  # type: ignore[union-attr]
        return self.organisation_name


class AffiliationRelation(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    PART_TIME = "part_time", _("Part-time position")
    SHAREHOLDING = "shareholding", _("Shareholding")
    ADVISORY = "advisory", _("Advisory role")
    FAMILY = "family", _("Family relation")
    OTHER = "other", _("Other")


class ExpertAffiliation(BaseModel):
    """A declared tie to an organisation, for conflict-of-interest checks. Private: only the
    expert and the secretariat see it."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("expert")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    relation = models.CharField(_("relation"), max_length=16, choices=AffiliationRelation.choices)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("declared affiliation")
        verbose_name_plural = _("declared affiliations")

    def __str__(self) -> str:
        name = self.organisation.display_name if self.organisation else self.organisation_name
        return f"{name} ({self.get_relation_display()})"
