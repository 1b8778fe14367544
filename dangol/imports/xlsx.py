"""Stream the first worksheet of an .xlsx file without trusting what the file says about itself.

An .xlsx is a zip of XML parts, and three things in it cost nothing to write and a lot to believe:
- the sheet's `<dimension ref="A1:XFD1048576">`: ignored. Only the cells present in the XML are read,
  so a row at r=1,048,576 is one row, not a million padded ones, and a column past the limit (BDWGN)
  is refused when its first cell arrives;
- the zip directory: its size is checked before zipfile loads it whole, and the uncompressed sizes of
  the parts to be read before any is inflated (zipfile never inflates past the declared size, so a zip
  bomb is refused by what it declares);
- the XML: parsed by defusedxml (no DTD, so no entity and no billion laughs; no external reference)
  one record at a time, each finished element dropped from the tree, so memory holds a row, not a sheet.
Rows and cells are counted as they arrive, padding included, and refused past the limits.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from dangol.imports.limits import (
    Limits,
    cannot_open_xlsx,
    damaged_xlsx,
    too_large_unzipped,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)

EXCEL_MAX_ROW = 1_048_576
_MAX_DIRECTORY_BYTES = 1024 * 1024  # ~10,000 zip entries; zipfile builds an object for each
_MAX_INDEX_PART = 16 * 1024 * 1024  # workbook.xml and the relationships: a few KB in real files
_MAX_DEPTH = 32  # a cell with rich text nests 6 deep
_MAX_RECORD_NODES = 10_000  # elements inside one cell or shared string (rich-text runs)
_MAX_STYLES = 65_536  # Excel allows 64,000 cell formats
_MAX_FORMAT_CODE = 255  # Excel's own limit on a number format's length
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
)

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


@dataclass(frozen=True)
class _Workbook:
    sheet: str
    shared_strings: str | None
    styles: str | None
    epoch: dt.datetime
    unzipped_bytes: int


def check_xlsx(path: Path, limits: Limits) -> int:
    """Refuse (FileFormatError) a workbook whose zip directory breaks a limit; return the bytes a read would inflate."""
    with _open(path, limits) as (_archive, book):
        return book.unzipped_bytes


def iter_xlsx_rows(path: Path, limits: Limits) -> Iterator[tuple[int, list[object]]]:
    """(row number, values from column A to the row's last cell) for each row of the first worksheet that has cells."""
    with _open(path, limits) as (archive, book):
        shared = _shared_strings(archive, book.shared_strings, limits) if book.shared_strings else []
        dates, durations = _number_styles(archive, book.styles) if book.styles else (set(), set())
        with _member(archive, book.sheet) as source:
            yield from _sheet_rows(source, shared, dates, durations, book.epoch, limits)


@contextmanager
def _open(path: Path, limits: Limits) -> Iterator[tuple[zipfile.ZipFile, _Workbook]]:
    _check_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except (*_READ_ERRORS, ValueError) as exc:
        raise cannot_open_xlsx() from exc
    with archive:
        yield archive, _locate(archive, limits)


def _check_directory(path: Path) -> None:
    """Find the zip's end record as zipfile does and refuse a central directory too big to load."""
    with path.open("rb") as f:
        size = f.seek(0, 2)
        tail_start = max(0, size - _EOCD.size - 0xFFFF)  # the end record, then at most a 64 KB comment
        f.seek(tail_start)
        tail = f.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            raise cannot_open_xlsx()
        directory_bytes = _EOCD.unpack_from(tail, at)[5]
        # A zip64 locator right before the end record overrides it (zipfile reads it the same way).
        locator_at = tail_start + at - _ZIP64_LOCATOR.size
        if locator_at >= _ZIP64_EOCD.size:
            f.seek(locator_at)
            if f.read(4) == b"PK\x06\x07":
                f.seek(locator_at - _ZIP64_EOCD.size)
                record = f.read(_ZIP64_EOCD.size)
                if record[:4] == b"PK\x06\x06":
                    directory_bytes = max(directory_bytes, _ZIP64_EOCD.unpack(record)[8])
    if directory_bytes > _MAX_DIRECTORY_BYTES:
        raise damaged_xlsx()


def _locate(archive: zipfile.ZipFile, limits: Limits) -> _Workbook:
    """The first worksheet and the parts it needs, found through the relationships as Excel does."""
    members = {info.filename: info for info in archive.infolist()}
    spent = 0

    def take(name: str, *, most: int | None = None) -> str:
        nonlocal spent
        info = members.get(name)
        if info is None or (most is not None and info.file_size > most):
            raise damaged_xlsx()
        spent += info.file_size
        if spent > limits.max_unzipped_bytes:
            raise too_large_unzipped(limits)
        return name

    workbook = "xl/workbook.xml"
    if "_rels/.rels" in members:
        package = _relationships(archive, take("_rels/.rels", most=_MAX_INDEX_PART), base="")
        workbook = next((t for _, kind, t in package if kind.endswith("/officeDocument")), workbook)
    sheet_ids, date1904 = _sheets(archive, take(workbook, most=_MAX_INDEX_PART))
    folder, name = posixpath.split(workbook)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    rels = (
        _relationships(archive, take(rels_name, most=_MAX_INDEX_PART), base=folder)
        if rels_name in members
        else []
    )
    by_id = {rel_id: (kind, target) for rel_id, kind, target in rels}
    sheet = next((by_id[i][1] for i in sheet_ids if i in by_id and by_id[i][0].endswith("/worksheet")), None)
    if sheet is None:
        raise damaged_xlsx()
    take(sheet)
    shared = next((t for _, kind, t in rels if kind.endswith("/sharedStrings") and t in members), None)
    styles = next((t for _, kind, t in rels if kind.endswith("/styles") and t in members), None)
    for part in (shared, styles):
        if part:
            take(part)
    epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
    return _Workbook(sheet, shared, styles, epoch, unzipped_bytes=spent)


def _member(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    try:
        return archive.open(name)
    except (*_READ_ERRORS, KeyError) as exc:  # encrypted, unknown compression, damaged header
        raise damaged_xlsx() from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _parse(
    source: IO[bytes], *, records: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str, Element, str]]:
    """(event, local tag, element, parent's local tag) for each start and end.

    Each element is dropped from the tree when it ends, except inside a record (a cell, a shared string),
    whose children stay until the record ends: memory holds one record, whatever the file's size.
    """
    stack: list[tuple[str, Element]] = []
    record_depth = 0
    nodes = 0
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            tag = _local(element.tag)
            if event == "start":
                parent_tag = stack[-1][0] if stack else ""
                stack.append((tag, element))
                if len(stack) > _MAX_DEPTH:
                    raise damaged_xlsx()
                if record_depth:
                    nodes += 1
                    if nodes > _MAX_RECORD_NODES:
                        raise damaged_xlsx()
                elif tag in records:
                    record_depth, nodes = len(stack), 0
                yield "start", tag, element, parent_tag
                continue
            stack.pop()
            parent_tag, parent = stack[-1] if stack else ("", None)
            yield "end", tag, element, parent_tag
            if record_depth and len(stack) >= record_depth:
                continue  # inside a record: read when the record ends
            record_depth = 0
            if parent is not None:
                parent.remove(element)
    except (ParseError, DefusedXmlException, *_READ_ERRORS) as exc:
        raise damaged_xlsx() from exc


def _relationships(archive: zipfile.ZipFile, name: str, *, base: str) -> list[tuple[str, str, str]]:
    """(id, type, part name) of each internal relationship; targets are relative to `base`."""
    found = []
    with _member(archive, name) as source:
        for event, tag, element, _parent in _parse(source):
            if event == "end" and tag == "Relationship" and element.get("TargetMode") != "External":
                target = element.get("Target", "")
                part = (
                    target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
                )
                found.append((element.get("Id", ""), element.get("Type", ""), part))
    return found


def _sheets(archive: zipfile.ZipFile, name: str) -> tuple[list[str], bool]:
    """The relationship ids of the workbook's sheets in tab order, and whether it counts dates from 1904."""
    ids: list[str] = []
    date1904 = False
    with _member(archive, name) as source:
        for event, tag, element, _parent in _parse(source):
            if event != "end":
                continue
            if tag == "workbookPr":
                date1904 = element.get("date1904", "").lower() in ("1", "true")
            elif tag == "sheet":
                ids.extend(v for k, v in element.attrib.items() if k.endswith("}id"))
    return ids, date1904


def _text(element: Element | None) -> str:
    """A shared or inline string: its <t>, or its rich-text runs' <t>s (not the phonetic <rPh>)."""
    if element is None:
        return ""
    parts: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, name: str, limits: Limits) -> list[str]:
    strings: list[str] = []
    with _member(archive, name) as source:
        for event, tag, element, _parent in _parse(source, records=frozenset({"si"})):
            if event == "end" and tag == "si":
                strings.append(_text(element))
                if len(strings) > limits.max_cells:  # more strings than cells: none could be used
                    raise too_many_cells(limits)
    return strings


def _number_styles(archive: zipfile.ZipFile, name: str) -> tuple[set[int], set[int]]:
    """The cell styles that show a number as a date, and those that show it as a duration."""
    custom: dict[int, str] = {}
    cell_formats: list[int] = []
    with _member(archive, name) as source:
        for event, tag, element, parent in _parse(source):
            if event != "end":
                continue
            try:
                if tag == "numFmt":
                    custom[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
                elif tag == "xf" and parent == "cellXfs":
                    cell_formats.append(int(element.get("numFmtId", "0")))
            except ValueError as exc:
                raise damaged_xlsx() from exc
            if len(custom) > _MAX_STYLES or len(cell_formats) > _MAX_STYLES:
                raise damaged_xlsx()
    dates: set[int] = set()
    durations: set[int] = set()
    for style, format_id in enumerate(cell_formats):
        code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id) or "General"
        if len(code) > _MAX_FORMAT_CODE:
            continue
        if is_date_format(code):
            dates.add(style)
        if is_timedelta_format(code):
            durations.add(style)
    return dates, durations


def _row_number(raw: str | None, previous: int) -> int:
    try:
        number = previous + 1 if raw is None else int(raw)
    except ValueError as exc:
        raise damaged_xlsx() from exc
    if not 1 <= number <= EXCEL_MAX_ROW:
        raise damaged_xlsx()
    return number


def _column(ref: str | None, previous: int, limits: Limits) -> int:
    """The column number of a cell reference such as "C7" (or the next column when there is none)."""
    if not ref:
        number = previous + 1
    else:
        number = 0
        for char in ref:
            if char.isdigit():
                break
            if not ("A" <= char <= "Z" or "a" <= char <= "z"):
                raise damaged_xlsx()
            number = number * 26 + (ord(char.upper()) - ord("A") + 1)
            if number > limits.max_columns:  # stops at the 3rd letter of BDWGN, whatever follows
                raise too_many_columns(limits)
        if number == 0:
            raise damaged_xlsx()
    if number > limits.max_columns:
        raise too_many_columns(limits)
    return number


def _value(
    cell: Element, shared: list[str], dates: set[int], durations: set[int], epoch: dt.datetime
) -> object:
    """A cell's value as openpyxl gives it with data_only=True (a formula's cached result)."""
    kind = cell.get("t", "n")
    raw: str | None = None
    inline: Element | None = None
    for child in cell:
        tag = _local(child.tag)
        if tag == "v":
            raw = child.text
        elif tag == "is":
            inline = child
    try:
        if kind == "inlineStr":
            return _text(inline)
        if raw is None:
            return None
        if kind == "s":
            index = int(raw)
            if index < 0:
                raise IndexError(index)
            return shared[index]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        if kind in ("str", "e"):
            return raw
        number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
        style = int(cell.get("s", "0"))
    except (ValueError, IndexError, OverflowError) as exc:
        raise damaged_xlsx() from exc
    if style not in dates:
        return number
    try:
        return from_excel(number, epoch, timedelta=style in durations)
    except (ValueError, OverflowError):
        return "#VALUE!"  # a date style on a number outside the calendar: what openpyxl shows


def _sheet_rows(
    source: IO[bytes],
    shared: list[str],
    dates: set[int],
    durations: set[int],
    epoch: dt.datetime,
    limits: Limits,
) -> Iterator[tuple[int, list[object]]]:
    row_number = column = rows = cells = 0
    values: dict[int, object] = {}
    for event, tag, element, _parent in _parse(source, records=frozenset({"c"})):
        if tag == "row":
            if event == "start":
                row_number = _row_number(element.get("r"), row_number)
                column, values = 0, {}
                rows += 1
                if rows > limits.max_rows:
                    raise too_many_rows(limits)
            elif values:
                width = max(values)
                cells += width - len(values)  # the padding up to the row's last cell costs memory too
                if cells > limits.max_cells:
                    raise too_many_cells(limits)
                yield row_number, [values.get(i) for i in range(1, width + 1)]
        elif tag == "c" and event == "end":
            cells += 1
            if cells > limits.max_cells:
                raise too_many_cells(limits)
            column = _column(element.get("r"), column, limits)
            values[column] = _value(element, shared, dates, durations, epoch)
