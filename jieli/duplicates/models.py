"""Duplicate cases between two records of one kind, and "same as" links.

Design notes:

* A case names its two records by kind + id (``record_a_id`` < ``record_b_id``) rather than by
  one foreign key per kind or a generic relation: the three kinds (achievement, demand,
  organisation) are looked up through ``jieli.duplicates.kinds``, the pair is unique per kind, and
  ``owner_a_id`` / ``owner_b_id`` (the owning organisations, copied when the case is opened) let
  the queue be filtered for an organisation's administrators without joins across kinds.
* A pair that was decided (merged / linked / kept) is never suggested again: the unique pair row
  stays with its decision.
* ``SameAsLink`` puts records into groups ("the same achievement, kept as separate listings"):
  one row per record, records of a group share ``group``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class Kind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("Achievement")
    DEMAND = "demand", _("Demand")
    ORGANISATION = "organisation", _("Organisation")


class Certainty(models.TextChoices):
    CERTAIN = "certain", _("Certain duplicate")
    SUSPECTED = "suspected", _("Suspected duplicate")


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    MERGED = "merged", _("Merged")
    LINKED = "linked", _("Linked as the same")
    KEPT = "kept", _("Kept as distinct")


class DuplicateCase(BaseModel):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    record_a_id = models.PositiveBigIntegerField(_("record A"))
    record_b_id = models.PositiveBigIntegerField(_("record B"))
    owner_a_id = models.PositiveBigIntegerField(_("owner of record A"), null=True, blank=True)
    owner_b_id = models.PositiveBigIntegerField(_("owner of record B"), null=True, blank=True)
    score = models.FloatField(_("score"))
    certainty = models.CharField(_("certainty"), max_length=10, choices=Certainty.choices)
    # [{"code": "same_ip", "params": {"number": "ZL…"}}, …], rendered in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=CaseStatus.choices,
        default=CaseStatus.PENDING,
        db_index=True,
    )
    kept_id = models.PositiveBigIntegerField(_("kept record"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("duplicate case")
        verbose_name_plural = _("duplicate cases")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_a_id", "record_b_id"], name="duplicate_case_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(record_a_id__lt=F("record_b_id")), name="duplicate_case_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="duplicate_case_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "-created_at"], name="duplicate_case_queue_idx"),
            models.Index(fields=["owner_a_id", "owner_b_id"], name="duplicate_case_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_a_id} ~ #{self.record_b_id}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.PENDING


class SameAsLink(BaseModel):
    """One record's place in a group of records declared the same (kept as separate listings)."""

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    record_id = models.PositiveBigIntegerField(_("record"))
    group = models.UUIDField(_("group"), default=uuid.uuid4, db_index=True)
    case = models.ForeignKey(
        DuplicateCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["group", "record_id"]
        verbose_name = _("same-as link")
        verbose_name_plural = _("same-as links")
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="same_as_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.record_id} ∈ {self.group}"
