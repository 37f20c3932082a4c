from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from jieli.matching.ranking import Facts, combine, highlight, structured_fit, terms_reason

pytestmark = pytest.mark.django_db

NEED = Facts(
    industry="38",
    industry_label="电气机械和器材制造业",
    region="371002",
    region_label="山东省",
    cooperation_modes=("licensing",),
    budget_max_wan=Decimal("200"),
)


def offer(**kw):
    base = {
        "industry": "3841",
        "industry_label": "锂离子电池制造",
        "region": "370102",
        "region_label": "山东省 济南市",
        "trl": 6,
        "transfer_modes": ("licence",),
        "price_wan": Decimal("150"),
        "confirmed_at": timezone.now(),
    }
    base.update(kw)
    return Facts(**base)


def test_good_fit_scores_high_and_says_why_in_chinese():
    with translation.override("zh-hans"):
        fit = structured_fit(NEED, offer())
    assert fit.score > 0.85
    text = "；".join(fit.reasons)
    assert "C38 电气机械和器材制造业" in text and "TRL 6" in text and "预算" in text


def test_reasons_follow_the_language():
    with translation.override("en"):
        fit = structured_fit(NEED, offer())
    assert any("budget" in r for r in fit.reasons)
    assert "Same province: Shandong" in fit.reasons


def test_immature_result_for_licensing_scores_lower():
    ready = structured_fit(NEED, offer(trl=7)).score
    early = structured_fit(NEED, offer(trl=2)).score
    assert ready > early


def test_missing_fields_neither_help_nor_hurt():
    fit = structured_fit(Facts(), Facts())
    assert fit.score == 0.5 and fit.reasons == []
    assert all(v is None for k, v in fit.components.items() if k != "budget")


def test_price_over_budget_and_other_province_lower_the_fit():
    near = structured_fit(NEED, offer()).score
    far = structured_fit(NEED, offer(price_wan=Decimal("900"), region="440305")).score
    assert near > far


def test_stale_confirmation_lowers_freshness():
    old = structured_fit(NEED, offer(confirmed_at=timezone.now() - timedelta(days=700)))
    assert old.components["freshness"] == 0.0


def test_combine_weights_text_and_fit():
    fit = structured_fit(NEED, offer())
    assert combine(1.0, fit) > combine(0.0, fit)


def test_highlight_escapes_and_marks_both_scripts():
    out = highlight("<b>Lithium</b> batteries & 锂电池", ["batteri", "锂电池", "amp"])
    assert out.startswith("&lt;b&gt;Lithium&lt;/b&gt; <mark>batteries</mark> &amp;")
    assert "<mark>锂电池</mark>" in out


def test_terms_reason_lists_shared_terms():
    with translation.override("zh-hans"):
        assert (
            terms_reason(["低温电解液", "容量保持率"]) == "技术关键词重合：低温电解液、容量保持率"
        )
