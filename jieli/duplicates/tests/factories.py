"""Records for duplicate tests, built directly (no dependency on other apps' factories)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jieli.achievements.models import Achievement, IntellectualProperty
from jieli.duplicates.models import DuplicateCase
from jieli.organisations.models import Organisation

OLED_TITLE = "一种基于MoO3空穴注入层的绿色OLED器件及其制备方法"
OLED_TEXT = (
    "本发明公开了一种绿色有机电致发光器件。采用真空热蒸镀方法制备掺杂结构器件，"
    "以MoO3作为空穴注入层，显著提高了发光亮度和电流效率。电流效率在3.2V达到37.15cd/A，"
    "功率效率在2.8V达到41.23lm/W。该方法工艺简单，成本低，适合产业化生产。"
)
OLED_REWORDED_TITLE = "基于MoO3空穴注入层的绿色OLED器件制备方法"
OLED_REWORDED_TEXT = (
    "以MoO3作为空穴注入层，显著提升了发光亮度和电流效率。本技术公开了一种绿色有机电致发光器件，"
    "使用真空热蒸镀方法制备掺杂结构器件。电流效率在3.2V达到37.15cd/A，功率效率在2.8V达到41.23lm/W。"
)
OTHER_TITLE = "一种玉米秸秆青贮饲料的发酵工艺"
OTHER_TEXT = (
    "本技术以玉米秸秆为原料，添加乳酸菌复合菌剂进行厌氧发酵，制得的青贮饲料适口性好，"
    "粗蛋白含量提高百分之十五，可在北方牧区推广应用。"
)


def achievement(
    owner: Organisation,
    *,
    title: str = OLED_TITLE,
    summary: str = OLED_TEXT,
    status: str = "published",
    visibility: str = "public",
    ip_numbers: tuple[str, ...] = (),
    keywords: list[str] | None = None,
    **extra: Any,
) -> Achievement:
    now = timezone.now()
    obj = Achievement.objects.create(
        owner=owner,
        title=title,
        summary=summary,
        status=status,
        visibility=visibility,
        price_negotiable=True,
        keywords=keywords or [],
        published_at=now - timedelta(days=1) if status == "published" else None,
        confirmed_at=now - timedelta(days=1) if status == "published" else None,
        **extra,
    )
    for number in ip_numbers:
        IntellectualProperty.objects.create(achievement=obj, number=number, ip_type="invention")
    return obj


def case_between(a: Achievement, b: Achievement, **extra: Any) -> DuplicateCase:
    lo, hi = sorted((a, b), key=lambda r: r.pk)
    return DuplicateCase.objects.create(
        kind="achievement",
        record_a_id=lo.pk,
        record_b_id=hi.pk,
        owner_a_id=lo.owner_id,
        owner_b_id=hi.owner_id,
        score=0.9,
        certainty="suspected",
        reasons=[{"code": "title_similar", "params": {"percent": 90}}],
        **extra,
    )
