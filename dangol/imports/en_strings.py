# English for the import strings (merged into the catalogue by scripts/fill_po.py).
EN: dict[str, str | tuple[str, str]] = {
    # Upload limits (dangol/imports/limits.py)
    "파일이 너무 큽니다(최대 %(limit)s).": "The file is too large (at most %(limit)s).",
    "엑셀 파일의 압축을 푼 크기가 너무 큽니다(최대 %(limit)s). 파일을 나누어 올려 주세요.": (
        "The Excel file is too large once unzipped (at most %(limit)s). Split it and upload the parts."
    ),
    "행이 너무 많습니다(최대 %(limit)s행). 파일을 나누어 올려 주세요.": (
        "Too many rows (at most %(limit)s). Split the file and upload the parts."
    ),
    "열이 너무 많습니다(최대 %(limit)s열).": "Too many columns (at most %(limit)s).",
    "칸이 너무 많습니다(최대 %(limit)s칸). 파일을 나누어 올려 주세요.": (
        "Too many cells (at most %(limit)s). Split the file and upload the parts."
    ),
    "엑셀 파일을 열 수 없습니다. .xlsx 형식인지 확인해 주세요.": "The Excel file cannot be opened. Check that it is an .xlsx file.",
    "엑셀 파일의 내용을 읽을 수 없습니다(손상되었거나 허용하지 않는 형식). 엑셀에서 .xlsx로 다시 저장해 주세요.": (
        "The Excel file's contents cannot be read (damaged, or a form that is not allowed). "
        "Save it again as .xlsx from Excel."
    ),
    # Reading (dangol/imports/readers.py)
    "엑셀 파일의 첫 시트가 비어 있습니다.": "The first sheet of the Excel file is empty.",
    "파일이 비어 있습니다. 첫 줄에 열 이름이 있어야 합니다.": "The file is empty. The first line must hold the column names.",
    "파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요.": (
        "Unknown file encoding. Save the file as UTF-8 or CP949 (EUC-KR)."
    ),
    "한 줄이 너무 깁니다(최대 %(limit)s자).": "A line is too long (at most %(limit)s characters).",
    "CSV 파일을 읽을 수 없습니다(%(line)s번째 줄). 따옴표와 쉼표를 확인해 주세요.": (
        "The CSV file cannot be read (line %(line)s). Check its quotes and commas."
    ),
    # Error messages (dangol/imports/readers.py, services.py, the import command)
    "날짜 형식이 올바르지 않습니다: '%(value)s' (예: 2024-03-05)": "Not a valid date: '%(value)s' (e.g. 2024-03-05)",
    "날짜/시각 형식이 올바르지 않습니다: '%(value)s' (예: 2024-03-05 14:30)": (
        "Not a valid date and time: '%(value)s' (e.g. 2024-03-05 14:30)"
    ),
    "%(column)s 값이 비어 있습니다.": "%(column)s is empty.",
    "%(column)s 값이 숫자가 아닙니다: '%(value)s'": "%(column)s is not a number: '%(value)s'",
    "%(column)s 값은 음수일 수 없습니다: '%(value)s'": "%(column)s cannot be negative: '%(value)s'",
    "%(column)s 값은 원 단위 정수여야 합니다: '%(value)s'": "%(column)s must be a whole number of won: '%(value)s'",
    "알 수 없는 가져오기 종류입니다: %(kind)s": "Unknown import kind: %(kind)s",
    "on_error는 abort 또는 skip이어야 합니다.": "on_error must be abort or skip.",
    "필수 열이 없습니다: %(columns)s. 첫 줄의 열 이름을 확인하세요.": (
        "Required columns are missing: %(columns)s. Check the column names in the first line."
    ),
    "가져올 행이 없습니다.": "There are no rows to import.",
    "오류가 있는 행이 %(count)s개 있어 파일 전체를 가져오지 않았습니다. 오류를 고치거나 '오류 행만 건너뛰기'를 선택하세요.": (
        "Nothing in the file was imported: %(count)s row(s) have errors. Fix them or choose 'Skip only the rows with errors'."
    ),
    "주문 '%(order)s'의 다른 행에 오류가 있어 주문 전체를 건너뜁니다.": (
        "Another line of order '%(order)s' has errors, so the whole order is skipped."
    ),
    "새로 추가 %(created)s, 변경 %(updated)s, 변경 없음 %(unchanged)s, 건너뜀 %(skipped)s행": (
        "Added %(created)s, changed %(updated)s, unchanged %(unchanged)s, rows skipped %(skipped)s"
    ),
    "새로 추가 %(created)s, 변경 %(updated)s, 변경 없음 %(unchanged)s": (
        "Added %(created)s, changed %(updated)s, unchanged %(unchanged)s"
    ),
    "가져오기 중 오류가 발생했습니다: %(error)s": "The import failed: %(error)s",
    "파일이 없습니다: %(path)s": "File not found: %(path)s",
}
