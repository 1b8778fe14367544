"""Read CSV (UTF-8 or CP949/EUC-KR) and .xlsx files into rows with their line numbers."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


class FileFormatError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, no header)."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number as a spreadsheet shows it, cells)


def _decode(data: bytes) -> str:
    data = data.replace(b"\x00", b"")  # NULs come from broken exports; no text field may hold one
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError("파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요.")


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


def read_table(path: Path | str, *, filename: str | None = None) -> Table:
    path = Path(path)
    name = (filename or path.name).lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(path)
    if name.endswith((".csv", ".txt")):
        return _read_csv(path.read_bytes())
    raise FileFormatError("CSV(.csv) 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다.")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        line = reader.line_num
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = [c.strip().lstrip("\ufeff") for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue  # blank lines are common at the end of exports
        rows.append((line, [c.strip() for c in cells]))
    if header is None:
        raise FileFormatError("파일이 비어 있습니다. 첫 줄에 열 이름이 있어야 합니다.")
    return Table(header, rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileFormatError("엑셀 파일을 열 수 없습니다. .xlsx 형식인지 확인해 주세요.") from exc
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in values]
            if header is None:
                if not any(cells):
                    continue
                header = cells
                continue
            if not any(cells):
                continue
            rows.append((index, cells))
    finally:
        workbook.close()
    if header is None:
        raise FileFormatError("엑셀 파일의 첫 시트가 비어 있습니다.")
    return Table(header, rows)


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
    raise ValueError(f"날짜 형식이 올바르지 않습니다: '{value}' (예: 2024-03-05)")


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
    raise ValueError(f"날짜/시각 형식이 올바르지 않습니다: '{value}' (예: 2024-03-05 14:30)")


_AMOUNT_JUNK = re.compile(r"[,\s₩원]|KRW", re.IGNORECASE)


def parse_amount(value: str, *, column: str) -> int:
    if value.isdigit():  # the common case, without the regex
        return int(value)
    text = _AMOUNT_JUNK.sub("", value.strip())
    if not text:
        raise ValueError(f"{column} 값이 비어 있습니다.")
    try:
        number = float(text) if "." in text else int(text)
    except ValueError as exc:
        raise ValueError(f"{column} 값이 숫자가 아닙니다: '{value}'") from exc
    if number < 0:
        raise ValueError(f"{column} 값은 음수일 수 없습니다: '{value}'")
    if isinstance(number, float) and not number.is_integer():
        raise ValueError(f"{column} 값은 원 단위 정수여야 합니다: '{value}'")
    return int(number)
