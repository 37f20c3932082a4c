"""Column headers → import fields, and the word tables that turn free text into model codes.

Headers are matched after normalisation (NFKC, lower case, no spaces or punctuation), so
"成果名称", "成果名称（必填）" and " Title " all work. A saved mapping file
``{"column header": "field"}`` overrides or extends the built-in table.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from jieli.imports.readers import ImportFileError

# The column the rejected-rows file adds; ignored when that file is imported again.
ERROR_COLUMN = "import_errors"

COMMON: dict[str, tuple[str, ...]] = {
    "external_id": ("外部编号", "编号", "id", "external_id", "externalid", "序号id", "原编号"),
    "region": ("所在地区", "地区", "所在地", "区域", "省市", "region", "location"),
    "industry": ("技术领域", "行业", "所属行业", "行业领域", "industry", "field"),
    "keywords": ("关键词", "关键字", "keywords", "keyword", "tags"),
    "visibility": ("可见范围", "公开范围", "visibility"),
}

FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "achievements": {
        "title": ("成果名称", "项目名称", "名称", "标题", "title", "name"),
        "summary": ("成果简介", "摘要", "简介", "成果摘要", "项目简介", "summary", "abstract"),
        "detail": ("详细介绍", "详细说明", "技术详情", "detail", "details", "description"),
        "owner": (
            "第一完成单位",
            "完成单位",
            "所属单位",
            "单位",
            "owner",
            "organisation",
            "organization",
        ),
        "team": ("完成人", "团队", "成果完成人", "团队成员", "team", "authors"),
        "discipline": ("学科", "学科分类", "discipline"),
        "maturity": ("成熟度", "成果成熟度", "技术成熟度", "阶段", "maturity"),
        "trl": ("技术就绪度", "就绪度", "trl", "技术就绪水平"),
        "patent_numbers": ("专利号", "专利", "知识产权", "专利号码", "patentnumbers", "patents"),
        "transfer_modes": (
            "合作方式",
            "转让方式",
            "转化方式",
            "交易方式",
            "transfermodes",
            "transfermode",
        ),
        "price": ("转让价格", "价格", "价格万元", "转让价格万元", "price", "pricewan"),
        "contact": ("联系人", "contact"),
        "application_fields": ("应用领域", "应用范围", "applicationfields"),
        "dual_use": ("军民两用", "dualuse"),
    },
    "demands": {
        "title": ("需求名称", "项目名称", "名称", "标题", "title", "name"),
        "problem": (
            "需求描述",
            "需求内容",
            "问题描述",
            "需求简介",
            "描述",
            "简介",
            "problem",
            "summary",
            "description",
        ),
        "target_indicators": ("技术指标", "目标指标", "指标要求", "targetindicators"),
        "existing_base": ("现有基础", "已有基础", "existingbase"),
        "owner": (
            "需求单位",
            "发布单位",
            "单位名称",
            "单位",
            "owner",
            "organisation",
            "organization",
        ),
        "cooperation_modes": ("合作方式", "合作模式", "cooperationmodes", "cooperationmode"),
        "budget": ("预算", "预算金额", "投入金额", "价格", "金额", "budget"),
        "budget_min": ("预算下限", "最低预算", "budgetmin", "budgetminwan"),
        "budget_max": ("预算上限", "最高预算", "budgetmax", "budgetmaxwan"),
        "deadline": ("截止日期", "截止时间", "有效期", "有效期至", "deadline"),
        "contact_name": ("联系人", "contact", "contactname"),
        "contact_phone": ("联系电话", "电话", "手机", "phone", "contactphone"),
        "contact_email": ("电子邮箱", "邮箱", "电子邮件", "email", "contactemail"),
    },
    "organisations": {
        "name": ("单位名称", "机构名称", "名称", "单位", "name", "organisation", "organization"),
        "org_type": ("单位类型", "机构类型", "类型", "类别", "type", "orgtype"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "creditcode"),
        "address": ("地址", "详细地址", "通讯地址", "address"),
        "website": ("网址", "网站", "主页", "website", "url"),
        "description": ("简介", "单位简介", "机构简介", "介绍", "description", "summary"),
    },
    "experts": {
        "name": ("姓名", "专家姓名", "名字", "name"),
        "organisation": (
            "工作单位",
            "所在单位",
            "单位",
            "organisation",
            "organization",
            "affiliation",
        ),
        "title": ("职称", "职务", "专业技术职称", "title"),
        "industries": ("技术领域", "行业", "所属行业", "行业领域", "industry", "industries"),
        "disciplines": ("学科", "学科领域", "研究方向学科", "discipline", "disciplines"),
        "bio": ("简介", "个人简介", "专家简介", "研究方向", "bio", "profile"),
        "willing_to_consult": ("愿意咨询", "提供咨询", "consulting", "willingtoconsult"),
        "willing_to_evaluate": ("愿意评审", "参与评审", "评价", "evaluation", "willingtoevaluate"),
        "email": ("电子邮箱", "邮箱", "电子邮件", "email"),
        "phone": ("联系电话", "电话", "手机", "phone"),
        "is_public": ("公开", "是否公开", "ispublic", "public"),
    },
}
# Experts list several industries; the common "industry" aliases go there instead.
_NO_COMMON = {"experts": {"industry"}, "organisations": {"keywords", "industry", "visibility"}}

KINDS = tuple(FIELDS)


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[（(][^）)]*[）)]", "", text)  # "价格（万元）" → "价格"
    return re.sub(r"[\s_\-*:：/·.、]+", "", text)


def known_fields(kind: str) -> set[str]:
    skip = _NO_COMMON.get(kind, set())
    return set(FIELDS[kind]) | {f for f in COMMON if f not in skip}


def alias_table(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    skip = _NO_COMMON.get(kind, set())
    for name, aliases in COMMON.items():
        if name in skip:
            continue
        for alias in (*aliases, name):
            table.setdefault(normalise_header(alias), name)
    for name, aliases in FIELDS[kind].items():
        for alias in (*aliases, name):
            # Kind-specific aliases win over the common ones (e.g. "单位").
            table[normalise_header(alias)] = name
    return table


def load_mapping_file(path: str | Path) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(_("The mapping file is not valid JSON.")) from exc
    return check_mapping(data)


def check_mapping(data: Any) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ImportFileError(
            _("The mapping must be a JSON object of “column header”: “field” pairs.")
        )
    return dict(data)


def map_columns(
    kind: str, header: list[str], mapping: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """``({column: field}, [ignored columns])``; raises for a mapping to an unknown field."""
    fields = known_fields(kind)
    mapping = mapping or {}
    unknown = sorted({v for v in mapping.values() if v and v not in fields})
    if unknown:
        raise ImportFileError(
            _("The mapping names unknown fields: {fields}. Known fields: {known}.").format(
                fields=", ".join(unknown), known=", ".join(sorted(fields))
            )
        )
    by_normalised = {normalise_header(k): v for k, v in mapping.items()}
    table = alias_table(kind)
    columns: dict[str, str] = {}
    ignored: list[str] = []
    taken: set[str] = set()
    for column in header:
        if column == ERROR_COLUMN:
            continue
        key = normalise_header(column)
        target = mapping.get(column) or by_normalised.get(key) or table.get(key)
        if not target or target in taken:
            ignored.append(column)
            continue
        columns[column] = target
        taken.add(target)
    return columns, ignored


# --- word tables ----------------------------------------------------------------------------

MATURITY_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "研发",
            "研发阶段",
            "研究",
            "研究阶段",
            "理论研究",
            "基础研究",
            "原理",
            "概念",
            "research",
            "rd",
        ),
        "research",
    ),
    **dict.fromkeys(
        ("实验室", "实验室阶段", "小试", "小试阶段", "样品", "实验", "lab", "laboratory"), "lab"
    ),
    **dict.fromkeys(("中试", "中试阶段", "样机", "试生产", "小批量", "工程化", "pilot"), "pilot"),
    **dict.fromkeys(
        (
            "量产",
            "批量生产",
            "产业化",
            "已产业化",
            "规模化",
            "规模化生产",
            "成熟应用",
            "推广应用",
            "mass",
            "massproduction",
            "production",
        ),
        "mass",
    ),
}

TRANSFER_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("转让", "技术转让", "专利转让", "成果转让", "assignment", "transfer"), "assignment"
    ),
    **dict.fromkeys(
        ("许可", "技术许可", "专利许可", "授权", "许可使用", "licence", "license", "licensing"),
        "licence",
    ),
    **dict.fromkeys(
        ("作价投资", "作价入股", "技术入股", "入股", "股权", "投资", "equity"), "equity"
    ),
    **dict.fromkeys(
        ("合作开发", "联合开发", "合作", "共同开发", "joint", "jointdevelopment"), "joint"
    ),
    **dict.fromkeys(("技术服务", "技术咨询", "咨询", "服务", "service", "consulting"), "service"),
    **dict.fromkeys(("其他", "其它", "面议", "other"), "other"),
}

COOPERATION_WORDS: dict[str, str] = {
    **dict.fromkeys(("转让", "技术转让", "成果转让", "transfer"), "transfer"),
    **dict.fromkeys(
        ("许可", "技术许可", "专利许可", "licensing", "licence", "license"), "licensing"
    ),
    **dict.fromkeys(
        ("合作开发", "联合开发", "合作", "共同开发", "jointdevelopment", "joint"),
        "joint_development",
    ),
    **dict.fromkeys(
        ("委托开发", "委托研发", "委托", "commissioneddevelopment"), "commissioned_development"
    ),
    **dict.fromkeys(("技术咨询", "咨询", "consulting"), "consulting"),
    **dict.fromkeys(("技术服务", "服务", "technicalservice", "service"), "technical_service"),
    **dict.fromkeys(("人才引进", "人才", "人才合作", "talent"), "talent"),
}

ORG_TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("科技局", "科技管理部门", "sciencebureau"), "science_bureau"),
    **dict.fromkeys(("高新区", "国家高新区", "园区", "hightechzone"), "high_tech_zone"),
    **dict.fromkeys(
        ("科研院所", "研究院", "研究所", "科研机构", "院所", "researchinstitute"),
        "research_institute",
    ),
    **dict.fromkeys(("高校", "大学", "学院", "高等院校", "university"), "university"),
    **dict.fromkeys(
        ("服务机构", "技术服务机构", "中介机构", "技术转移机构", "serviceagency"), "service_agency"
    ),
    **dict.fromkeys(("企业", "公司", "enterprise", "company"), "enterprise"),
    **dict.fromkeys(("投资机构", "基金", "创投", "investor"), "investor"),
    **dict.fromkeys(("其他", "其它", "other"), "other"),
}

VISIBILITY_WORDS: dict[str, str] = {
    **dict.fromkeys(("公开", "public", "公开摘要"), "public"),
    **dict.fromkeys(("会员", "会员可见", "仅会员", "members", "member"), "members"),
    **dict.fromkeys(("私有", "不公开", "仅本单位", "private"), "private"),
}

TRUE_WORDS = frozenset(("是", "有", "愿意", "y", "yes", "true", "1", "√", "✓"))
FALSE_WORDS = frozenset(("否", "无", "不", "不愿意", "n", "no", "false", "0", ""))

NEGOTIABLE_WORDS = frozenset(("面议", "议价", "协商", "价格面议", "negotiable", "tbd"))


def word_key(text: str) -> str:
    return normalise_header(text)


def lookup_word(table: dict[str, str], text: str) -> str | None:
    key = word_key(text)
    if key in table:
        return table[key]
    for word, code in table.items():  # "已进入中试阶段" contains "中试"
        if len(word) >= 2 and not word.isascii() and word in key:
            return code
    return None
