"""Read a plain UTF-8 CSV into columns (pyarrow) and check whole columns at once.

The row-by-row reader (dangol.imports.readers) and validators stay the reference: this module only
takes the common, unambiguous case faster. A file is read here only when every record sits on one
physical line (so a row's line number is its position + 2), nothing in it needs the row reader's
repairs (NUL bytes, blank rows, other encodings) and pyarrow parses it without complaint; otherwise
`read_columns` returns None and the caller uses the row reader. Likewise each check below accepts a
cell only in a form whose clean value it can compute exactly as the row validator would; every other
row is handed to the row validator, which produces its usual Korean message (or accepts it).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections import UserList
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dangol.imports.limits import Limits, too_large, too_many_cells, too_many_columns, too_many_rows

# NUL (the row reader drops it) and the characters Python's str.strip() removes that are not Unicode
# White_Space (pyarrow's trim keeps them). UTF-8 uses these bytes for nothing else, so a plain byte search
# finds them: about 20x less CPU than a regex over a 57 MB file (issue 18).
_ODD_BYTES = (b"\x00", b"\x1c", b"\x1d", b"\x1e", b"\x1f")


@dataclass
class Columns:
    """Row i of the file is on line i + 2 (the header is line 1, and every record is one line)."""

    header: list[str]
    rows: int
    cells: dict[str, pa.Array]  # canonical column → stripped text, one value per row

    def get(self, key: str) -> pa.Array | None:
        return self.cells.get(key)


class ArrowList(UserList[Any]):
    """The Python values of an Arrow array, made only when first read. Turning Arrow dates and
    timezone-aware timestamps into Python objects costs about 2 and 8 µs a value (2 s of CPU for 200,000
    customers), and a first import on SQLite writes their text form and never reads them. Values
    appended before that are kept aside; `take` picks rows without making the values."""

    def __init__(self, array: pa.Array) -> None:  # no super().__init__: it would assign `data`
        self._array: pa.Array | None = array
        self._tail: list[Any] = []
        self._made: list[Any] = []

    @property  # type: ignore[override]
    def data(self) -> list[Any]:
        if self._array is not None:
            self._made = [*self._array.to_pylist(), *self._tail]
            self._array, self._tail = None, []
        return self._made

    @data.setter
    def data(self, values: list[Any]) -> None:
        self._array, self._tail, self._made = None, [], values

    def __len__(self) -> int:
        return len(self._made) if self._array is None else len(self._array) + len(self._tail)

    def append(self, item: Any) -> None:
        if self._array is None:
            self._made.append(item)
        else:
            self._tail.append(item)

    def item(self, index: int) -> Any:
        """The value at `index` (not negative), without making the others."""
        if self._array is None:
            return self._made[index]
        size = len(self._array)
        return self._array[index].as_py() if index < size else self._tail[index - size]

    def take(self, keep: list[int]) -> ArrowList | list[Any]:
        if self._array is None or self._tail:
            return [self.data[i] for i in keep]
        return ArrowList(self._array.take(pa.array(keep, pa.int64())))


def _lone_cr(data: bytes) -> bool:
    """True when a carriage return is not followed by a line feed (old Mac line ends: the row reader's
    case). Counting both is half the CPU of removing every CRLF and searching the copy."""
    return b"\r" in data and data.count(b"\r") != data.count(b"\r\n")


def read_columns(
    path: Path | str, *, filename: str | None, columns: dict[str, str], limits: Limits | None = None
) -> Columns | None:
    """The file's cells by canonical column, or None when the row reader must read it (see module doc)."""
    path = Path(path)
    limits = limits or Limits.from_settings()
    if not (filename or path.name).lower().endswith((".csv", ".txt")):
        return None
    if path.stat().st_size > limits.max_bytes:
        raise too_large(limits)
    data = path.read_bytes()
    if not data or any(odd in data for odd in _ODD_BYTES) or _lone_cr(data):
        return None
    try:
        codecs.decode(data, "utf-8")
    except UnicodeDecodeError:
        return None
    first_end = data.find(b"\n")
    head = data if first_end < 0 else data[:first_end]
    header_rows = list(csv.reader([head.decode("utf-8-sig").rstrip("\r")]))
    if len(header_rows) != 1:
        return None
    header = [c.strip() for c in header_rows[0]]
    if not any(header) or '"' in head.decode("utf-8-sig"):
        return None
    width = len(header)
    if width > limits.max_columns:
        raise too_many_columns(limits)
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data[first_end + 1 :] if first_end >= 0 else b""),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    rows = table.num_rows
    # One record per physical line, no blank line anywhere: otherwise line numbers need the row reader.
    newlines = data.count(b"\n")
    if newlines - (1 if data.endswith(b"\n") else 0) != rows:
        return None
    if rows + 1 > limits.max_rows:
        raise too_many_rows(limits)
    if (rows + 1) * width > limits.max_cells:
        raise too_many_cells(limits)
    stripped = [pc.utf8_trim_whitespace(table.column(i).combine_chunks()) for i in range(width)]
    if rows:
        empty = None
        for col in stripped:
            blank = pc.equal(pc.utf8_length(col), 0)
            empty = blank if empty is None else pc.and_(empty, blank)
        if empty is not None and pc.any(empty).as_py():
            return None  # a row of empty cells is skipped by the row reader, which shifts nothing here
    cells: dict[str, pa.Array] = {}
    for position, name in enumerate(header):
        key = columns.get(name.strip().lower()) or columns.get(name.strip())
        if key and key not in cells:
            cells[key] = stripped[position]
    return Columns(header=header, rows=rows, cells=cells)


# --------------------------------------------------------------------------------------------
# Column checks: each returns (ok mask, clean values) for the cells it can decide exactly.


def true_mask(n: int) -> pa.Array:
    return pa.array([True] * n, type=pa.bool_()) if n else pa.array([], type=pa.bool_())


def is_empty(col: pa.Array) -> pa.Array:
    return pc.equal(pc.utf8_length(col), 0)


def length_at_most(col: pa.Array, limit: int) -> pa.Array:
    return pc.less_equal(pc.utf8_length(col), limit)


def matches(col: pa.Array, pattern: str) -> pa.Array:
    return pc.match_substring_regex(col, pattern)


def mobile_phones(col: pa.Array) -> tuple[pa.Array, pa.Array]:
    """010-1234-5678, 01012345678 or 010 1234 5678 (and empty) → (ok, canonical 010-1234-5678 or '')."""
    ok = pc.or_(is_empty(col), matches(col, r"^010([- ]?)\d{4}([- ]?)\d{4}$"))
    digits = pc.replace_substring_regex(col, r"[- ]", "")
    canonical = pc.replace_substring_regex(digits, r"^(\d{3})(\d{4})(\d{4})$", r"\1-\2-\3")
    return ok, canonical


def iso_dates(col: pa.Array, *, today: dt.date) -> tuple[pa.Array, pa.Array]:
    """YYYY-MM-DD or YYYY.MM.DD (and empty), a real date from 1900 to today → (ok, date32)."""
    dashed = pc.replace_substring(col, ".", "-")
    shaped = matches(col, r"^\d{4}([-.])\d{2}([-.])\d{2}$")
    same_sep = pc.or_(matches(col, r"^\d{4}-\d{2}-\d{2}$"), matches(col, r"^\d{4}\.\d{2}\.\d{2}$"))
    parsed = pc.cast(
        pc.strptime(
            pc.if_else(shaped, dashed, "1900-01-01"), format="%Y-%m-%d", unit="s", error_is_null=True
        ),
        pa.date32(),
    )
    # strptime rolls an impossible day over (2023-02-30 → 03-02): the date must print back as written
    # (a cast prints the ISO form as strftime does, about 15x faster: issue 18's profile)
    exact = pc.equal(pc.cast(parsed, pa.string()), dashed)
    in_range = pc.and_(
        pc.greater_equal(parsed, pa.scalar(dt.date(1900, 1, 1))), pc.less_equal(parsed, pa.scalar(today))
    )
    in_range = pc.and_(exact, in_range)
    good = pc.and_(pc.and_(shaped, same_sep), pc.fill_null(in_range, False))
    return pc.or_(is_empty(col), good), parsed


# Seoul has kept UTC+9 without daylight saving since 1988-10-09; older times go to the row validator.
_SEOUL_FIXED_FROM = int(dt.datetime(1989, 1, 1, tzinfo=dt.UTC).timestamp())


def seoul_datetimes(col: pa.Array, *, latest: dt.datetime) -> tuple[pa.Array, pa.Array]:
    """YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS in Seoul time (and empty), not after `latest`
    → (ok, UTC timestamp[s, tz=UTC])."""
    shaped = matches(col, r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")
    length = pc.utf8_length(col)
    full = pc.if_else(
        pc.equal(length, 10),
        pc.binary_join_element_wise(col, " 00:00:00", ""),
        pc.if_else(pc.equal(length, 16), pc.binary_join_element_wise(col, ":00", ""), col),
    )
    full = pc.if_else(shaped, full, "2000-01-01 00:00:00")
    local = pc.strptime(full, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    exact = pc.equal(pc.cast(local, pa.string()), full)  # no rolled-over 02-30 or 24:00
    utc = pc.subtract(pc.cast(local, pa.int64()), 9 * 3600)
    stamps = pc.cast(pc.cast(utc, pa.timestamp("s")), pa.timestamp("s", tz="UTC"))
    lower = _SEOUL_FIXED_FROM
    upper = int(latest.timestamp())
    in_range = pc.and_(pc.greater_equal(utc, lower), pc.less_equal(utc, upper))
    good = pc.and_(shaped, pc.fill_null(pc.and_(in_range, exact), False))
    return pc.or_(is_empty(col), good), stamps


def utc_text(stamps: pa.Array) -> list[Any]:
    """UTC timestamps as SQLite holds Django datetimes ('YYYY-MM-DD HH:MM:SS'); nulls stay None. A cast of
    the zone-less timestamp prints that form, about 15x faster than strftime."""
    return pc.cast(pc.cast(stamps, pa.timestamp("s")), pa.string()).to_pylist()


def plain_amounts(col: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Digits with optional thousands commas ('12345', '12,345') → (ok, int64); empty is not ok here."""
    ok = pc.or_(matches(col, r"^\d{1,15}$"), matches(col, r"^\d{1,3}(,\d{3}){1,4}$"))
    digits = pc.replace_substring(pc.if_else(ok, col, "0"), ",", "")
    return ok, pc.cast(digits, pa.int64())
