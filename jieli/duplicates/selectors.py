"""Reads: duplicate suspects for a would-be record, and the duplicate cases a viewer may see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotFound
from jieli.core.viewer import Viewer
from jieli.duplicates import detect
from jieli.duplicates.index import index_for
from jieli.duplicates.kinds import (
    DETECTED_KINDS,
    KindSpec,
    indexable,
    kind_spec,
    record_data,
    record_title,
)
from jieli.duplicates.models import CaseStatus, DuplicateCase, SameAsLink

MAX_FIELD_CHARS = 20000
DATA_FIELDS = frozenset(
    {
        "title",
        "name",
        "summary",
        "detail",
        "problem",
        "target_indicators",
        "description",
        "ip_numbers",
        "ip_records",
        "credit_code",
    }
)


def _translate(message: str) -> str:
    return _(message)


def clean_check_data(data: Any) -> dict[str, Any]:
    """Validate the would-be record's fields (types and lengths); unknown fields are ignored."""
    if not isinstance(data, Mapping):
        raise InvalidInput(fields={"data": [_("Send a JSON object.")]})
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in DATA_FIELDS & set(data):
        value = data[name]
        if value is None:
            continue
        if name == "ip_numbers":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                errors.setdefault(name, []).append(_("Enter a list."))
                continue
            if len(value) > 50 or any(len(v) > 50 for v in value):
                errors.setdefault(name, []).append(
                    _("At most {n} numbers of {m} characters.").format(n=50, m=50)
                )
                continue
        elif name == "ip_records":
            if not isinstance(value, list | tuple) or len(value) > 50:
                errors.setdefault(name, []).append(_("Enter a list."))
                continue
        elif not isinstance(value, str):
            errors.setdefault(name, []).append(_("Enter text."))
            continue
        elif len(value) > MAX_FIELD_CHARS:
            errors.setdefault(name, []).append(
                _("At most {n} characters.").format(n=MAX_FIELD_CHARS)
            )
            continue
        out[name] = value
    if errors:
        raise InvalidInput(fields=errors)
    return out


def visible_records(kind: str, viewer: Viewer) -> QuerySet[Any]:
    """The records of ``kind`` the viewer may know about, by the owning app's own selector
    (its one visibility rule: dual-use achievements, private and stale listings included), so a
    duplicate check never names what the app's detail page would answer 404 for."""
    from jieli.achievements.selectors import visible_achievements
    from jieli.demands.selectors import visible_demands
    from jieli.organisations.selectors import visible_organisations

    selectors: dict[str, Any] = {
        "achievement": visible_achievements,
        "demand": visible_demands,
        "organisation": visible_organisations,
    }
    return selectors[kind_spec(kind).kind](viewer)


def _db_certain_ids(spec: KindSpec, fp: detect.Fingerprint) -> set[int]:
    """Records sharing a patent number / credit code, straight from the database."""
    ids: set[int] = set()
    if spec.kind == "achievement" and fp.ip_numbers:
        from django.apps import apps

        ip_model = apps.get_model("achievements", "IntellectualProperty")
        q = Q()
        for number in fp.ip_numbers:
            q |= Q(number__icontains=number[2:] if number[:2] in ("ZL", "CN") else number)
        for achievement_id, number in ip_model._default_manager.filter(q).values_list(
            "achievement_id", "number"
        ):
            if detect.normalise_patent_number(number) in fp.ip_numbers:
                ids.add(achievement_id)
    if spec.kind == "organisation" and fp.credit_code:
        ids.update(
            spec.model._default_manager.filter(credit_code__iexact=fp.credit_code).values_list(
                "pk", flat=True
            )
        )
    return ids


def decided_partners(kind: str, record_id: int) -> set[int]:
    """Records a decision already separated from (kept) or tied to (linked/merged) this one."""
    partners: set[int] = set()
    for a, b in (
        DuplicateCase.objects.filter(Q(record_a_id=record_id) | Q(record_b_id=record_id), kind=kind)
        .exclude(status=CaseStatus.PENDING)
        .values_list("record_a_id", "record_b_id")
    ):
        partners.add(b if a == record_id else a)
    group = SameAsLink.objects.filter(kind=kind, record_id=record_id).values("group")
    partners.update(
        SameAsLink.objects.filter(kind=kind, group__in=group).values_list("record_id", flat=True)
    )
    partners.discard(record_id)
    return partners


def duplicate_suspects_for(
    *,
    kind: str,
    data: Mapping[str, Any],
    exclude_id: int | None = None,
    viewer: Viewer | None = None,
) -> list[detect.Suspect]:
    """Existing records that the would-be record ``data`` probably duplicates.

    ``data`` holds the record's fields: title (``name`` for organisations), summary, detail /
    problem, ``ip_numbers`` or ``ip_records`` (achievements), ``credit_code`` (organisations).
    ``exclude_id``: the record itself when it already exists (an edit); pairs already decided are
    then left out. With a ``viewer`` other than the secretariat, suspects they may not see are
    folded into one entry with ``target_id=None`` and a neutral reason. Certain duplicates
    (same patent number / credit code) come first.
    """
    spec = kind_spec(kind)
    cleaned = clean_check_data(data)
    fp = detect.fingerprint(spec.kind, cleaned)
    candidate_ids = index_for(spec).candidates(fp) | _db_certain_ids(spec, fp)
    if exclude_id is not None:
        candidate_ids.discard(exclude_id)
        candidate_ids -= decided_partners(spec.kind, exclude_id)
    if not candidate_ids:
        return []
    # Re-read the candidates: the index only proposes, the database decides.
    records = {r.pk: r for r in indexable(spec).filter(pk__in=candidate_ids)}
    suspects = []
    for pk, record in records.items():
        target = detect.fingerprint(spec.kind, record_data(spec, record))
        suspect = detect.compare(spec.kind, fp, pk, target, translate=_translate)
        if suspect is not None:
            suspects.append(suspect)
    suspects = detect.rank(suspects)
    if viewer is None or viewer.is_staff_role or not suspects:
        return suspects
    visible = set(
        visible_records(spec.kind, viewer)
        .filter(pk__in=[s.target_id for s in suspects])
        .values_list("pk", flat=True)
    )
    shown = [s for s in suspects if s.target_id in visible]
    hidden = [s for s in suspects if s.target_id not in visible]
    if hidden:
        certain = any(s.certainty == "certain" for s in hidden)
        shown.append(
            detect.Suspect(
                kind=spec.kind,
                target_id=None,
                score=max(s.score for s in hidden),
                certainty="certain" if certain else "suspected",
                reasons=[detect.render_reason("hidden", {}, _translate)],
                reason_codes=[("hidden", {})],
            )
        )
    return shown


# --- cases ---------------------------------------------------------------------------------


def visible_duplicate_cases(viewer: Viewer) -> QuerySet[DuplicateCase]:
    """The secretariat sees every case; an organisation's admins those between their own records."""
    qs = DuplicateCase.objects.select_related("decided_by")
    if viewer.is_staff_role:
        return qs
    if not viewer.admin_organisation_ids:
        return qs.none()
    admin = viewer.admin_organisation_ids
    return qs.filter(owner_a_id__in=admin, owner_b_id__in=admin)


def may_use_duplicate_queue(viewer: Viewer) -> bool:
    return viewer.is_staff_role or bool(viewer.admin_organisation_ids)


def duplicate_case_list(
    viewer: Viewer, *, status: str = CaseStatus.PENDING, kind: str = ""
) -> QuerySet[DuplicateCase]:
    errors: dict[str, list[str]] = {}
    if status and status not in CaseStatus.values:
        errors["status"] = [
            _("Choose one of: {options}.").format(options=", ".join(CaseStatus.values))
        ]
    if kind and kind not in DETECTED_KINDS:
        errors["kind"] = [_("Choose one of: {options}.").format(options=", ".join(DETECTED_KINDS))]
    if errors:
        raise InvalidInput(fields=errors)
    qs = visible_duplicate_cases(viewer)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("certainty", "-score", "-id")  # "certain" sorts before "suspected"


def duplicate_case_get(viewer: Viewer, case_id: int) -> DuplicateCase:
    case = visible_duplicate_cases(viewer).filter(pk=case_id).first()
    if case is None:
        raise NotFound()
    return case


def case_reasons(case: DuplicateCase) -> list[str]:
    out = []
    for item in case.reasons or []:
        code, params = item.get("code"), item.get("params") or {}
        if code in detect.REASON_TEXTS:
            out.append(detect.render_reason(code, params, _translate))
    return out


@dataclass
class CaseSide:
    record_id: int
    title: str
    exists: bool
    status: str
    url_name: str
    title_segments: list[tuple[str, bool]]
    text_segments: list[tuple[str, bool]]


@dataclass
class CaseDetail:
    case: DuplicateCase
    reasons: list[str]
    a: CaseSide
    b: CaseSide


def _record_text(spec: KindSpec, record: Any) -> str:
    if record is None:
        return ""
    return "\n\n".join(str(getattr(record, f, "") or "") for f in spec.text_fields).strip()


def duplicate_case_detail(viewer: Viewer, case: DuplicateCase) -> CaseDetail:
    """Both records side by side, with the passages they share marked."""
    spec = kind_spec(case.kind)
    records = spec.model._default_manager.in_bulk([case.record_a_id, case.record_b_id])
    ra, rb = records.get(case.record_a_id), records.get(case.record_b_id)
    ta, tb = _record_text(spec, ra), _record_text(spec, rb)
    na = record_title(spec, ra) if ra else ""
    nb = record_title(spec, rb) if rb else ""

    def side(pk: int, record: Any, title: str, text: str, o_title: str, o_text: str) -> CaseSide:
        return CaseSide(
            record_id=pk,
            title=title,
            exists=record is not None,
            status=str(getattr(record, "get_status_display", lambda: "")()) if record else "",
            url_name=spec.detail_url,
            title_segments=detect.highlight_segments(title, o_title, 2),
            text_segments=detect.highlight_segments(text, o_title + o_text),
        )

    return CaseDetail(
        case=case,
        reasons=case_reasons(case),
        a=side(case.record_a_id, ra, na, ta, nb, tb),
        b=side(case.record_b_id, rb, nb, tb, na, ta),
    )
