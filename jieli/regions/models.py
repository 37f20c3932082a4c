"""Reference code lists: administrative divisions, GB/T 4754-2017 industries, disciplines.

Codes are primary keys and rows are never deleted: a code that a later edition drops is marked
retired (``retired_in``) and may point to its successor, so records that use it keep resolving.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jieli.core.names import localised_name


class CodeListEntry(models.Model):
    code = models.CharField(_("code"), max_length=16, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    edition = models.CharField(_("edition"), max_length=20)
    retired_in = models.CharField(_("retired in edition"), max_length=20, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return localised_name(self.name, self.name_en)


class Region(CodeListEntry):
    """Province (level 1, 2-digit), prefecture (2, 4-digit) or county (3, 6-digit) code."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("successor"),
    )

    class Meta(CodeListEntry.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Industry(CodeListEntry):
    """GB/T 4754-2017: section (1, a letter), division (2), group (3), class (4)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    section = models.CharField(_("section"), max_length=1, db_index=True)
    description = models.TextField(_("description"), blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("successor"),
    )

    class Meta(CodeListEntry.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class Discipline(CodeListEntry):
    """NSFC discipline codes (e.g. A01 mathematics, A0101 number theory)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("successor"),
    )

    class Meta(CodeListEntry.Meta):
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
