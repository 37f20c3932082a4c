"""The import run: stream rows, convert, validate, write in batches, report.

Every batch of ``BATCH_SIZE`` rows is written in one short transaction through the kind's
batch service (set-based lookups, bulk inserts, history): the SQLite write lock is never held
for long, so people can sign in and call the API while a big file imports. Lookups and the
duplicate check of a batch run before its transaction; indexing after it.

``all-or-nothing``: a first streaming pass converts and validates every row; only if all are
valid, a second pass writes them batch by batch. If a row still fails then (a conflict only the
database can see), the batches already committed are undone (created records deleted with
their history, updated ones put back), so the file is imported whole or not at all.
``valid-rows``: one pass writing batch by batch; rejected rows go to a CSV file (UTF-8 with
BOM, capped in size) with the same headers plus an error column, which can be fixed and
imported again. A dry run rolls back each batch's transaction.
"""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, PermissionDenied, ServiceError
from jieli.core.viewer import Viewer
from jieli.imports import mapping as m
from jieli.imports.converters import Context, Converter, Issue, Record, neutralise
from jieli.imports.limits import upload_limits
from jieli.imports.readers import ImportFileError, RowSource, open_rows
from jieli.imports.writers import WRITERS, Writer, duplicate_kind

BATCH_SIZE = 500
REPORT_LIMIT = 2000
MODES = ("all-or-nothing", "valid-rows")
# Service field names that differ from the import's field names.
_FIELD_ALIASES = {
    "price_wan": "price",
    "price_negotiable": "price",
    "owner_id": "owner",
    "budget_min_wan": "budget",
    "budget_max_wan": "budget",
    "budget_negotiable": "budget",
    "ip_records": "patent_numbers",
}

Progress = Callable[[int, int], None]


@dataclass
class Options:
    kind: str
    mode: str = "all-or-nothing"
    dry_run: bool = False
    owner_id: int | None = None
    source: str = "import"
    publish: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    file_name: str = ""
    rejected_out: str | None = None
    # Ask jieli.duplicates about each new record (slow for bulk loads; report only).
    check_duplicates: bool = True
    # Called with the running result inside the transaction of every written batch, so what
    # it stores is exactly what was committed (the job's honest counts if its worker dies).
    checkpoint: Callable[[Result], None] | None = None
    # All-or-nothing only: the file's first rows that an earlier run of the same job wrote and
    # committed before its worker died (``Result.written_rows`` of that run); they are checked
    # again but not written again, so the resumed run finishes the file instead of leaving it
    # half imported.
    resume_after: int = 0


@dataclass
class Result:
    kind: str
    mode: str
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error_count: int = 0
    warning_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rejected_path: str = ""
    fatal: str = ""
    written: bool = False
    # All-or-nothing: the rows of the file consumed by committed write batches (where a
    # resumed run starts; stored with each batch by the checkpoint).
    written_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.fatal and self.rejected == 0

    def as_report(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "errors": self.errors,
            "warnings": self.warnings,
            "duplicates": self.duplicates,
            "ignored_columns": self.ignored_columns,
            "columns": self.columns,
            "notes": self.notes,
            "fatal": self.fatal,
            "written": self.written,
        }


def check_permission(viewer: Viewer, options: Options) -> None:
    """Who may import what: the secretariat anything; organisation admins their own listings."""
    if options.kind not in m.KINDS:
        raise InvalidInput(
            _("Unknown kind “{kind}”; choose one of: {options}.").format(
                kind=options.kind, options=", ".join(m.KINDS)
            ),
            fields={"kind": [_("Choose one of: {options}.").format(options=", ".join(m.KINDS))]},
        )
    if options.mode not in MODES:
        raise InvalidInput(
            _("Choose one of: {options}.").format(options=", ".join(MODES)),
            fields={"mode": [_("Choose one of: {options}.").format(options=", ".join(MODES))]},
        )
    if not viewer.is_authenticated:
        raise PermissionDenied(_("Please sign in first."))
    if viewer.is_staff_role:
        return
    if options.publish:
        raise PermissionDenied(_("Only the secretariat publishes directly."))
    if options.kind not in ("achievements", "demands") or not viewer.admin_organisation_ids:
        raise PermissionDenied(
            _("Only the secretariat and organisation administrators import data.")
        )
    if options.owner_id is not None and not viewer.administers(options.owner_id):
        raise PermissionDenied(_("You can only import into your own organisation."))


def _default_owner(viewer: Viewer, options: Options) -> int | None:
    if options.owner_id is not None:
        return options.owner_id
    if not viewer.is_staff_role and len(viewer.admin_organisation_ids) == 1:
        return next(iter(viewer.admin_organisation_ids))
    return None


class _Rejected:
    """The rejected-rows CSV, opened on the first rejected row."""

    def __init__(self, path: str | None, header: list[str], limit_bytes: int = 0):
        self.path = path
        self.header = header
        self.limit_bytes = limit_bytes
        self.capped = False
        self._fh: Any = None
        self._writer: Any = None

    def add(self, rec: Record, issues: list[Issue]) -> None:
        if not self.path or self.capped:
            return
        if self._fh is not None and self.limit_bytes and self._fh.tell() > self.limit_bytes:
            self.capped = True  # the report says so; the file stays a usable size
            return
        if self._writer is None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            self._writer = csv.writer(self._fh)
            self._writer.writerow([neutralise(h) for h in (*self.header, m.ERROR_COLUMN)])
        reasons = "; ".join(f"{i.column}: {i.reason}" for i in issues if i.level == "error")
        values = [rec.raw.get(h, "") for h in self.header]
        self._writer.writerow([neutralise(_cell(v)) for v in (*values, reasons)])

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()

    @property
    def used(self) -> bool:
        return self._writer is not None


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


class Run:
    def __init__(
        self,
        viewer: Viewer,
        path: str | os.PathLike[str],
        options: Options,
        progress: Progress | None,
    ):
        self.viewer = viewer
        self.path = path
        self.options = options
        self.progress = progress
        self.result = Result(kind=options.kind, mode=options.mode, dry_run=options.dry_run)
        self._last_progress = 0.0
        self.limits = upload_limits()
        self._checker: Any = None  # jieli.duplicates.batch.BatchChecker when checking
        # For the all-or-nothing undo only (a valid-rows run keeps no per-row list: memory
        # stays flat however long the file).
        self._undoable = options.mode == "all-or-nothing" and not options.dry_run
        self._created: list[int] = []
        self._updated: list[tuple[Any, Record]] = []
        self._cases: list[tuple[int, list[Any]]] = []

    # reporting

    def _report(self, issues: list[Issue]) -> None:
        for issue in issues:
            if issue.level == "error":
                self.result.error_count += 1
                bucket = self.result.errors
            else:
                self.result.warning_count += 1
                bucket = self.result.warnings
            if len(bucket) < REPORT_LIMIT:
                bucket.append(issue.as_dict())

    def _reject(self, rec: Record, rejected: _Rejected) -> None:
        self.result.rejected += 1
        rejected.add(rec, rec.issues)

    def _tick(self, done: int, estimate: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress and (force or now - self._last_progress > 0.5):
            self._last_progress = now
            self.progress(done, max(estimate, done))

    # reading

    def _source(self) -> RowSource:
        return open_rows(self.path, name=self.options.file_name)

    def _records(
        self, source: RowSource, converter: Converter, seen: dict[str, int]
    ) -> Iterator[Record]:
        for number, raw in source.rows:
            rec = converter.convert(number, raw)
            if rec.external_id:
                first = seen.setdefault(rec.external_id, number)
                if first != number:
                    rec.issues.append(
                        Issue(
                            number,
                            converter._column("external_id"),
                            rec.external_id,
                            _("This external ID is already used in row {row}.").format(row=first),
                        )
                    )
            yield rec

    # writing

    def _write_batch(self, writer: Writer, batch: list[Record], rejected: _Rejected) -> None:
        """Write one batch in one short transaction (the SQLite write lock is held only for
        the inserts): lookups and the duplicate check run before it, the index after it."""
        from jieli.core.models import ChangeRecord

        existing = writer.existing([r.external_id for r in batch if r.external_id])
        creates: list[Record] = []
        updates: list[tuple[Record, Any]] = []
        for rec in batch:
            obj = existing.get(rec.external_id) if rec.external_id else None
            if obj is None and not rec.external_id:
                obj = writer.natural_match(rec)
            if obj is None:
                creates.append(rec)
            else:
                updates.append((rec, obj))
        checked = (
            self._checker.check([_duplicate_data(r) for r in creates]) if self._checker else []
        )
        writer.history_mark = (
            ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
        )
        written: dict[int, Any] = {}
        with transaction.atomic():
            results = self._create_many(writer, creates)
            for rec, obj in updates:
                self._update(writer, rec, obj)
            for position, (rec, res) in enumerate(zip(creates, results, strict=True)):
                if isinstance(res, ServiceError):
                    rec.issues.extend(self._service_issues(rec, res))
                    continue
                self.result.created += 1
                written[position] = res
                if self._undoable:
                    self._created.append(res.pk)
            if self.options.dry_run:
                transaction.set_rollback(True)
            else:
                # Stored with the batch, so the counts stay true if the worker dies next.
                self._checkpoint()
        if self._checker:
            self._after_write(creates, checked, written)
        for rec in batch:
            if rec.errors:
                self._report(rec.errors)
                self._reject(rec, rejected)
        if (written or updates) and not self.options.dry_run:
            self.result.written = True

    def _checkpoint(self) -> None:
        if self.options.checkpoint is not None:
            self.options.checkpoint(self.result)

    def _create_many(self, writer: Writer, creates: list[Record]) -> list[Any]:
        if not creates:
            return []
        try:
            with transaction.atomic():
                return writer.create_many(creates)
        except ServiceError:
            # A conflict only the database noticed (e.g. another import took an external ID
            # meanwhile): row by row, so only that row is rejected.
            return Writer.create_many(writer, creates)

    def _update(self, writer: Writer, rec: Record, obj: Any) -> None:
        try:
            with transaction.atomic():
                if writer.unchanged(obj, rec):
                    self.result.unchanged += 1
                    return
                before = writer.before(obj, rec) if self._undoable else None
                obj = writer.update(obj, rec)
                writer.label_history(obj)
                self.result.updated += 1
                if before is not None:
                    self._updated.append((obj, before))
        except ServiceError as exc:
            rec.issues.extend(self._service_issues(rec, exc))

    def _after_write(self, creates: list[Record], checked: list[Any], written: dict[int, Any]):
        """Index the new records; report suspects; queue review cases (after the batch, or
        after the whole file in all-or-nothing mode)."""
        from jieli.duplicates import batch as duplicate_batch

        assert self._checker is not None
        ids = {position: obj.pk for position, obj in written.items()}
        for position, item in enumerate(checked):
            obj = written.get(position)
            if obj is None:
                continue
            if not self.options.dry_run:
                self._checker.add(obj, item)
            suspects = duplicate_batch.resolve(item.suspects, ids)
            if not suspects:
                continue
            rec = creates[position]
            if len(self.result.duplicates) < REPORT_LIMIT:
                shown = duplicate_batch.fold_hidden(
                    self._checker.spec.kind, list(suspects), self.viewer
                )
                self.result.duplicates.append(
                    {
                        "row": rec.row,
                        "external_id": rec.external_id,
                        "suspects": [_suspect_line(x) for x in shown[:5]],
                    }
                )
            if not self.options.dry_run:
                self._cases.append((obj.pk, suspects))
        if self.options.mode == "valid-rows":
            self._open_cases()

    def _open_cases(self) -> None:
        """Put the suspected duplicates in the secretariat's queue (never blocks the import)."""
        from jieli.duplicates import services as duplicate_services

        assert self._checker is not None
        pairs = [
            (record_id, s.target_id, s.score, s.certainty, s.reason_codes)
            for record_id, suspects in self._cases
            for s in suspects
            if s.target_id is not None and s.target_id != record_id
        ]
        if pairs:
            # Records that went away meanwhile are skipped by the service.
            duplicate_services.duplicate_cases_open_many(kind=self._checker.spec.kind, pairs=pairs)
        self._cases = []

    def _service_issues(self, rec: Record, exc: ServiceError) -> list[Issue]:
        out: list[Issue] = []
        header_of = {f: c for c, f in self.result.columns.items()}
        for name, messages in exc.fields.items():
            base = name.split(".")[0]
            target = _FIELD_ALIASES.get(base, base)
            column = header_of.get(target, target)
            value = _cell(rec.raw.get(column, "")) if column in rec.raw else ""
            out.extend(Issue(rec.row, column, value, str(msg)) for msg in messages)
        if not out:
            out.append(Issue(rec.row, "", "", exc.message))
        return out

    def _undo(self, writer: Writer) -> None:
        """All-or-nothing: a batch failed after earlier ones were committed — put everything
        back (updated records first, then the created ones go), each step a short
        transaction."""
        from jieli.duplicates.index import index_remove

        for obj, before in reversed(self._updated):
            with transaction.atomic():
                writer.update(obj, before)
                writer.label_history(obj)
        with transaction.atomic():
            writer.delete_created(self._created)
        kind = duplicate_kind(self.options.kind)
        if kind is not None:
            from jieli.duplicates.kinds import kind_spec

            for pk in self._created:
                index_remove(kind_spec(kind), pk)
        self._created, self._updated, self._cases = [], [], []

    # the run

    def run(self) -> Result:
        check_permission(self.viewer, self.options)
        opts = self.options
        source = self._source()
        columns, ignored = m.map_columns(opts.kind, source.header, opts.mapping)
        self.result.columns = columns
        self.result.ignored_columns = ignored
        if "external_id" not in columns.values():
            self.result.notes.append(
                _(
                    "The file has no external ID column: importing it again "
                    "creates the records again."
                )
            )
        ctx = Context(
            viewer=self.viewer,
            kind=opts.kind,
            columns=columns,
            default_owner_id=_default_owner(self.viewer, opts),
            source=opts.source,
        )
        converter = Converter(ctx)
        writer = WRITERS[opts.kind](self.viewer, source=opts.source, publish=opts.publish)
        rejected = _Rejected(opts.rejected_out, source.header, self.limits.rejected_bytes)
        kind = duplicate_kind(opts.kind)
        if opts.check_duplicates and kind is not None:
            from jieli.duplicates.batch import BatchChecker

            self._checker = BatchChecker(kind)
        try:
            # A dry run rolls back each batch: never one long transaction (it would hold the
            # SQLite write lock for the whole file).
            self._dispatch(source, converter, writer, rejected)
        finally:
            rejected.close()
        if opts.dry_run:
            self.result.written = False
        if rejected.capped:
            self.result.notes.append(
                _(
                    "The rejected-rows file stops at {size} MB; fix these rows and import "
                    "again to see the rest."
                ).format(size=self.limits.rejected_bytes // 2**20)
            )
        if rejected.used:
            self.result.rejected_path = str(opts.rejected_out)
        if self.result.total == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        self._tick(self.result.total, self.result.total, force=True)
        return self.result

    def _dispatch(
        self, source: RowSource, converter: Converter, writer: Writer, rejected: _Rejected
    ) -> None:
        from jieli.duplicates.index import bulk_mode

        with bulk_mode():
            if self.options.mode == "valid-rows":
                self._valid_rows(source, converter, writer, rejected)
            else:
                self._all_or_nothing(source, converter, writer, rejected)

    def _valid_rows(
        self, source: RowSource, converter: Converter, writer: Writer, rejected: _Rejected
    ) -> None:
        batch: list[Record] = []
        estimate = source.estimated_rows
        for rec in self._records(source, converter, {}):
            self.result.total += 1
            self._report([i for i in rec.issues if i.level == "warning"])
            if rec.errors:
                self._report(rec.errors)
                self._reject(rec, rejected)
            else:
                batch.append(rec)
            if len(batch) >= BATCH_SIZE:
                self._write_batch(writer, batch, rejected)
                batch = []
            self._tick(self.result.total, estimate)
        if batch:
            self._write_batch(writer, batch, rejected)

    def _all_or_nothing(
        self, source: RowSource, converter: Converter, writer: Writer, rejected: _Rejected
    ) -> None:
        estimate = source.estimated_rows
        # Pass 1: convert and check every row; nothing is written.
        for rec in self._records(source, converter, {}):
            self.result.total += 1
            self._report(rec.issues)
            if rec.errors:
                self._reject(rec, rejected)
            self._tick(self.result.total // 2, estimate)
        if self.result.rejected or self.result.total == 0:
            return
        # Pass 2: write in batches, each its own short transaction (others can sign in and
        # write between them); if any row fails now, everything written is put back.
        resume_after = self.options.resume_after
        self.result.written_rows = resume_after
        batch: list[Record] = []
        done = 0
        for done, rec in enumerate(self._records(self._source(), converter, {}), start=1):
            if done <= resume_after:
                continue  # written by the interrupted run this one resumes
            batch.append(rec)
            if len(batch) >= BATCH_SIZE:
                self.result.written_rows = done  # checkpointed with the batch
                self._write_batch(writer, batch, rejected)
                batch = []
                self._tick(self.result.total // 2 + done // 2, estimate)
                if self.result.rejected:
                    break
        if batch and not self.result.rejected:
            self.result.written_rows = done
            self._write_batch(writer, batch, rejected)
        if self.result.rejected:
            if not self.options.dry_run:
                self._undo(writer)
            self.result.created = self.result.updated = self.result.unchanged = 0
            self.result.written = False
            return
        if self._checker:
            self._open_cases()


def _suspect_line(suspect: Any) -> str:
    label = ", ".join(str(r) for r in suspect.reasons if r)
    return f"#{suspect.target_id} {label}".strip() if suspect.target_id else label


def _duplicate_data(rec: Record) -> dict[str, Any]:
    """The would-be record for the duplicate detector: text fields and IP numbers."""
    data: dict[str, Any] = {k: v for k, v in rec.data.items() if isinstance(v, str) and v}
    if rec.ip_records:
        data["ip_numbers"] = [r["number"] for r in rec.ip_records]
    return data


def run_import(
    *,
    viewer: Viewer,
    path: str | os.PathLike[str],
    options: Options,
    progress: Progress | None = None,
) -> Result:
    """Import ``path``; raises ImportFileError (nothing written) for a bad file and
    PermissionDenied/InvalidInput for a request that may not run at all."""
    return Run(viewer, path, options, progress).run()
