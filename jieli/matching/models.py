from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class ListingKind(models.TextChoices):
    ACHIEVEMENT = "achievement", _("Achievement")
    DEMAND = "demand", _("Demand")
    EXPERT = "expert", _("Expert")
    ORGANISATION = "organisation", _("Organisation")


class ListingVector(BaseModel):
    """A listing's sentence embedding from one encoder, computed by a background job.

    ``text_sha1`` is the hash of the text that was encoded, so an edit that leaves the text
    alone does not re-encode, and a stale vector is recognised. ``source_updated_at`` is the
    listing's ``updated_at`` when that text was read: the minute-by-minute job looks only at
    listings changed since (an indexed anti-join) instead of hashing every listing's text.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ListingKind.choices)
    object_id = models.PositiveBigIntegerField(_("record ID"))
    encoder = models.CharField(_("encoder"), max_length=40)
    text_sha1 = models.CharField(_("text fingerprint"), max_length=40)
    dim = models.PositiveIntegerField(_("dimensions"))
    vector = models.BinaryField(_("vector"))  # float16, little endian
    source_updated_at = models.DateTimeField(_("listing version encoded"), null=True, blank=True)

    class Meta:
        verbose_name = _("listing vector")
        verbose_name_plural = _("listing vectors")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "encoder"], name="listing_vector_unique"
            )
        ]
        # Each kind's index reads its vectors stored since its own watermark: without the kind
        # first, a demand's look walked every achievement vector stored after it (7 ms a query
        # on the demo, growing with the table).
        indexes = [
            models.Index(
                fields=["kind", "encoder", "updated_at"], name="listing_vector_changed_idx"
            )
        ]


class MatchFeedback(BaseModel):
    """A person's judgement of one suggested match, kept to measure and later tune the engine."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="match_feedback",
        verbose_name=_("user"),
    )
    source_kind = models.CharField(_("source kind"), max_length=16, choices=ListingKind.choices)
    source_id = models.PositiveBigIntegerField(_("source"))
    target_kind = models.CharField(_("target kind"), max_length=16, choices=ListingKind.choices)
    target_id = models.PositiveBigIntegerField(_("target"))
    useful = models.BooleanField(_("useful"))
    score = models.FloatField(_("score shown"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank shown"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_kind", "source_id", "target_kind", "target_id"],
                name="match_feedback_once_per_user",
            )
        ]
