"""RT import files built in memory: a header row and data rows, as .csv or .xlsx bytes."""

import csv
import io

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
