"""Japanese public identifiers and their check digits.

- Corporate number (法人番号): 13 digits; the first is the check digit over the 12-digit base
  number: 9 − (Σ Pn × Qn mod 9), Pn the n-th digit from the right, Qn = 1 for odd n, 2 for even.
- Local government code (全国地方公共団体コード): 6 digits; the last is the check digit over the
  first five: the last digit of 11 − (Σ digit × weight mod 11), weights 6, 5, 4, 3, 2.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def corporate_number_check_digit(base: str) -> int:
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def local_government_code_check_digit(first_five: str) -> int:
    total = sum(
        int(digit) * weight for digit, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True)
    )
    return (11 - total % 11) % 10


def validate_corporate_number(value: str) -> None:
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A corporate number has exactly 13 digits."), code="format")
    if int(value[0]) != corporate_number_check_digit(value[1:]):
        raise ValidationError(
            _("The check digit (the first digit) is wrong: expected %(expected)s."),
            code="check_digit",
            params={"expected": corporate_number_check_digit(value[1:])},
        )


def validate_local_government_code(value: str) -> None:
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("A local government code has exactly 6 digits."), code="format")
    if int(value[5]) != local_government_code_check_digit(value[:5]):
        raise ValidationError(
            _("The check digit (the last digit) is wrong: expected %(expected)s."),
            code="check_digit",
            params={"expected": local_government_code_check_digit(value[:5])},
        )


def local_government_corporate_number(code: str) -> str:
    """A local government's corporate number: its six-digit code behind 000020, checked."""
    base = f"000020{code}"
    return f"{corporate_number_check_digit(base)}{base}"
