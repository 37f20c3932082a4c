"""Validators for Chinese codes used across apps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code alphabet leaves out I, O, Z, S and V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def is_valid_credit_code(value: str) -> bool:
    code = normalise_credit_code(value)
    if len(code) != 18 or any(ch not in CREDIT_CODE_ALPHABET for ch in code):
        return False
    if not code[2:8].isdigit():
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


# Chinese landlines ("0531-8888 0000 转 12"), mobiles ("138 0000 0000") and "+86 …".
PHONE_PATTERN = r"^\+?[0-9][0-9 \-()]{4,30}([ ]?(转|ext\.?|x)[ ]?[0-9]{1,6})?$"


def validate_phone(value: str) -> None:
    import re

    if value and not re.match(PHONE_PATTERN, value.strip()):
        raise ValidationError(
            _("Enter a phone number: digits, spaces, + - ( ), e.g. 0531-88880000 or 13800000000."),
            code="invalid_phone",
        )
