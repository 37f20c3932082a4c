import pytest

from jieli.core.validators import credit_code_check_char, is_valid_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91370000163044841F", "91370000163044841f"])
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
