"""RT import files built in memory: a header row and data rows, as .csv or .xlsx bytes."""

import csv
import io
import zipfile

import openpyxl

HEADERS = ["kecamatan", "kelurahan", "nomor RT", "ketua", "telepon", "jumlah KK"]


def csv_bytes(rows, *, headers=HEADERS, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows, *, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def buluran_kenali_rows(count, *, start=1, kk_count=60):
    return [
        ("Telanaipura", "Buluran Kenali", number, f"Ketua {number}", "081200000000", kk_count)
        for number in range(start, start + count)
    ]


# Hostile files, generated small in memory (the tests keep nothing on disk).

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(rows, *, dimension="A1"):
    """Worksheet XML with inline strings; `rows` maps a row number to its cell values."""
    parts = []
    for number, values in sorted(rows.items()):
        cells = "".join(
            f'<c r="{openpyxl.utils.get_column_letter(col)}{number}" t="inlineStr">'
            f"<is><t>{value}</t></is></c>"
            for col, value in enumerate(values, start=1)
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(parts)}</sheetData></worksheet>'
    ).encode()


def xlsx_with_sheet(sheet_bytes=None, *, extra_members=0, zeros_member_bytes=0):
    """A workbook made by openpyxl whose first sheet is replaced by `sheet_bytes`, and/or
    with `extra_members` tiny parts, and/or a part of `zeros_member_bytes` zeros
    (a zip bomb: written in chunks, it compresses about 1,000 to 1)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml" and sheet_bytes is not None:
                data = sheet_bytes
            archive.writestr(info.filename, data)
        for number in range(extra_members):
            archive.writestr(f"xl/media/part{number}.bin", b"x")
        if zeros_member_bytes:
            chunk = b"\0" * (1024 * 1024)
            with archive.open("xl/media/zeros.bin", "w") as member:
                for _ in range(zeros_member_bytes // len(chunk)):
                    member.write(chunk)
    return out.getvalue()
