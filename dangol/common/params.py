"""Numbers from a request, parsed one way everywhere.

`str.isdigit()` accepts "²" and "٣" (then `int()` raises), and a twenty-digit id overflows SQLite's
integer (then the query raises): both were 500s. Only ASCII digits within range pass here.
"""

from __future__ import annotations

from typing import overload

# The largest value a BigAutoField / SQLite INTEGER holds.
MAX_ID = 2**63 - 1


@overload
def parse_int(value: object, *, default: int, minimum: int = 0, maximum: int = MAX_ID) -> int: ...
@overload
def parse_int(
    value: object, *, default: None = None, minimum: int = 0, maximum: int = MAX_ID
) -> int | None: ...
def parse_int(
    value: object, *, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """The integer in `value` if it is only ASCII digits (an optional leading minus when `minimum` < 0)
    and within [minimum, maximum]; otherwise `default`."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value or "").strip()
        digits = text[1:] if text.startswith("-") and minimum < 0 else text
        if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 19:
            return default
        number = int(text)
    if number < minimum or number > maximum:
        return default
    return number


def parse_ids(values: list[str], *, limit: int = 1000) -> list[int]:
    """Valid ids out of a list of form values (e.g. checked rows), at most `limit` of them."""
    ids = [n for n in (parse_int(v, minimum=1) for v in values[:limit]) if n is not None]
    return list(dict.fromkeys(ids))


class IdConverter:
    """`<id:pk>` in URLs: ASCII digits that fit a database id; anything else is a 404, never a 500."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_int(value, minimum=0)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
