"""One raw row ({column: text}) → the data an app's create/update service takes.

Converting reads reference tables (cached) but never writes. Every problem becomes an
``Issue`` with the row number, the column, the value and a translated reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput
from jieli.core.viewer import Viewer
from jieli.imports import mapping as m

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_SPLIT_LIST = re.compile(r"[,，、;；|/\n\r\t]+")
_SPLIT_PATENTS = re.compile(r"[,，、;；\s]+")
_TEXT_LIMIT = 20000


@dataclass
class Issue:
    row: int
    column: str
    value: str
    reason: str
    level: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": neutralise(self.value)[:200],
            "reason": self.reason,
            "level": self.level,
        }


@dataclass
class Record:
    row: int
    raw: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    ip_records: list[dict[str, Any]] | None = None
    owner_id: int | None = None
    external_id: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]


def is_formula(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_PREFIXES) and not _NUMBER.match(text)


def neutralise(value: Any) -> str:
    """Text safe to put in a spreadsheet cell: a leading = + - @ becomes literal text."""
    text = "" if value is None else str(value)
    if text and text.startswith(FORMULA_PREFIXES) and not _NUMBER.match(text):
        return "'" + text
    return text


@dataclass
class Context:
    """What converting needs to know besides the row: who imports, into which organisation."""

    viewer: Viewer
    kind: str
    columns: dict[str, str]  # column header → field
    default_owner_id: int | None = None
    source: str = "import"

    def __post_init__(self) -> None:
        self.header_of = {f: c for c, f in self.columns.items()}
        self._orgs: dict[str, int | None] = {}

    def org_id(self, text: str) -> int | None:
        """An organisation by ID, credit code or exact name (cached per import)."""
        from jieli.core.validators import normalise_credit_code
        from jieli.organisations.models import Organisation

        key = " ".join(text.split())
        if key not in self._orgs:
            qs = Organisation.objects.all()
            hit: int | None = None
            if key.isdigit() and len(key) < 12:
                hit = qs.filter(pk=int(key)).values_list("pk", flat=True).first()
            if hit is None and len(key) == 18:
                hit = (
                    qs.filter(credit_code=normalise_credit_code(key))
                    .values_list("pk", flat=True)
                    .first()
                )
            if hit is None:
                ids = list(qs.filter(name=key).values_list("pk", flat=True)[:2])
                hit = ids[0] if len(ids) == 1 else None
            self._orgs[key] = hit
        return self._orgs[key]


# --- small parsers -------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # a cell neutralised by an earlier export or rejected-rows file
    return text


def parse_decimal(text: str) -> Decimal:
    """'12.5', '12.5万元', '125,000元' → 万元."""
    raw = text.replace(",", "").replace("，", "").replace(" ", "")
    factor = Decimal(1)
    for suffix, f in (
        ("万元", 1),
        ("万", 1),
        ("元", Decimal("0.0001")),
        ("亿元", 10000),
        ("亿", 10000),
    ):
        if raw.endswith(suffix):
            raw, factor = raw[: -len(suffix)], Decimal(f)
            break
    number = Decimal(raw) * factor
    if not number.is_finite():
        raise InvalidOperation
    return number.quantize(Decimal("0.01"))


def parse_date(text: str) -> date:
    text = text.strip()
    match = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        raise ValueError(text)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_trl(text: str) -> int:
    key = text.upper().replace("TRL", "").replace("级", "").replace("第", "").strip(" :：-")
    if key in _CN_DIGITS:
        return _CN_DIGITS[key]
    number = int(key)
    if not 1 <= number <= 9:
        raise ValueError(text)
    return number


def parse_bool(text: str) -> bool:
    key = m.word_key(text)
    if key in m.TRUE_WORDS:
        return True
    if key in m.FALSE_WORDS:
        return False
    raise ValueError(text)


def ip_type_of(number: str) -> str:
    """Chinese patent numbers carry the type: ZL2021 1 0123456.7 (1 invention, 2 utility
    model, 3 design); older ones ZL98 1 23456.7."""
    digits = re.sub(r"^(ZL|CN)", "", number).split(".")[0]
    if digits.isdigit():
        kind_digit = digits[4] if len(digits) >= 12 else digits[2] if len(digits) >= 8 else ""
        return {
            "1": "invention",
            "2": "utility",
            "3": "design",
            "8": "invention",
            "9": "utility",
        }.get(kind_digit, "invention")
    return "invention"


def _resolve(kind: str, text: str) -> tuple[str | None, str]:
    """(code, warning) for free text, memoised: imports repeat the same few regions.

    The memo lives with the code-list tables, so reloading the reference data clears it.
    """
    from jieli.regions import cache

    found = cache.memo("imports.resolve")
    key = (kind, text, translation.get_language())
    if key not in found:
        found[key] = _resolve_uncached(kind, text)
    result: tuple[str | None, str] = found[key]
    return result


def _resolve_uncached(kind: str, text: str) -> tuple[str | None, str]:
    from jieli.regions import selectors as codes

    resolver = {
        "region": codes.region_resolve,
        "industry": codes.industry_resolve,
        "discipline": codes.discipline_resolve,
    }[kind]
    try:
        result = resolver(text)
    except InvalidInput as exc:
        return None, exc.message
    if result is None or result.code is None:
        return None, ""
    warning = ""
    if result.ambiguous:
        warning = _("“{text}” is ambiguous; used {label}.").format(text=text, label=result.label)
    return result.code, warning


# --- the converter -------------------------------------------------------------------------


class Converter:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def convert(self, row: int, raw: dict[str, Any]) -> Record:
        rec = Record(row=row, raw=raw)
        values: dict[str, str] = {}
        for column, name in self.ctx.columns.items():
            text = _text(raw.get(column))
            if len(text) > _TEXT_LIMIT:
                self._error(
                    rec, name, text[:50], _("At most {n} characters.").format(n=_TEXT_LIMIT)
                )
                continue
            if is_formula(text):
                rec.issues.append(
                    Issue(
                        row,
                        column,
                        text,
                        _("Looks like a spreadsheet formula; stored as plain text, not run."),
                        level="warning",
                    )
                )
            values[name] = text
        getattr(self, f"_{self.ctx.kind}")(rec, values)
        return rec

    # helpers

    def _column(self, name: str) -> str:
        return self.ctx.header_of.get(name, name)

    def _error(self, rec: Record, name: str, value: str, reason: str) -> None:
        rec.issues.append(Issue(rec.row, self._column(name), value, reason))

    def _warn(self, rec: Record, name: str, value: str, reason: str) -> None:
        rec.issues.append(Issue(rec.row, self._column(name), value, reason, level="warning"))

    def _required(self, rec: Record, values: dict[str, str], name: str) -> str:
        text = values.get(name, "")
        if not text:
            self._error(rec, name, "", _("This field is required."))
        return text

    def _code(self, rec: Record, values: dict[str, str], name: str, kind: str) -> str | None:
        text = values.get(name, "")
        if not text:
            return None
        code, warning = _resolve(kind, text)
        if code is None:
            reason = warning or {
                "region": _("Unknown region “{text}”."),
                "industry": _("Unknown industry “{text}”."),
                "discipline": _("Unknown discipline “{text}”."),
            }[kind].format(text=text)
            self._error(rec, name, text, reason)
        elif warning:
            self._warn(rec, name, text, warning)
        return code

    def _codes(self, rec: Record, values: dict[str, str], name: str, kind: str) -> list[str]:
        out: list[str] = []
        for part in _SPLIT_LIST.split(values.get(name, "")):
            part = part.strip()
            if not part:
                continue
            code, warning = _resolve(kind, part)
            if code is None:
                self._error(
                    rec, name, part, warning or _("Unknown code: {code}.").format(code=part)
                )
            elif code not in out:
                out.append(code)
        return out

    def _word(
        self, rec: Record, values: dict[str, str], name: str, table: dict[str, str]
    ) -> str | None:
        text = values.get(name, "")
        if not text:
            return None
        code = m.lookup_word(table, text)
        if code is None:
            self._error(
                rec,
                name,
                text,
                _("Unknown value “{text}”; use one of: {options}.").format(
                    text=text, options=", ".join(sorted(set(table.values())))
                ),
            )
        return code

    def _words(
        self,
        rec: Record,
        values: dict[str, str],
        name: str,
        table: dict[str, str],
        order: list[str],
    ) -> list[str] | None:
        text = values.get(name, "")
        if not text:
            return None
        found: set[str] = set()
        for part in _SPLIT_LIST.split(text):
            if not part.strip():
                continue
            code = m.lookup_word(table, part)
            if code is None:
                self._error(
                    rec,
                    name,
                    part,
                    _("Unknown value “{text}”; use one of: {options}.").format(
                        text=part, options=", ".join(order)
                    ),
                )
            else:
                found.add(code)
        return [c for c in order if c in found]

    def _bool(self, rec: Record, values: dict[str, str], name: str) -> bool | None:
        if name not in values:
            return None
        try:
            return parse_bool(values[name])
        except ValueError:
            self._error(rec, name, values[name], _("Enter yes or no (是/否)."))
            return None

    def _keywords(self, values: dict[str, str]) -> list[str] | None:
        if "keywords" not in values:
            return None
        return [w.strip() for w in re.split(r"[,，、;；|\n]+", values["keywords"]) if w.strip()]

    def _owner(self, rec: Record, values: dict[str, str]) -> None:
        viewer = self.ctx.viewer
        text = values.get("owner", "")
        owner_id = self.ctx.org_id(text) if text else self.ctx.default_owner_id
        if text and owner_id is None:
            self._error(
                rec,
                "owner",
                text,
                _("Unknown organisation “{name}” (give its exact name or credit code).").format(
                    name=text
                ),
            )
            return
        if owner_id is None:
            self._error(rec, "owner", "", _("Give the owner organisation (a column or --owner)."))
            return
        if not viewer.is_staff_role and not viewer.administers(owner_id):
            self._error(rec, "owner", text, _("You can only import into your own organisation."))
            return
        rec.owner_id = owner_id

    def _common(self, rec: Record, values: dict[str, str]) -> None:
        rec.external_id = values.get("external_id", "")[:120]
        if values.get("visibility"):
            visibility = self._word(rec, values, "visibility", m.VISIBILITY_WORDS)
            if visibility:
                rec.data["visibility"] = visibility

    # kinds

    def _achievements(self, rec: Record, values: dict[str, str]) -> None:
        from jieli.achievements.models import TransferMode

        self._common(rec, values)
        self._owner(rec, values)
        data = rec.data
        data["title"] = self._required(rec, values, "title")
        for name in ("summary", "detail", "team", "application_fields"):
            if name in values:
                data[name] = values[name]
        if values.get("contact"):
            contact = _("Contact: {name}").format(name=values["contact"])
            data["detail"] = f"{data.get('detail', '')}\n\n{contact}".strip()
        for name, kind in (
            ("industry", "industry"),
            ("discipline", "discipline"),
            ("region", "region"),
        ):
            if name in values:
                data[name] = self._code(rec, values, name, kind) or ""
        if "maturity" in values:
            data["maturity"] = self._word(rec, values, "maturity", m.MATURITY_WORDS) or ""
        if values.get("trl"):
            try:
                data["trl"] = parse_trl(values["trl"])
            except ValueError:
                self._error(rec, "trl", values["trl"], _("Enter a level from 1 to 9."))
        modes = self._words(rec, values, "transfer_modes", m.TRANSFER_WORDS, TransferMode.values)
        if modes is not None:
            data["transfer_modes"] = modes
        keywords = self._keywords(values)
        if keywords is not None:
            data["keywords"] = keywords
        if "dual_use" in values:
            flag = self._bool(rec, values, "dual_use")
            if flag is not None:
                data["dual_use"] = flag
        price = values.get("price", "")
        if not price or m.word_key(price) in m.NEGOTIABLE_WORDS:
            data["price_negotiable"], data["price_wan"] = True, None
        else:
            try:
                number = parse_decimal(price)
            except (InvalidOperation, ValueError):
                self._error(rec, "price", price, _("Enter a price in 10,000 yuan, or “面议”."))
            else:
                if number < 0:
                    self._error(rec, "price", price, _("The price cannot be negative."))
                data["price_negotiable"], data["price_wan"] = False, number
        if "patent_numbers" in values:
            numbers: list[str] = []
            for part in _SPLIT_PATENTS.split(values["patent_numbers"]):
                patent = part.strip().upper()
                if patent and patent not in numbers:
                    numbers.append(patent)
            rec.ip_records = [{"number": n, "ip_type": ip_type_of(n)} for n in numbers]

    def _demands(self, rec: Record, values: dict[str, str]) -> None:
        from jieli.demands.models import CooperationMode

        self._common(rec, values)
        self._owner(rec, values)
        data = rec.data
        data["title"] = self._required(rec, values, "title")
        data["problem"] = self._required(rec, values, "problem")
        for name in (
            "target_indicators",
            "existing_base",
            "contact_name",
            "contact_phone",
            "contact_email",
        ):
            if name in values:
                data[name] = values[name]
        for name in ("industry", "region"):
            if name in values:
                data[name] = self._code(rec, values, name, name) or ""
        modes = self._words(
            rec, values, "cooperation_modes", m.COOPERATION_WORDS, CooperationMode.values
        )
        if modes is not None:
            data["cooperation_modes"] = modes
        keywords = self._keywords(values)
        if keywords is not None:
            data["keywords"] = keywords
        budget = values.get("budget", "")
        if budget:
            if m.word_key(budget) in m.NEGOTIABLE_WORDS:
                data["budget_negotiable"] = True
            else:
                parts = re.split(r"\s*(?:-|~|～|至|到|—)\s*", budget, maxsplit=1)
                try:
                    numbers = [parse_decimal(p) for p in parts if p]
                except (InvalidOperation, ValueError):
                    self._error(
                        rec,
                        "budget",
                        budget,
                        _("Enter an amount in 10,000 yuan, a range like 50-100, or “面议”."),
                    )
                    numbers = []
                if numbers:
                    data["budget_min_wan"], data["budget_max_wan"] = numbers[0], numbers[-1]
                    data["budget_negotiable"] = False
        for name, target in (("budget_min", "budget_min_wan"), ("budget_max", "budget_max_wan")):
            if values.get(name):
                try:
                    data[target] = parse_decimal(values[name])
                except (InvalidOperation, ValueError):
                    self._error(rec, name, values[name], _("Enter a number."))
        for target in ("budget_min_wan", "budget_max_wan"):
            if data.get(target) is not None and data[target] < 0:
                self._error(
                    rec, "budget", str(data[target]), _("Must be at least {n}.").format(n=0)
                )
        if values.get("deadline"):
            try:
                deadline = parse_date(values["deadline"])
            except ValueError:
                self._error(
                    rec, "deadline", values["deadline"], _("Enter a valid date (YYYY-MM-DD).")
                )
            else:
                if deadline < timezone.localdate():
                    self._error(
                        rec,
                        "deadline",
                        values["deadline"],
                        _("The deadline must not be in the past."),
                    )
                data["deadline"] = deadline

    def _organisations(self, rec: Record, values: dict[str, str]) -> None:
        self._common(rec, values)
        rec.data.pop("visibility", None)
        data = rec.data
        data["name"] = self._required(rec, values, "name")
        data["org_type"] = self._word(rec, values, "org_type", m.ORG_TYPE_WORDS) or (
            "other" if not values.get("org_type") else ""
        )
        for name in ("credit_code", "address", "website", "description"):
            if name in values:
                data[name] = values[name]
        if "credit_code" in data:
            data["credit_code"] = data["credit_code"].upper().replace(" ", "")
        if "region" in values:
            data["region"] = self._code(rec, values, "region", "region") or ""

    def _experts(self, rec: Record, values: dict[str, str]) -> None:
        self._common(rec, values)
        rec.data.pop("visibility", None)
        data = rec.data
        data["name"] = self._required(rec, values, "name")
        for name in ("title", "bio", "email", "phone"):
            if name in values:
                data[name] = values[name]
        if "organisation" in values:
            text = values["organisation"]
            org_id = self.ctx.org_id(text) if text else None
            data["organisation"] = org_id
            data["organisation_name"] = "" if org_id else text
        if "region" in values:
            data["region"] = self._code(rec, values, "region", "region") or ""
        for name, kind in (("industries", "industry"), ("disciplines", "discipline")):
            if name in values:
                data[name] = self._codes(rec, values, name, kind)
        keywords = self._keywords(values)
        if keywords is not None:
            data["keywords"] = keywords
        for name in ("willing_to_consult", "willing_to_evaluate", "is_public"):
            flag = self._bool(rec, values, name)
            if flag is not None:
                data[name] = flag


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
