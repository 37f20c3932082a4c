"""Structured fit between a demand and a candidate, and the reasons shown to people.

The text engine says how close two texts are; this module adds what a technology-transfer
officer checks next: same industry, mature enough for the cooperation wanted, same region,
compatible cooperation modes, price within budget, recently confirmed. Each check yields a score
in [0, 1] (or None when a side lacks the field, so missing data neither helps nor hurts) and a
sentence in the user's language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jieli.core.money import format_wan

# How the text score and the structured checks combine, and how the checks weigh each other.
# Chosen by judgement, not fitted: there is no labelled demand–achievement data yet; the stored
# feedback (MatchFeedback) is what a later fit will use.
TEXT_WEIGHT = 0.65
FIT_WEIGHTS = {
    "industry": 0.30,
    "maturity": 0.20,
    "cooperation": 0.20,
    "region": 0.10,
    "budget": 0.12,
    "freshness": 0.08,
}

# What each score component is called where people see it.
COMPONENT_LABELS = {
    "bm25_words": gettext_lazy("Shared words"),
    "bm25_bigrams": gettext_lazy("Shared character pairs"),
    "phrase": gettext_lazy("Same wording"),
    "dense_use": gettext_lazy("Similar meaning (USE model)"),
    "dense_e5": gettext_lazy("Similar meaning (E5 model)"),
    "fused": gettext_lazy("Text score, fused"),
    "probability": gettext_lazy("Chance of relevance"),
    "text": gettext_lazy("Text score"),
    "fit": gettext_lazy("Structured fit"),
    "industry": gettext_lazy("Industry"),
    "maturity": gettext_lazy("Maturity"),
    "cooperation": gettext_lazy("Cooperation mode"),
    "region": gettext_lazy("Region"),
    "budget": gettext_lazy("Price and budget"),
    "freshness": gettext_lazy("Freshness"),
}

# Which achievement transfer modes serve which demand cooperation modes.
COOPERATION_FIT: dict[str, frozenset[str]] = {
    "transfer": frozenset({"assignment"}),
    "licensing": frozenset({"licence"}),
    "joint_development": frozenset({"joint", "equity"}),
    "commissioned_development": frozenset({"joint", "service"}),
    "consulting": frozenset({"service", "other"}),
    "technical_service": frozenset({"service"}),
    "talent": frozenset({"joint", "other", "service"}),
}
# Lowest TRL at which a result is ready for each cooperation mode: buying or licensing a result
# means using it soon (pilot-tested, TRL 6); developing it further starts earlier.
TRL_NEEDED: dict[str, int] = {
    "transfer": 6,
    "licensing": 6,
    "joint_development": 3,
    "commissioned_development": 3,
    "consulting": 1,
    "technical_service": 1,
    "talent": 1,
}
MATURITY_TRL = {"research": 3, "lab": 5, "pilot": 6, "mass": 8}


@dataclass(frozen=True)
class Facts:
    """The structured fields of one side of a match, taken from any listing model."""

    industry: str = ""
    industry_label: str = ""
    region: str = ""
    region_label: str = ""
    trl: int | None = None
    maturity: str = ""
    transfer_modes: tuple[str, ...] = ()
    cooperation_modes: tuple[str, ...] = ()
    price_wan: Decimal | None = None
    price_negotiable: bool = False
    budget_min_wan: Decimal | None = None
    budget_max_wan: Decimal | None = None
    budget_negotiable: bool = False
    confirmed_at: datetime | None = None


@dataclass
class Fit:
    score: float
    components: dict[str, float | None] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def _code_name_uncached(kind: str, code: str) -> str:
    """“C38 Manufacture of electrical machinery …” or “山东省”: one code's name, for a reason
    sentence, in the page's language."""
    from jieli.core.errors import NotFound
    from jieli.regions import selectors as codes

    try:
        if kind == "industry":
            entry = codes.industry_get(code)
            prefix = entry.section if entry.level > 1 else ""
            return f"{prefix}{entry.code} {entry.display_name}"
        region = codes.region_get(code)
        # A prefecture is named with its province ("Shandong Yantai City").
        return region.display_name if region.level == 1 else codes.region_label(code) or code
    except NotFound:
        return code


def _code_name(kind: str, code: str) -> str:
    # Kept with the code lists' tables, so a reload of the lists drops it (regions.cache).
    from jieli.regions.cache import memo

    names = memo("matching:code_names")
    key = (kind, code, translation.get_language() or "")
    if key not in names:
        names[key] = _code_name_uncached(kind, code)
    name: str = names[key]
    return name


def _industry(need: Facts, offer: Facts) -> tuple[float | None, str]:
    a, b = need.industry, offer.industry
    if not a or not b:
        return None, ""
    # GB/T 4754 codes nest by prefix within a section (38 ⊃ 381 ⊃ 3811); sections are letters.
    if a[0].isalpha() or b[0].isalpha():
        section_a = a[0] if a[0].isalpha() else _section_of(a)
        section_b = b[0] if b[0].isalpha() else _section_of(b)
        same = bool(section_a) and section_a == section_b
        return (0.7 if same else 0.0), (
            _("Same industry: {label}").format(label=_code_name("industry", section_a))
            if same
            else ""
        )
    common = _common_prefix(a, b)
    if len(common) >= 2:
        score = {2: 0.8, 3: 0.9}.get(len(common), 1.0)
        return score, _("Same industry: {label}").format(label=_code_name("industry", common))
    return 0.0, ""


def _section_of(code: str) -> str:
    from jieli.core.errors import NotFound
    from jieli.regions.selectors import industry_get

    try:
        return industry_get(code).section
    except NotFound:
        return ""


def _common_prefix(a: str, b: str) -> str:
    out = []
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        out.append(x)
    return "".join(out)


def _offer_trl(offer: Facts) -> int | None:
    if offer.trl:
        return offer.trl
    return MATURITY_TRL.get(offer.maturity)


def _maturity(need: Facts, offer: Facts) -> tuple[float | None, str]:
    trl = _offer_trl(offer)
    if trl is None or not need.cooperation_modes:
        return None, ""
    needed = min(TRL_NEEDED.get(mode, 1) for mode in need.cooperation_modes)
    if trl >= needed:
        if needed >= 6:
            return 1.0, _("TRL {trl} meets the pilot-test maturity the demand needs").format(
                trl=trl
            )
        return 1.0, _("TRL {trl} suits the cooperation wanted").format(trl=trl)
    return max(0.0, 1.0 - (needed - trl) * 0.25), ""


def _cooperation(need: Facts, offer: Facts) -> tuple[float | None, str]:
    if not need.cooperation_modes or not offer.transfer_modes:
        return None, ""
    offered = set(offer.transfer_modes)
    served = [m for m in need.cooperation_modes if COOPERATION_FIT.get(m, frozenset()) & offered]
    if served:
        return 1.0, _("Offers the cooperation wanted")
    return 0.0, ""


def _region(need: Facts, offer: Facts) -> tuple[float | None, str]:
    a, b = need.region, offer.region
    if not a or not b:
        return None, ""
    if len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4]:
        return 1.0, _("Same city: {label}").format(label=_code_name("region", a[:4]))
    if a[:2] == b[:2]:
        return 0.6, _("Same province: {label}").format(label=_code_name("region", a[:2]))
    return 0.0, ""


def _budget(need: Facts, offer: Facts) -> tuple[float | None, str]:
    if offer.price_negotiable or need.budget_negotiable:
        return 0.5, ""
    if offer.price_wan is None or need.budget_max_wan is None:
        return None, ""
    if offer.price_wan <= need.budget_max_wan:
        return 1.0, _("Price {price} is within the budget").format(
            price=format_wan(offer.price_wan)
        )
    if offer.price_wan <= need.budget_max_wan * Decimal("1.5"):
        return 0.4, ""
    return 0.0, ""


def _freshness(offer: Facts, now: datetime) -> tuple[float | None, str]:
    if offer.confirmed_at is None:
        return None, ""
    days = (now - offer.confirmed_at).days
    return max(0.0, 1.0 - days / 365), ""


def structured_fit(need: Facts, offer: Facts, *, now: datetime | None = None) -> Fit:
    now = now or timezone.now()
    checks = {
        "industry": _industry(need, offer),
        "maturity": _maturity(need, offer),
        "cooperation": _cooperation(need, offer),
        "region": _region(need, offer),
        "budget": _budget(need, offer),
        "freshness": _freshness(offer, now),
    }
    components = {name: score for name, (score, _reason) in checks.items()}
    known = {n: s for n, s in components.items() if s is not None}
    weight = sum(FIT_WEIGHTS[n] for n in known)
    score = sum(FIT_WEIGHTS[n] * s for n, s in known.items()) / weight if weight else 0.5
    reasons = [reason for _score, reason in checks.values() if reason]
    return Fit(score=score, components=components, reasons=reasons)


def combine(text_score: float, fit: Fit) -> float:
    return TEXT_WEIGHT * text_score + (1 - TEXT_WEIGHT) * fit.score


def terms_reason(terms: Sequence[str]) -> str:
    if not terms:
        return ""
    return _("Shared technical terms: {terms}").format(terms="、".join(terms[:6]))


def highlight(text: str, terms: Iterable[str], *, limit: int | None = None) -> str:
    """HTML-escape ``text`` and wrap the matched terms in <mark>; safe to render as is.

    Matching runs on the raw text and every piece is escaped on its own, so a term can never
    land inside an HTML entity.
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return html.escape(text)
    # Latin terms may be stems or surface words: mark the whole word that starts with them.
    parts = [r"\b" + re.escape(w) + r"\w*" if w.isascii() else re.escape(w) for w in words]
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        out.append("<mark>" + html.escape(match.group(0)) + "</mark>")
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
