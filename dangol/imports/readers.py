"""Read CSV (UTF-8 or CP949/EUC-KR) and .xlsx files into rows with their line numbers.

Rows are streamed and counted against the upload limits (dangol.imports.limits) as they are read, so a
file is refused as soon as it breaks one, before it costs more than the limit allows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from dangol.imports.limits import (
    FileFormatError,
    Limits,
    too_large,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from dangol.imports.xlsx import check_xlsx, iter_xlsx_rows

__all__ = ["FileFormatError", "Limits", "Table", "check_file", "iter_rows", "read_table"]

SEOUL = ZoneInfo("Asia/Seoul")
_MAX_LINE = 1_000_000  # characters in one physical CSV line; a longer one is not a customer list


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number as a spreadsheet shows it, cells)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def _kind(name: str) -> str:
    name = name.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise FileFormatError(_("CSV(.csv) 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다."))


def check_file(path: Path | str, *, filename: str | None = None, limits: Limits | None = None) -> int:
    """Refuse (FileFormatError) a file whose type, size or zip directory breaks a limit, without reading rows.

    Returns the bytes of text a read will parse (an .xlsx counts unzipped): a view sends a long file to
    the job worker and answers a short one at once.
    """
    path = Path(path)
    limits = limits or Limits.from_settings()
    kind = _kind(filename or path.name)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_large(limits)
    return check_xlsx(path, limits) if kind == "xlsx" else size


def iter_rows(
    path: Path | str, *, filename: str | None = None, limits: Limits | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The file's non-blank rows as (line number as a spreadsheet shows it, stripped cells), streamed."""
    path = Path(path)
    limits = limits or Limits.from_settings()
    kind = _kind(filename or path.name)
    if path.stat().st_size > limits.max_bytes:
        raise too_large(limits)
    if kind == "xlsx":
        rows: Iterator[tuple[int, list[str]]] = (
            (line, [_cell(v) for v in values]) for line, values in iter_xlsx_rows(path, limits)
        )
    else:
        rows = _iter_csv(path, limits)
    for line, cells in rows:
        if any(cells):  # blank lines are common at the end of exports
            yield line, cells


def read_table(path: Path | str, *, filename: str | None = None, limits: Limits | None = None) -> Table:
    """The first non-blank row as the header, the other non-blank rows as data."""
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for line, cells in iter_rows(path, filename=filename, limits=limits):
        if header is None:
            header = [c.lstrip("\ufeff") for c in cells]
        else:
            rows.append((line, cells))
    if header is None:
        if _kind(filename or Path(path).name) == "xlsx":
            raise FileFormatError(_("엑셀 파일의 첫 시트가 비어 있습니다."))
        raise FileFormatError(_("파일이 비어 있습니다. 첫 줄에 열 이름이 있어야 합니다."))
    return Table(header, rows)


def _encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM) or CP949, checked over the whole file a megabyte at a time."""
    for encoding in ("utf-8-sig", "cp949"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1024 * 1024):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileFormatError(_("파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요."))


def _lines(text: TextIO) -> Iterator[str]:
    while line := text.readline(_MAX_LINE + 1):
        if len(line) > _MAX_LINE:
            raise FileFormatError(_("한 줄이 너무 깁니다(최대 %(limit)s자).") % {"limit": f"{_MAX_LINE:,}"})
        yield line.replace("\x00", "")  # NULs come from broken exports; no text field may hold one


def _iter_csv(path: Path, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    rows = cells = 0
    with path.open(encoding=_encoding_of(path), newline="") as text:
        reader = csv.reader(_lines(text))
        try:
            for record in reader:
                rows += 1
                cells += len(record)
                if rows > limits.max_rows:
                    raise too_many_rows(limits)
                if len(record) > limits.max_columns:
                    raise too_many_columns(limits)
                if cells > limits.max_cells:
                    raise too_many_cells(limits)
                yield reader.line_num, [c.strip() for c in record]
        except csv.Error as exc:
            raise FileFormatError(
                _("CSV 파일을 읽을 수 없습니다(%(line)s번째 줄). 따옴표와 쉼표를 확인해 주세요.")
                % {"line": f"{reader.line_num:,}"}
            ) from exc


def iter_records(table: Table, columns: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, {canonical column: value}); `columns` maps accepted header names to canonical ones."""
    index: dict[str, int] = {}
    for position, name in enumerate(table.header):
        key = columns.get(name.strip().lower()) or columns.get(name.strip())
        if key and key not in index:
            index[key] = position
    for line, cells in table.rows:
        yield line, {key: (cells[pos] if pos < len(cells) else "") for key, pos in index.items()}


def header_keys(table: Table, columns: dict[str, str]) -> set[str]:
    return {columns.get(h.strip().lower()) or columns.get(h.strip()) or "" for h in table.header} - {""}


_DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d", "%Y. %m. %d", "%Y.%m.%d.", "%Y. %m. %d.")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)


@functools.lru_cache(maxsize=65536)
def parse_date(value: str) -> dt.date:
    text = value.strip()
    if len(text) == 10 and text[4] == "-":  # the common case, without strptime's locale machinery
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    if len(text) >= 10:
        try:
            return parse_datetime(text).date()
        except ValueError:
            pass
    raise ValueError(_("날짜 형식이 올바르지 않습니다: '%(value)s' (예: 2024-03-05)") % {"value": value})


@functools.lru_cache(maxsize=65536)
def parse_datetime(value: str) -> dt.datetime:
    """A date or date-time in Seoul time (or with an explicit offset), as an aware datetime."""
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=SEOUL)
    except ValueError:
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=SEOUL)
        except ValueError:
            continue
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=SEOUL)
        except ValueError:
            continue
    raise ValueError(
        _("날짜/시각 형식이 올바르지 않습니다: '%(value)s' (예: 2024-03-05 14:30)") % {"value": value}
    )


_AMOUNT_JUNK = re.compile(r"[,\s₩원]|KRW", re.IGNORECASE)


def parse_amount(value: str, *, column: str) -> int:
    if value.isdigit():  # the common case, without the regex
        return int(value)
    text = _AMOUNT_JUNK.sub("", value.strip())
    if not text:
        raise ValueError(_("%(column)s 값이 비어 있습니다.") % {"column": column})
    try:
        number = float(text) if "." in text else int(text)
    except ValueError as exc:
        raise ValueError(
            _("%(column)s 값이 숫자가 아닙니다: '%(value)s'") % {"column": column, "value": value}
        ) from exc
    if number < 0:
        raise ValueError(
            _("%(column)s 값은 음수일 수 없습니다: '%(value)s'") % {"column": column, "value": value}
        )
    if isinstance(number, float) and not number.is_integer():
        raise ValueError(
            _("%(column)s 값은 원 단위 정수여야 합니다: '%(value)s'") % {"column": column, "value": value}
        )
    return int(number)
