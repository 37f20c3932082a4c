"""Validators for Chinese codes used across apps."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc  # type: ignore[import-untyped]

# GB 32100-2015 unified social credit codes; python-stdnum computes the check character. The
# format rule is ours: stdnum wants eight leading digits, but the registering authority (the first
# character) may also be a letter such as Y, so only the region part must be digits.
CREDIT_CODE_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")


def credit_code_check_char(first17: str) -> str:
    return str(uscc.calc_check_digit(first17))


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_credit_code(value: str) -> bool:
    code = normalise_credit_code(value)
    if len(code) != 18 or not set(code) <= CREDIT_CODE_ALPHABET or not code[2:8].isdigit():
        return False
    return credit_code_check_char(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(
            _(
                "“{value}” is not a valid unified social credit code (18 characters, check "
                "character per GB 32100-2015)."
            ).format(value=value),
            code="invalid_credit_code",
        )


# Extension words people write after a Chinese landline number ("0531-8888 0000 转 12").
_EXTENSION = re.compile(r"\s*(转|分机|ext\.?|x)\s*(?=\d{1,6}\s*$)", re.IGNORECASE)


def parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    """The number if ``value`` is a valid mainland mobile, landline or service number (or a valid
    international number written with +), else None."""
    text = _EXTENSION.sub(" ext. ", (value or "").strip())
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def validate_phone(value: str) -> None:
    if value and parse_phone(value) is None:
        raise ValidationError(
            _(
                "Enter a valid phone number: a mobile number such as 138 0000 0000 or a "
                "landline with its area code such as 0531-8888 0000."
            ),
            code="invalid_phone",
        )
