"""Uploaded spreadsheets (.xlsx, .csv) for the RT import and the proposal import, read
with bounded memory and time, whatever the file claims about itself.

Rule: a hostile or accidental file is refused before it costs much. The upload is capped
(IMPORT_MAX_UPLOAD_BYTES). An .xlsx is a zip: its directory is checked before openpyxl
opens it (IMPORT_MAX_ARCHIVE_MEMBERS members, IMPORT_MAX_UNPACKED_BYTES unpacked in all,
IMPORT_MAX_COMPRESSION_RATIO per large member), and zipfile never unpacks more than a
member declares. Rows are then read one at a time, never trusting the sheet's declared
size; a CSV row longer than IMPORT_MAX_LINE_CHARS is refused before it is held whole.
More than IMPORT_MAX_ROWS data rows or IMPORT_MAX_COLUMNS columns refuses the file;
IMPORT_MAX_BLANK_ROWS blank rows in a row end the reading (the preview says so).

Every refusal is a `SpreadsheetRefused` (a ValidationError) with an Indonesian message
that says what to do; reading writes nothing. Row numbers are the spreadsheet's own:
the header is row 1 and blank rows keep their place.
"""

import codecs
import csv
import io
import itertools
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from import_export.formats import base_formats

from rt_registry.templatetags.bantar import angka

EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}
# Large members only: a small styles part may compress 1:200 and harms no one.
RATIO_CHECK_ABOVE_BYTES = 1024 * 1024
CSV_DELIMITERS = ";,\t"
DECODE_CHUNK = 64 * 1024
ZIP_END_RECORD = b"PK\x05\x06"


class SpreadsheetRefused(ValidationError):
    """The file as a whole is refused; nothing of it was imported."""


@dataclass
class Sheet:
    """What was read: the header (row 1) and the rows below it. `rows[i]` is sheet row
    i + 2, blank rows included, each as wide as the header."""

    name: str
    header: list
    rows: list = field(default_factory=list)
    # The row where IMPORT_MAX_BLANK_ROWS blank rows ended the reading, with more below.
    stopped_at: int | None = None

    def numbered_rows(self):
        """(row number in the spreadsheet, values) of each non-blank row."""
        for line, values in enumerate(self.rows, start=2):
            if not is_blank_row(values):
                yield line, values

    @property
    def stop_note(self):
        if self.stopped_at is None:
            return ""
        return (
            f"Pembacaan berhenti di baris {angka(self.stopped_at)} setelah "
            f"{angka(settings.IMPORT_MAX_BLANK_ROWS)} baris kosong berturut-turut; "
            "isi di bawahnya tidak dibaca. Bila masih ada data di bawahnya, hapus baris "
            "kosong itu lalu unggah lagi."
        )


def is_blank_cell(value):
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(values):
    return all(is_blank_cell(value) for value in values)


def megabytes(size):
    text = f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
    return f"{text} MB"


# Uploads ------------------------------------------------------------------------------


def check_upload(upload):
    """The extension and the size of an uploaded file, before anything reads it."""
    if Path(upload.name).suffix.lower() not in EXTENSIONS:
        raise SpreadsheetRefused("Hanya berkas .xlsx atau .csv yang dapat diimpor.")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise SpreadsheetRefused(
            f"Berkas terlalu besar ({megabytes(upload.size)}; paling besar "
            f"{megabytes(limit)}). Pecah menjadi beberapa berkas."
        )
    return upload


def read_upload(upload):
    """The first sheet of an uploaded .xlsx or the rows of a .csv, by its extension."""
    kind = EXTENSIONS.get(Path(upload.name).suffix.lower())
    if kind is None:
        raise SpreadsheetRefused("Hanya berkas .xlsx atau .csv yang dapat diimpor.")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise SpreadsheetRefused(
            f"Berkas terlalu besar (paling besar {megabytes(limit)}). "
            "Pecah menjadi beberapa berkas."
        )
    return read_xlsx(data) if kind == "xlsx" else read_csv(data)


# Rows, whatever the format ---------------------------------------------------------------


def collect_rows(name, rows):
    """A Sheet from an iterator of row tuples (row 1 first), applying the row, column and
    blank-run caps while reading, so nothing past them is ever held."""
    max_rows = settings.IMPORT_MAX_ROWS
    max_columns = settings.IMPORT_MAX_COLUMNS
    max_blank = settings.IMPORT_MAX_BLANK_ROWS

    header = list(next(rows, ()))
    width = filled_width(header)
    if width > max_columns:
        raise too_many_columns(1)
    sheet = Sheet(name=name, header=header[:width])
    blank_run = 0
    for line, values in enumerate(rows, start=2):
        filled = filled_width(values)
        if filled and not width:
            raise SpreadsheetRefused(
                "Baris 1 kosong, padahal ada data di bawahnya: baris pertama harus berisi "
                "judul kolom. Hapus baris kosong di atas judul, lalu unggah lagi."
            )
        if not filled:
            blank_run += 1
            if blank_run >= max_blank:
                if next(rows, None) is not None:
                    sheet.stopped_at = line
                break
            sheet.rows.append((None,) * width)
            continue
        if line > max_rows + 1:
            raise SpreadsheetRefused(
                f"Berkas memuat lebih dari {angka(max_rows)} baris; pecah menjadi beberapa berkas."
            )
        if filled > max_columns:
            raise too_many_columns(line)
        blank_run = 0
        values = tuple(values[:width])
        sheet.rows.append(values + (None,) * (width - len(values)))
    while sheet.rows and is_blank_row(sheet.rows[-1]):
        sheet.rows.pop()
    if sheet.stopped_at is not None and not sheet.rows:
        raise SpreadsheetRefused(f"Tidak ada data di bawah judul kolom. {sheet.stop_note}")
    return sheet


def filled_width(values):
    """Position of the last non-blank cell (0 for a blank row)."""
    for position in range(len(values), 0, -1):
        if not is_blank_cell(values[position - 1]):
            return position
    return 0


def too_many_columns(line):
    return SpreadsheetRefused(
        f"Baris {angka(line)} memuat lebih dari {angka(settings.IMPORT_MAX_COLUMNS)} kolom; "
        "hapus kolom yang tidak dipakai, lalu unggah lagi."
    )


# .xlsx ------------------------------------------------------------------------------------


def read_xlsx(data):
    """The first worksheet of an .xlsx (bytes), after checking the zip directory."""
    import openpyxl

    check_archive(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise SpreadsheetRefused(
            "Berkas .xlsx tidak dapat dibaca; mungkin rusak. Buka di Excel, simpan ulang "
            "sebagai .xlsx (Excel Workbook), lalu unggah lagi."
        ) from error
    try:
        if not book.worksheets:
            raise SpreadsheetRefused("Berkas .xlsx tidak memuat lembar kerja berisi data.")
        sheet = book.worksheets[0]
        # The declared dimension (e.g. A1:XFD1048576) would pad every row and every gap.
        sheet.reset_dimensions()
        try:
            return collect_rows(sheet.title, iter(sheet.iter_rows(values_only=True)))
        except SpreadsheetRefused:
            raise
        except Exception as error:
            raise SpreadsheetRefused(
                f"Lembar '{sheet.title}' tidak dapat dibaca; berkasnya mungkin rusak. Buka "
                "di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi."
            ) from error
    finally:
        book.close()


def check_archive(data):
    """Refuse a non-zip, or a zip that would unpack too large, from its directory alone."""
    not_xlsx = SpreadsheetRefused(
        "Berkas ini bukan berkas Excel .xlsx yang utuh. Buka di Excel, simpan ulang sebagai "
        ".xlsx (Excel Workbook), lalu unggah lagi; berkas CSV diunggah dengan format csv."
    )
    too_large = SpreadsheetRefused(
        f"Isi berkas .xlsx terlalu besar setelah dibuka (paling besar "
        f"{megabytes(settings.IMPORT_MAX_UNPACKED_BYTES)}); ini tidak wajar untuk daftar "
        "RT. Salin hanya lembar datanya ke berkas baru, lalu unggah lagi."
    )
    # zipfile builds an object per member: count them from the end record first.
    end = data.rfind(ZIP_END_RECORD, max(0, len(data) - 65557))
    if end < 0 or len(data) < end + 22:
        raise not_xlsx
    (members,) = struct.unpack("<H", data[end + 10 : end + 12])
    if members > settings.IMPORT_MAX_ARCHIVE_MEMBERS:
        raise too_large
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise not_xlsx from error
    if len(infos) > settings.IMPORT_MAX_ARCHIVE_MEMBERS:
        raise too_large
    if sum(info.file_size for info in infos) > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise too_large
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    for info in infos:
        if info.file_size > RATIO_CHECK_ABOVE_BYTES and (
            info.file_size > ratio * max(info.compress_size, 1)
        ):
            raise too_large


# .csv -------------------------------------------------------------------------------------


def read_csv(data):
    """The rows of a CSV (bytes): UTF-8 or the Windows code page, `;`, `,` or tab."""
    if b"\x00" in data[:DECODE_CHUNK]:
        raise SpreadsheetRefused(
            "Berkas ini bukan berkas CSV (isinya data biner). Bila berkasnya dari Excel, "
            "unggah dengan format xlsx."
        )
    text = io.TextIOWrapper(
        io.BytesIO(data), encoding=csv_encoding(data), errors="replace", newline=""
    )
    lines = BoundedLines(text, settings.IMPORT_MAX_LINE_CHARS)
    first = next(lines, "")
    delimiter = max(CSV_DELIMITERS, key=first.count) if first else ","
    if first and not first.count(delimiter):
        delimiter = ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)

    def rows():
        try:
            for row in reader:
                lines.row_done()
                yield tuple(row)
        except csv.Error as error:
            raise SpreadsheetRefused(
                f"Berkas CSV tidak dapat dibaca di baris {angka(lines.row)} (mungkin ada "
                "tanda kutip yang tidak ditutup). Simpan ulang dari Excel sebagai CSV, lalu "
                "unggah lagi."
            ) from error

    return collect_rows("", rows())


def csv_encoding(data):
    """UTF-8 when every byte decodes as UTF-8, else the Windows code page Excel writes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), DECODE_CHUNK):
            decoder.decode(data[start : start + DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


class BoundedLines:
    """Lines of a text stream for csv.reader, refusing a row (which may span lines inside
    quotes) longer than `limit` characters before it is held in memory whole."""

    def __init__(self, text, limit):
        self.text = text
        self.limit = limit
        self.row_chars = 0
        self.row = 1  # the spreadsheet row (a CSV record) being read

    def __iter__(self):
        return self

    def __next__(self):
        line = self.text.readline(self.limit + 1 - self.row_chars)
        if not line:
            raise StopIteration
        self.row_chars += len(line.rstrip("\r\n"))
        if self.row_chars > self.limit:
            raise SpreadsheetRefused(
                f"Baris {angka(self.row)} berkas CSV terlalu panjang (lebih dari "
                f"{angka(self.limit)} karakter); ini bukan daftar yang wajar. Periksa "
                "berkasnya, lalu unggah lagi."
            )
        return line

    def row_done(self):
        self.row += 1
        self.row_chars = 0


# django-import-export formats ------------------------------------------------------------


def dataset_from_sheet(sheet):
    """A tablib Dataset whose rows keep their sheet positions (row i is sheet row i + 2)."""
    dataset = tablib.Dataset(headers=sheet.header, title=sheet.name or None)
    for values in sheet.rows:
        dataset.append(values)
    # Read by RTResource for the preview ("Lembar yang dibaca", where reading stopped).
    dataset.sheet = sheet
    return dataset


class CSVFormat(base_formats.CSV):
    """CSV through `read_csv`: bounded, with the import caps."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return dataset_from_sheet(read_csv(in_stream))


class XLSXFormat(base_formats.XLSX):
    """The first worksheet through `read_xlsx`: zip checked first, rows read lazily."""

    def create_dataset(self, in_stream, **kwargs):
        return dataset_from_sheet(read_xlsx(in_stream))


# --- Writing: text a spreadsheet shows and never runs ---------------------------------
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return also count in some programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """For every cell the portal writes (exports, recap, payments, dashboards):
    '=SUM(A1)' becomes "'=SUM(A1)", shown as text and never run. None becomes an empty
    cell; numbers and dates pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(text):
    """The reverse, for reading back a file the portal exported: "'=SUM(A1)" is
    '=SUM(A1)' again, so an exported file imports back unchanged."""
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text
