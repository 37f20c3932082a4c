import pytest
from django.core.exceptions import ValidationError

from jieli.core.validators import credit_code_check_char, is_valid_credit_code, validate_phone


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "91370000163044841F",
        "91370000163044841f",
        # A letter as registering authority (Y: other authorities) is valid under GB 32100.
        "Y1370000163044841" + credit_code_check_char("Y1370000163044841"),
    ],
)
def test_valid_credit_codes_pass_the_check_character(code):
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91370000163044841G",
        "9137000016304484",
        "91370000163044841FF",
        "9137000016304484IO",
        "91ABCDEF163044841F",
    ],
)
def test_invalid_credit_codes_are_rejected(code):
    assert not is_valid_credit_code(code)


def test_check_character_is_computed_from_the_first_seventeen():
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "number",
    [
        "13800138000",
        "+86 138 0013 8000",
        "0531-88880000",
        "0531-8888 0000 转 12",
        "010 6275 1234",
        "400-820-8820",
    ],
)
def test_chinese_mobile_landline_and_service_numbers_pass(number):
    validate_phone(number)


@pytest.mark.parametrize(
    "number", ["12345", "1380013800", "138001380001", "0531-888", "电话", "+86 12345", "1" * 41]
)
def test_numbers_that_cannot_be_dialled_are_refused(number):
    with pytest.raises(ValidationError) as exc:
        validate_phone(number)
    assert exc.value.code == "invalid_phone"
