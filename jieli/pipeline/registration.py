"""The technology contract registration number (技术合同登记编号).

The rule, from the Ministry of Science and Technology's model technology contracts (科学技术部
监制《技术合同示范文本》, "填写说明" 一、合同登记编号的填写方法): the number has fourteen digits;
digits 1–2 are the year (公历年代号, last two digits), 3–4 the province (省、自治区、直辖市编码),
5–6 the prefecture or city (地、市编码), 7–8 the registration point (合同登记点编号), 9–14 the
registration's serial number (合同登记序号); shorter parts are padded with zeros, and the region
codes follow GB/T 2260 (GB 2260-84 in the text). So "23370200000123" is Shandong (37), Qingdao
(02), registration point 00, serial 000123, registered in 2023.

We check the shape, that the province is a GB/T 2260 province-level code and that the serial
is not all zeros; we cannot check that the registration exists (no public register to ask).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB/T 2260 province-level codes (first two digits), including Taiwan, Hong Kong and Macao.
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
_SHAPE = re.compile(r"\d{14}")


def normalise_registration_number(value: str) -> str:
    """Spaces and hyphens people type between the groups are dropped."""
    return re.sub(r"[\s\-]", "", value or "")


def is_valid_registration_number(value: str) -> bool:
    code = normalise_registration_number(value)
    return bool(_SHAPE.fullmatch(code)) and code[2:4] in PROVINCES and code[8:] != "000000"


def validate_registration_number(value: str) -> None:
    if value and not is_valid_registration_number(value):
        raise ValidationError(
            _(
                "“{value}” is not a technology contract registration number: 14 digits — year "
                "(2), province (2), city (2), registration point (2), serial number (6), e.g. "
                "23370200000123."
            ).format(value=value),
            code="invalid_registration_number",
        )
