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
}
