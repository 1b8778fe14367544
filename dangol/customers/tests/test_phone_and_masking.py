import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.privacy.masking import mask_email, mask_name, mask_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01012345678", "010-1234-5678"),
        ("010-1234-5678", "010-1234-5678"),
        ("010 1234 5678", "010-1234-5678"),
        ("010.1234.5678", "010-1234-5678"),
        ("+82 10-1234-5678", "010-1234-5678"),
        ("+821012345678", "010-1234-5678"),
        ("0212345678", "02-1234-5678"),
        ("02-123-4567", "02-123-4567"),
        ("031-123-4567", "031-123-4567"),
        ("0311234567", "031-123-4567"),
        ("064-1234-5678", "064-1234-5678"),
        ("011-123-4567", "011-123-4567"),
        ("1588-1234", "1588-1234"),
        ("070-1234-5678", "070-1234-5678"),
        ("1012345678", "010-1234-5678"),
        ("212345678", "02-1234-5678"),
    ],
)
def test_korean_numbers_are_normalised_to_the_hyphenated_form(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "010-123-456", "0101234567890", "12345", "abc", "099-1234-5678", "+1 415 555 0100"]
)
def test_invalid_numbers_raise_a_korean_message(raw: str) -> None:
    with pytest.raises(InvalidPhone) as info:
        normalize_phone(raw)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(info.value))


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_010_number_round_trips_in_any_spelling(n: int) -> None:
    digits = f"010{n:08d}"
    canonical = normalize_phone(digits)
    assert canonical == f"010-{digits[3:7]}-{digits[7:]}"
    assert normalize_phone(canonical.replace("-", " ")) == canonical
    assert normalize_phone("+82 " + canonical[1:]) == canonical
    assert mask_phone(canonical) == f"010-****-{digits[7:]}"


@pytest.mark.parametrize(
    ("name", "masked"), [("홍길동", "홍*동"), ("김철", "김*"), ("남궁민수", "남**수"), ("이", "이"), ("", "")]
)
def test_names_are_masked_in_the_middle(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_email_keeps_only_its_first_letters_and_domain() -> None:
    assert mask_email("gildong@example.com") == "gi*****@example.com"
    assert mask_email("ab@x.kr") == "a*@x.kr"
