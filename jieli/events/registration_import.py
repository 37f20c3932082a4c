"""The organiser imports registrations from a CSV or XLSX file (all or nothing).

The file is read with the imports app's bounded readers (``jieli.imports.readers``: size,
encoding, XLSX bombs and row limits checked while streaming), with a lower row bound for an
event. Each row names an existing organisation (by name or unified social credit code), one of
its people (e-mail or user name), the sessions they attend (names or numbers) and, optionally,
what they offer and seek (achievement and demand ids of that organisation, published). Every
row is checked first; one bad row refuses the file with a per-row report and nothing is saved.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound
from jieli.core.history import change_record
from jieli.core.http import parse_id
from jieli.core.viewer import Viewer
from jieli.events.models import Event, EventStatus, Registration, RegistrationStatus
from jieli.events.selectors import is_organiser

MAX_ROWS = 2000
MAX_BYTES = 2 * 2**20
MAX_REPORTED = 50
_SPLIT = re.compile(r"[;,，；、|]+")

# Column → accepted headers (English and Chinese, compared case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation", "organization", "credit code", "组织", "单位", "信用代码"),
    "person": ("person", "email", "e-mail", "user", "username", "人员", "参会人", "邮箱"),
    "sessions": ("sessions", "session", "场次"),
    "role": ("role", "角色"),
    "booth": ("booth", "展位"),
    "offers": ("offers", "offer", "achievements", "提供", "成果"),
    "needs": ("needs", "seeks", "demands", "需求"),
}
REQUIRED = ("organisation", "person", "sessions")


class RegistrationImportRefused(InvalidInput):
    """The file was refused; ``rows`` holds ``(row number, message)`` pairs."""

    def __init__(self, message: str, rows: list[tuple[int, str]]):
        shown = rows[:MAX_REPORTED]
        lines = [_("Row {row}: {problem}").format(row=n, problem=m) for n, m in shown]
        if len(rows) > len(shown):
            lines.append(_("… and {n} more problems.").format(n=len(rows) - len(shown)))
        super().__init__(message, fields={"file": lines})
        self.rows = rows


@dataclass
class _Row:
    number: int
    organisation_id: int
    user_id: int
    role: str
    booth: str
    session_ids: list[int]
    offer_ids: list[int]
    need_ids: list[int]


def _header_map(header: list[str]) -> dict[str, str]:
    """File header → column; unknown or missing columns refuse the file."""
    lookup = {alias.casefold(): col for col, aliases in COLUMNS.items() for alias in aliases}
    out: dict[str, str] = {}
    unknown = []
    for name in header:
        col = lookup.get(name.strip().casefold())
        if col is None:
            unknown.append(name)
        elif col in out.values():
            raise InvalidInput(
                _("The column “{column}” appears twice in the header.").format(column=name),
                fields={"file": [_("The column “{column}” appears twice.").format(column=name)]},
            )
        else:
            out[name] = col
    missing = [c for c in REQUIRED if c not in out.values()]
    if unknown or missing:
        expected = ", ".join(COLUMNS)
        problems = []
        if unknown:
            problems.append(
                _("Unknown columns: {columns}.").format(columns=", ".join(unknown[:10]))
            )
        if missing:
            problems.append(_("Missing columns: {columns}.").format(columns=", ".join(missing)))
        problems.append(_("The columns are: {columns}.").format(columns=expected))
        raise InvalidInput(_("The file's columns are not right."), fields={"file": problems})
    return out


def _ids(text: str) -> list[int] | None:
    ids = [parse_id(p) for p in _SPLIT.split(text or "") if p.strip()]
    return None if any(i is None for i in ids) else [i for i in ids if i is not None]


class _Resolver:
    """Looks names up once per distinct value (a 2,000-row file names few organisations)."""

    def __init__(self, event: Event):
        self.event = event
        self.sessions = list(event.sessions.all())
        self.orgs: dict[str, Any] = {}
        self.users: dict[str, Any] = {}

    def organisation(self, text: str) -> tuple[int | None, str]:
        from jieli.organisations.models import Organisation

        key = text.strip()
        if key not in self.orgs:
            found = list(
                Organisation.objects.filter(Q(credit_code=key.upper()) | Q(name=key)).values_list(
                    "pk", flat=True
                )[:2]
            )
            self.orgs[key] = found
        found = self.orgs[key]
        if not found:
            return None, _("No organisation is named or has the credit code “{value}”.").format(
                value=key
            )
        if len(found) > 1:
            return None, _(
                "Several organisations are named “{value}”; use the credit code."
            ).format(value=key)
        return found[0], ""

    def user(self, text: str, organisation_id: int) -> tuple[int | None, str]:
        from jieli.organisations.models import Membership

        key = text.strip()
        if key not in self.users:
            self.users[key] = (
                get_user_model()
                .objects.filter(Q(email__iexact=key) | Q(username=key), is_active=True)
                .values_list("pk", flat=True)
                .first()
            )
        uid = self.users[key]
        if uid is None:
            return None, _("No person has the e-mail or user name “{value}”.").format(value=key)
        if not Membership.objects.filter(user_id=uid, organisation_id=organisation_id).exists():
            return None, _("“{value}” is not a member of that organisation.").format(value=key)
        return uid, ""

    def session_ids(self, text: str) -> tuple[list[int], str]:
        wanted = [p.strip() for p in _SPLIT.split(text or "") if p.strip()]
        if not wanted:
            return [], _("Name at least one session.")
        out: list[int] = []
        for w in wanted:
            match = [
                s.pk
                for i, s in enumerate(self.sessions, 1)
                if s.name.casefold() == w.casefold() or w == str(i)
            ]
            if len(match) != 1:
                names = "、".join(s.name for s in self.sessions)
                return [], _("Unknown session “{value}” (the sessions are: {names}).").format(
                    value=w, names=names
                )
            out.append(match[0])
        return sorted(set(out)), ""


def _role(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return Registration.Role.VISITOR
    for value, label in Registration.Role.choices:
        if text.casefold() in (value, str(label).casefold()):
            return value
    return None


def _check_row(
    number: int, values: dict[str, str], resolver: _Resolver, seen: set[int]
) -> tuple[_Row | None, list[str]]:
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand

    problems: list[str] = []
    org_id, problem = resolver.organisation(values.get("organisation", ""))
    if problem:
        problems.append(problem)
    uid = None
    if org_id is not None:
        uid, problem = resolver.user(values.get("person", ""), org_id)
        if problem:
            problems.append(problem)
        elif uid in seen:
            problems.append(_("This person appears on an earlier row."))
    session_ids, problem = resolver.session_ids(values.get("sessions", ""))
    if problem:
        problems.append(problem)
    role = _role(values.get("role", ""))
    booth = str(values.get("booth") or "").strip()
    if role is None:
        problems.append(_("The role is visitor or exhibitor."))
    elif role == Registration.Role.EXHIBITOR and not booth:
        problems.append(_("Exhibitors book a booth."))
    if len(booth) > 40:
        problems.append(_("A booth name has at most 40 characters."))
    offer_ids, need_ids = _ids(values.get("offers", "")), _ids(values.get("needs", ""))
    if offer_ids is None or need_ids is None:
        problems.append(_("Offers and needs are listing numbers separated by semicolons."))
    elif org_id is not None:
        found = Achievement.objects.filter(pk__in=offer_ids, owner_id=org_id, status="published")
        if found.count() != len(set(offer_ids)):
            problems.append(_("Offers must be the organisation's published achievements."))
        found_needs = Demand.objects.filter(pk__in=need_ids, owner_id=org_id, status="published")
        if found_needs.count() != len(set(need_ids)):
            problems.append(_("Needs must be the organisation's published demands."))
    if problems or org_id is None or uid is None or role is None:
        return None, problems
    seen.add(uid)
    return (
        _Row(number, org_id, uid, role, booth, session_ids, offer_ids or [], need_ids or []),
        [],
    )


def _read(path: str, name: str) -> tuple[list[tuple[int, dict[str, str]]], dict[str, str]]:
    from jieli.imports.limits import check_xlsx, too_many_rows, upload_limits
    from jieli.imports.readers import detect_format, open_rows

    fmt = detect_format(path, name)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(
            _("Upload a CSV or XLSX file."), fields={"file": [_("Upload a CSV or XLSX file.")]}
        )
    if fmt == "xlsx":  # refuse a large or bomb workbook before openpyxl sees it
        check_xlsx(path, replace(upload_limits(), max_rows=MAX_ROWS))
    source = open_rows(path, name=name)
    columns = _header_map(source.header)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in source.rows:
        if len(rows) >= MAX_ROWS:
            raise too_many_rows(MAX_ROWS)
        rows.append((number, {columns[k]: str(v or "") for k, v in raw.items() if k in columns}))
    if not rows:
        message = _("The file has no data rows.")
        raise InvalidInput(message, fields={"file": [message]})
    return rows, columns


def registrations_import(*, viewer: Viewer, event_id: int, upload: UploadedFile) -> int:
    """Import the file's registrations as confirmed (over capacity: waiting list); returns the
    number imported. Refused as a whole with a per-row report when any row is wrong."""
    from jieli.imports.readers import ImportFileError

    if viewer.user_id is None:
        raise NotAuthenticated()
    event = Event.objects.filter(pk=event_id).first()
    if event is None or not is_organiser(viewer, event):
        raise NotFound()
    if event.status not in (EventStatus.DRAFT, EventStatus.OPEN):
        raise InvalidInput(_("This event does not take registrations."))
    name = os.path.basename(upload.name or "")
    if upload.size is None or upload.size > MAX_BYTES:
        message = _("The file is too large; the limit is {n} MB.").format(n=MAX_BYTES // 2**20)
        raise InvalidInput(message, fields={"file": [message]})
    suffix = os.path.splitext(name)[1][:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            rows, _columns = _read(tmp.name, name)
        except ImportFileError as exc:
            raise InvalidInput(exc.message, fields={"file": [exc.message]}) from exc
    resolver = _Resolver(event)
    seen: set[int] = set()
    checked: list[_Row] = []
    report: list[tuple[int, str]] = []
    for number, values in rows:
        row, problems = _check_row(number, values, resolver, seen)
        report.extend((number, p) for p in problems)
        if row is not None:
            checked.append(row)
    registered = set(
        Registration.objects.filter(
            event=event, user_id__in=[r.user_id for r in checked]
        ).values_list("user_id", flat=True)
    )
    report.extend(
        (r.number, _("This person is already registered for the event."))
        for r in checked
        if r.user_id in registered
    )
    if report:
        report.sort()
        raise RegistrationImportRefused(
            _("The file was refused: {n} problems; nothing was saved.").format(n=len(report)),
            report,
        )
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        taken = Registration.objects.filter(
            event=locked, status=RegistrationStatus.CONFIRMED
        ).count()
        if Registration.objects.filter(
            event=locked, user_id__in=[r.user_id for r in checked]
        ).exists():
            raise InvalidInput(_("Someone in the file registered meanwhile; import it again."))
        for row in checked:
            status = (
                RegistrationStatus.CONFIRMED
                if taken < locked.capacity
                else RegistrationStatus.WAITING
            )
            taken += status == RegistrationStatus.CONFIRMED
            reg = Registration.objects.create(
                event=locked,
                user_id=row.user_id,
                organisation_id=row.organisation_id,
                role=row.role,
                booth=row.booth,
                status=status,
            )
            reg.sessions.set(row.session_ids)
            reg.offers.set(row.offer_ids)
            reg.needs.set(row.need_ids)
            change_record(
                target=reg,
                actor_id=viewer.user_id,
                action="registration_import",
                changes={"status": [None, status]},
            )
    return len(checked)
