"""An import job: one uploaded file, its options, progress and validation report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jieli.core.models import BaseModel


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Organisations")
    ACHIEVEMENTS = "achievements", _("Achievements")
    DEMANDS = "demands", _("Demands")
    EXPERTS = "experts", _("Experts")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all-or-nothing", _("All or nothing")
    VALID_ROWS = "valid-rows", _("Import the valid rows")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    mode = models.CharField(
        _("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    publish = models.BooleanField(_("publish directly"), default=False)
    source = models.CharField(_("source"), max_length=60, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    # Where the uploaded file is kept until the job has run (relative to MEDIA_ROOT).
    upload = models.FileField(_("uploaded file"), upload_to="imports/uploads/", max_length=300)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    # {"errors": [{"row", "column", "value", "reason"}], "warnings": [...], "duplicates": [...]}
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    rejected_file = models.FileField(
        _("rejected rows"), upload_to="imports/rejected/", max_length=300, blank=True
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
