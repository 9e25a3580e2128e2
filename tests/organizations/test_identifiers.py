import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shireito.organizations.identifiers import (
    corporate_number_check_digit,
    local_government_code_check_digit,
    local_government_corporate_number,
    validate_corporate_number,
    validate_local_government_code,
)


@pytest.mark.parametrize(
    "value", ["7123456789012", "4011001098993", "8000020130001", "9000020131130"]
)
def test_real_corporate_numbers_validate(value):
    validate_corporate_number(value)


@pytest.mark.parametrize("value", ["130001", "131130", "270008", "271004"])
def test_real_local_government_codes_validate(value):
    validate_local_government_code(value)


@pytest.mark.parametrize(
    ("validator", "value", "code"),
    [
        (validate_corporate_number, "1123456789012", "check_digit"),
        (validate_corporate_number, "712345678901", "format"),
        (validate_corporate_number, "71234567890１2", "format"),
        (validate_local_government_code, "130002", "check_digit"),
        (validate_local_government_code, "13000", "format"),
        (validate_local_government_code, "13000a", "format"),
    ],
)
def test_wrong_identifiers_say_what_is_wrong(validator, value, code):
    with pytest.raises(ValidationError) as error:
        validator(value)
    assert error.value.code == code


def test_the_error_gives_the_expected_check_digit():
    with pytest.raises(ValidationError) as error:
        validate_local_government_code("130009")
    assert "1" in error.value.messages[0]


def test_a_local_governments_corporate_number_follows_from_its_code():
    assert local_government_corporate_number("130001") == "8000020130001"


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(1, 8))
def test_only_the_computed_corporate_check_digit_validates(base, shift):
    check = corporate_number_check_digit(base)
    validate_corporate_number(f"{check}{base}")
    wrong = (check - 1 + shift) % 9 + 1
    with pytest.raises(ValidationError):
        validate_corporate_number(f"{wrong}{base}")


@given(st.text(alphabet="0123456789", min_size=5, max_size=5), st.integers(1, 9))
def test_only_the_computed_local_government_check_digit_validates(first_five, shift):
    check = local_government_code_check_digit(first_five)
    validate_local_government_code(f"{first_five}{check}")
    with pytest.raises(ValidationError):
        validate_local_government_code(f"{first_five}{(check + shift) % 10}")
