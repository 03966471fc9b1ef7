"""RT import and export (django-import-export) with Indonesian column names.

The file is checked whole before anything is written: `before_import` reads every row
once against the kelurahan list (one query), the user's scope (one query) and the RTs
already registered in those kelurahan (one query), and records every problem with the
row number the officer sees in the spreadsheet (row 1 is the header). Rows are then
saved in bulk; the admin rolls the whole file back when any row is invalid. Files are
read by rt_registry/spreadsheets.py (size caps, the sheet's own row numbers).
"""

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from rt_registry.importing import CheckedFile, CheckedRow
from rt_registry.models import MAX_KK_COUNT, RT, Kelurahan
from rt_registry.spreadsheets import CSVFormat, XLSXFormat, escape_formula, unescape_formula
from rt_registry.templatetags.bantar import angka

logger = logging.getLogger(__name__)

COLUMN_KECAMATAN = "kecamatan"
COLUMN_KELURAHAN = "kelurahan"
COLUMN_NUMBER = "nomor RT"
COLUMN_KETUA = "ketua"
COLUMN_PHONE = "telepon"
COLUMN_KK = "jumlah KK"
COLUMN_CATEGORY = "kategori"
REQUIRED_COLUMNS = [COLUMN_KECAMATAN, COLUMN_KELURAHAN, COLUMN_NUMBER, COLUMN_KK]
IMPORT_COLUMNS = [*REQUIRED_COLUMNS[:3], COLUMN_KETUA, COLUMN_PHONE, COLUMN_KK]

# Header spellings seen in kelurahan spreadsheets, after lower-casing and dropping dots.
HEADER_ALIASES = {
    "kecamatan": COLUMN_KECAMATAN,
    "kec": COLUMN_KECAMATAN,
    "kelurahan": COLUMN_KELURAHAN,
    "kel": COLUMN_KELURAHAN,
    "nomor rt": COLUMN_NUMBER,
    "no rt": COLUMN_NUMBER,
    "nomor": COLUMN_NUMBER,
    "rt": COLUMN_NUMBER,
    "ketua": COLUMN_KETUA,
    "ketua rt": COLUMN_KETUA,
    "nama ketua": COLUMN_KETUA,
    "nama ketua rt": COLUMN_KETUA,
    "telepon": COLUMN_PHONE,
    "telp": COLUMN_PHONE,
    "no telp": COLUMN_PHONE,
    "no telepon": COLUMN_PHONE,
    "nomor telepon": COLUMN_PHONE,
    "hp": COLUMN_PHONE,
    "no hp": COLUMN_PHONE,
    "nomor hp": COLUMN_PHONE,
    "telepon/hp": COLUMN_PHONE,
    "jumlah kk": COLUMN_KK,
    "jml kk": COLUMN_KK,
    "kk": COLUMN_KK,
    "kategori": COLUMN_CATEGORY,
}

# ../shared/data/README.md lists the spellings other sources use. Most differ only in
# spaces ("The Hok", "Sulan Jana", "Sukakarya", "Ekajaya") or numerals ("Simpang Tiga
# Sipin", "Paal V"), which wilayah_key() folds away; these two differ in letters.
SPELLING_VARIANTS = {"payosilincah": "payoselincah", "sijinjang": "sijenjang"}
NUMERALS = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "satu": "1",
    "dua": "2",
    "tiga": "3",
    "empat": "4",
    "lima": "5",
}
MAX_RT_NUMBER = 999


def wilayah_key(name):
    """Compare kelurahan/kecamatan names ignoring case, spaces, prefixes and numerals."""
    text = unicodedata.normalize("NFKC", str(name)).lower().strip()
    text = re.sub(r"^(kelurahan|kel\.?|kecamatan|kec\.?)\s+", "", text)
    words = re.findall(r"[a-z0-9]+", text)
    key = "".join(NUMERALS.get(word, word) for word in words)
    return SPELLING_VARIANTS.get(key, key)


def header_key(header):
    text = re.sub(r"[.:_]", " ", str(header or "")).lower()
    return " ".join(text.split())


def cell_text(value):
    """The text of a cell read from an imported file, stripped (and un-escaped)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unescape_formula(str(value).strip())


def whole_number(value):
    """An int from 12, 12.0 or "12"; None for anything else (12.5, "1.200", "dua")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = cell_text(value)
    return int(text) if re.fullmatch(r"\d+", text) else None


def phone_text(value):
    text = cell_text(value)
    # Excel stores 081234567890 typed as a number and drops the leading zero.
    if not isinstance(value, str) and re.fullmatch(r"8\d{7,12}", text):
        text = "0" + text
    return text


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing columns): no row is processed."""


@dataclass
class CleanRow:
    line: int
    kelurahan: Kelurahan = None
    number: int = None
    ketua: str = ""
    phone: str = ""
    kk_count: int = None
    errors: list = field(default_factory=list)

    @property
    def key(self):
        return (self.kelurahan.pk, self.number)


IMPORT_FORMATS = [CSVFormat, XLSXFormat]
EXPORT_FORMATS = [base_formats.CSV, base_formats.XLSX]


class FormulaEscapingMixin:
    """Export text cells so that no spreadsheet program runs them as formulas (both CSV
    and XLSX; django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only
    strips a leading "=" and turns every number into text)."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


class RTResource(FormulaEscapingMixin, resources.ModelResource):
    kecamatan = fields.Field(
        attribute="kelurahan__kecamatan__name", column_name=COLUMN_KECAMATAN, readonly=True
    )
    kelurahan = fields.Field(attribute="kelurahan__name", column_name=COLUMN_KELURAHAN)
    number = fields.Field(
        attribute="number", column_name=COLUMN_NUMBER, widget=widgets.IntegerWidget()
    )
    ketua_name = fields.Field(attribute="ketua_name", column_name=COLUMN_KETUA)
    phone = fields.Field(attribute="phone", column_name=COLUMN_PHONE)
    kk_count = fields.Field(
        attribute="kk_count", column_name=COLUMN_KK, widget=widgets.IntegerWidget()
    )
    kategori = fields.Field(column_name=COLUMN_CATEGORY, readonly=True)

    class Meta:
        model = RT
        name = "RT"
        fields = ("kecamatan", "kelurahan", "number", "ketua_name", "phone", "kk_count", "kategori")
        export_order = fields
        import_id_fields = ("kelurahan", "number")
        # Whole file or nothing: one transaction; the admin asks to roll back on any
        # invalid row (rollback_on_validation_errors).
        use_transactions = True
        # 1,650 rows in a few queries: bulk writes, no per-row copy and HTML diff. Rows
        # that change nothing are still reported as skipped (see skip_row).
        use_bulk = True
        batch_size = 500
        skip_diff = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._clean_rows = {}
        self._existing = {}
        self._columns = set()
        self._current = None
        self._before = None
        self._file_has_errors = False
        self._sheet = None
        self._checked = []

    # Export -----------------------------------------------------------------------

    def get_queryset(self):
        return self.scoped(RT.objects.all())

    def scoped(self, queryset):
        if self.user is None:
            return queryset.none()
        return queryset.visible_to(self.user)

    def filter_export(self, queryset, **kwargs):
        # The admin passes its (scoped) changelist; scope again so no caller can forget.
        return self.scoped(queryset).select_related("kelurahan__kecamatan")

    def dehydrate_kategori(self, rt):
        return rt.size_category().label

    # Import -----------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self._sheet = getattr(dataset, "sheet", None)
        lines = self._normalise(dataset)
        kelurahan = list(Kelurahan.objects.select_related("kecamatan"))
        kelurahan_by_key = {wilayah_key(k.name): k for k in kelurahan}
        kecamatan_by_key = {wilayah_key(k.kecamatan.name): k.kecamatan for k in kelurahan}
        allowed = set()
        if self.user is not None:
            allowed = set(Kelurahan.objects.visible_to(self.user).values_list("pk", flat=True))

        seen = {}
        for number, (line, values) in enumerate(zip(lines, dataset, strict=True), start=1):
            row = dict(zip(dataset.headers, values, strict=True))
            clean = self._clean_row(line, row, kelurahan_by_key, kecamatan_by_key, allowed)
            if clean.kelurahan is not None and clean.number is not None:
                first = seen.setdefault(clean.key, line)
                if first != line:
                    clean.errors.append(
                        f"RT {clean.number:02d} Kelurahan {clean.kelurahan.name} sudah ada "
                        f"di baris {first} berkas ini (RT ganda)."
                    )
            self._clean_rows[number] = clean

        self._file_has_errors = any(c.errors for c in self._clean_rows.values())
        in_file = {k.pk for k in (c.kelurahan for c in self._clean_rows.values()) if k}
        self._existing = {
            (rt.kelurahan_id, rt.number): rt
            for rt in self.scoped(RT.objects.filter(kelurahan__in=in_file & allowed))
            .select_related("kelurahan__kecamatan")
            .order_by()
        }

    def _normalise(self, dataset):
        """Canonical headers, blank rows dropped; returns each row's spreadsheet line."""
        headers = [
            HEADER_ALIASES.get(header_key(h), str(h or "").strip()) for h in dataset.headers or []
        ]
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        doubled = sorted({h for h in headers if h in IMPORT_COLUMNS and headers.count(h) > 1})
        if missing or doubled:
            del dataset[:]
            problems = []
            if missing:
                problems.append("kolom wajib tidak ada: " + ", ".join(missing))
            if doubled:
                problems.append("kolom ganda: " + ", ".join(doubled))
            raise ImportFileError(
                "Berkas tidak dapat dibaca ("
                + "; ".join(problems)
                + "). Baris pertama harus berisi judul kolom: "
                + ", ".join(IMPORT_COLUMNS)
                + "."
            )
        dataset.headers = headers
        self._columns = set(headers)
        kept = [
            (line, row)
            for line, row in enumerate(list(dataset), start=2)
            if any(cell_text(cell) for cell in row)
        ]
        del dataset[:]
        for _, row in kept:
            dataset.append(row)
        return [line for line, _ in kept]

    def _clean_row(self, line, row, kelurahan_by_key, kecamatan_by_key, allowed):
        clean = CleanRow(line=line)
        errors = clean.errors
        for column in REQUIRED_COLUMNS:
            if not cell_text(row.get(column)):
                errors.append(f"Kolom '{column}' kosong (wajib diisi).")

        kecamatan_name = cell_text(row.get(COLUMN_KECAMATAN))
        kelurahan_name = cell_text(row.get(COLUMN_KELURAHAN))
        kecamatan = kecamatan_by_key.get(wilayah_key(kecamatan_name)) if kecamatan_name else None
        if kecamatan_name and kecamatan is None:
            errors.append(f"Kecamatan '{kecamatan_name}' tidak dikenal di Kota Jambi.")
        if kelurahan_name:
            kelurahan = kelurahan_by_key.get(wilayah_key(kelurahan_name))
            if kelurahan is None:
                errors.append(f"Kelurahan '{kelurahan_name}' tidak dikenal di Kota Jambi.")
            elif kecamatan is not None and kelurahan.kecamatan_id != kecamatan.pk:
                errors.append(
                    f"Kelurahan {kelurahan.name} tidak berada di Kecamatan {kecamatan.name} "
                    f"(melainkan di Kecamatan {kelurahan.kecamatan.name})."
                )
            elif kelurahan.pk not in allowed:
                errors.append(
                    f"Kelurahan {kelurahan.name} di luar wilayah Anda; Anda hanya dapat "
                    "mengimpor RT di wilayah Anda sendiri."
                )
            else:
                clean.kelurahan = kelurahan

        raw_number = row.get(COLUMN_NUMBER)
        if cell_text(raw_number):
            number = whole_number(re.sub(r"(?i)^\s*rt\.?\s*", "", cell_text(raw_number)))
            if isinstance(raw_number, (int, float)):
                number = whole_number(raw_number)
            if number is None or not 1 <= number <= MAX_RT_NUMBER:
                errors.append(
                    f"Nomor RT '{cell_text(raw_number)}' harus bilangan bulat "
                    f"1 sampai {MAX_RT_NUMBER}."
                )
            else:
                clean.number = number

        raw_kk = row.get(COLUMN_KK)
        if cell_text(raw_kk):
            kk_count = whole_number(raw_kk)
            if kk_count is None or kk_count < 1:
                errors.append(
                    f"Jumlah KK '{cell_text(raw_kk)}' harus bilangan bulat paling sedikit 1."
                )
            elif kk_count > MAX_KK_COUNT:
                errors.append(
                    f"Kolom '{COLUMN_KK}': {angka(kk_count)} KK terlalu banyak untuk satu RT "
                    f"(paling banyak {angka(MAX_KK_COUNT)}); periksa isinya."
                )
            else:
                clean.kk_count = kk_count

        clean.ketua = cell_text(row.get(COLUMN_KETUA))
        clean.phone = phone_text(row.get(COLUMN_PHONE))
        if len(clean.ketua) > RT._meta.get_field("ketua_name").max_length:
            errors.append("Nama ketua terlalu panjang (paling banyak 120 huruf).")
        if len(clean.phone) > RT._meta.get_field("phone").max_length:
            errors.append("Nomor telepon terlalu panjang (paling banyak 30 karakter).")
        return clean

    def before_import_row(self, row, **kwargs):
        self._current = self._clean_rows[kwargs["row_number"]]
        if self._current.errors:
            raise ValidationError(self._current.errors)

    def get_or_init_instance(self, instance_loader, row):
        existing = self._existing.get(self._current.key)
        if existing is not None:
            return existing, False
        return RT(), True

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before = None if new else self._snapshot(instance)

    def import_instance(self, instance, row, **kwargs):
        clean = self._current
        instance.kelurahan = clean.kelurahan
        instance.number = clean.number
        instance.kk_count = clean.kk_count
        # A column left out of the file leaves that value as it is.
        if COLUMN_KETUA in self._columns:
            instance.ketua_name = clean.ketua
        if COLUMN_PHONE in self._columns:
            instance.phone = clean.phone

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # skip_diff keeps no copy of the row, so compare against the snapshot instead.
        if import_validation_errors or self._before is None:
            return False
        return self._snapshot(instance) == self._before

    def save_instance(self, instance, is_create, row, **kwargs):
        # Nothing of a file with a bad row is kept: do not even try to write it.
        if not self._file_has_errors:
            super().save_instance(instance, is_create, row, **kwargs)

    # The preview does not write and roll back: every rule the database holds (unique
    # kelurahan + number, KK >= 1, number >= 1, lengths) was checked in before_import.
    # The confirm step writes, and rolls back everything on any error.
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.update_instances.clear()
            return
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size, result)

    def handle_import_error(self, result, error, raise_errors=False):
        if not isinstance(error, ImportFileError):
            # A database error (lock, lost connection, a row written meanwhile): the
            # officer needs to know nothing was saved, not the exception text.
            logger.warning("RT import failed: %r", error)
            if result is not None and result.base_errors:
                return
            error = ImportFileError(
                "Data tidak dapat disimpan ke basis data; tidak ada yang disimpan. "
                "Coba lagi sebentar lagi; bila berulang, hubungi Admin DPMPPA."
            )
        super().handle_import_error(result, error, raise_errors)

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_update() does not run auto_now.
        if instance.pk is not None:
            instance.updated_at = timezone.now()

    def get_bulk_update_fields(self):
        return ["ketua_name", "phone", "kk_count", "updated_at"]

    def after_import_row(self, row, row_result, **kwargs):
        clean = self._current
        row_result.line = clean.line
        row_result.changes = []
        if self._before is not None:
            after = self._snapshot(row_result.instance)
            labels = ["ketua", "telepon", "jumlah KK"]
            row_result.changes = [
                (label, old, new)
                for label, old, new in zip(labels, self._before, after, strict=True)
                if old != new
            ]
        if not clean.errors:
            self._checked.append(
                CheckedRow(
                    line=clean.line,
                    kelurahan_id=clean.kelurahan.pk,
                    number=clean.number,
                    ketua=clean.ketua,
                    phone=clean.phone,
                    kk_count=clean.kk_count,
                    status=row_result.import_type,
                    changes=row_result.changes,
                )
            )

    def after_import(self, dataset, result, **kwargs):
        # Shown above the preview: which sheet was read, and where reading stopped.
        result.sheet = self._sheet
        # Kept between preview and confirm, so the confirm step reads no file again.
        result.checked = CheckedFile(
            rows=self._checked,
            has_ketua=COLUMN_KETUA in self._columns,
            has_phone=COLUMN_PHONE in self._columns,
        )
        # Report invalid rows by their spreadsheet line, as the officer sees them.
        for invalid in result.invalid_rows:
            clean = self._clean_rows.get(invalid.number)
            if clean is not None:
                invalid.number = clean.line
        super().after_import(dataset, result, **kwargs)

    @staticmethod
    def _snapshot(rt):
        return (rt.ketua_name, rt.phone, rt.kk_count)
