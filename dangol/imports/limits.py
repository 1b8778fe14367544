"""What one uploaded import file may hold, and the error that refuses a file.

The limits bound the work a file can cause, whatever it declares about itself: bytes on disk, bytes
after unzipping (.xlsx), rows, columns and cells. Each refusal names the limit it hit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class FileFormatError(ValueError):
    """The file as a whole cannot be read (wrong type, encoding, no header, over a limit, damaged)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unzipped_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.DANGOL_IMPORT_MAX_BYTES,
            max_unzipped_bytes=settings.DANGOL_IMPORT_MAX_UNZIPPED_BYTES,
            max_rows=settings.DANGOL_IMPORT_MAX_ROWS,
            max_columns=settings.DANGOL_IMPORT_MAX_COLUMNS,
            max_cells=settings.DANGOL_IMPORT_MAX_CELLS,
        )


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f}".removesuffix(".0") + unit
    return f"{n:,}B"


def too_large(limits: Limits) -> FileFormatError:
    return FileFormatError(_("파일이 너무 큽니다(최대 %(limit)s).") % {"limit": _size(limits.max_bytes)})


def too_large_unzipped(limits: Limits) -> FileFormatError:
    return FileFormatError(
        _("엑셀 파일의 압축을 푼 크기가 너무 큽니다(최대 %(limit)s). 파일을 나누어 올려 주세요.")
        % {"limit": _size(limits.max_unzipped_bytes)}
    )


def too_many_rows(limits: Limits) -> FileFormatError:
    return FileFormatError(
        _("행이 너무 많습니다(최대 %(limit)s행). 파일을 나누어 올려 주세요.")
        % {"limit": f"{limits.max_rows:,}"}
    )


def too_many_columns(limits: Limits) -> FileFormatError:
    return FileFormatError(_("열이 너무 많습니다(최대 %(limit)s열).") % {"limit": f"{limits.max_columns:,}"})


def too_many_cells(limits: Limits) -> FileFormatError:
    return FileFormatError(
        _("칸이 너무 많습니다(최대 %(limit)s칸). 파일을 나누어 올려 주세요.")
        % {"limit": f"{limits.max_cells:,}"}
    )


def cannot_open_xlsx() -> FileFormatError:
    return FileFormatError(_("엑셀 파일을 열 수 없습니다. .xlsx 형식인지 확인해 주세요."))


def damaged_xlsx() -> FileFormatError:
    return FileFormatError(
        _(
            "엑셀 파일의 내용을 읽을 수 없습니다(손상되었거나 허용하지 않는 형식). 엑셀에서 .xlsx로 다시 저장해 주세요."
        )
    )
