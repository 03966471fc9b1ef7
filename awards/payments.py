"""Prize payments (uang pembinaan): recording them and the finance office's xlsx list.

Payments continue after the decree is final: they are the one part of an award of a
locked cycle that may still change (Award.FIELDS_WRITABLE_AFTER_LOCK)."""

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from awards.models import Award, Decree
from rt_registry.spreadsheets import escape_formula
from rt_registry.templatetags.bantar import format_tanggal


def check_paid_after_decree(awards, paid_on):
    """Uang pembinaan is paid on the strength of the SK: a paid date before the cycle's
    first final SK is a typo (e.g. the year). One query."""
    first_decree = (
        Decree.objects.filter(
            cycle_id__in={a.cycle_id for a in awards},
            status__in=[Decree.Status.FINAL, Decree.Status.REVOKED],
            amends__isnull=True,  # the cycle's original SK; later amendments do not count
            decided_on__gt=paid_on,
        )
        .order_by("decided_on")
        .first()
    )
    if first_decree is not None:
        raise ValidationError(
            f"Tanggal bayar {format_tanggal(paid_on)} lebih awal dari SK Nomor "
            f"{first_decree.number} ({format_tanggal(first_decree.decided_on)}) yang menjadi "
            "dasar pembayaran. Periksa tanggalnya.",
            code="paid_before_decree",
        )


def record_payment(*, awards, paid_on, reference, by):
    """Mark `awards` (already scoped by the caller) as paid on `paid_on`. Atomic: either
    every award is recorded or none. Returns the number recorded."""
    if paid_on is None:
        raise ValidationError("Tanggal bayar wajib diisi.", code="no_date")
    if paid_on > timezone.localdate():
        raise ValidationError("Tanggal bayar tidak boleh di masa depan.", code="future_date")
    check_paid_after_decree(awards, paid_on)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError("Referensi pembayaran wajib diisi.", code="no_reference")
    now = timezone.now()
    count = 0
    with transaction.atomic():
        locked = list(
            Award.objects.select_for_update()
            .select_related("proposal")
            .filter(pk__in=[a.pk for a in awards])
        )
        # Never overwrite a payment already recorded (its date and SP2D would be lost).
        already = [a for a in locked if a.payment_status == Award.PaymentStatus.DIBAYAR]
        if already:
            names = "; ".join(
                f"RT {a.proposal.rt_number:02d} {a.proposal.kelurahan_name} "
                f"({a.payment_reference}, {format_tanggal(a.paid_on)})"
                for a in already[:5]
            )
            more = f" dan {len(already) - 5} lainnya" if len(already) > 5 else ""
            raise ValidationError(
                f"Tidak ada yang dicatat: {len(already)} penghargaan sudah dibayar: "
                f"{names}{more}. Hapus centangnya, atau ubah pembayarannya satu per satu.",
                code="already_paid",
            )
        for award in locked:
            award.payment_status = Award.PaymentStatus.DIBAYAR
            award.paid_on = paid_on
            award.payment_reference = reference
            award.payment_recorded_by = by
            award.payment_recorded_at = now
            award.save()  # history keeps who changed what
            count += 1
    return count


COLUMNS = [
    ("No", 5),
    ("Periode", 18),
    ("Nomor SK", 24),
    ("Kecamatan", 18),
    ("Kelurahan", 20),
    ("RT", 5),
    ("Ketua RT", 24),
    ("Jumlah KK", 10),
    ("Kategori", 10),
    ("Predikat", 22),
    ("Uang Pembinaan (Rp)", 18),
    ("Status", 14),
    ("Tanggal Bayar", 16),
    ("Referensi", 20),
    ("Dicatat oleh", 16),
]
AMOUNT_FORMAT = "#,##0"
# A real date cell (sortable, filterable by the finance office), shown day/month/year.
DATE_FORMAT = "DD/MM/YYYY"


def payments_queryset(awards):
    return awards.select_related("proposal", "cycle", "payment_recorded_by").order_by(
        "cycle__year",
        "cycle__period",
        "proposal__kecamatan_name",
        "proposal__kelurahan_name",
        "proposal__rt_number",
    )


def payments_xlsx(awards):
    """The list for the finance office, from a (scoped) Award queryset: one row per award
    and a totals row (all, paid, unpaid). Two queries whatever the number of rows."""
    rows = list(payments_queryset(awards))
    decree_numbers = dict(
        Decree.objects.filter(cycle_id__in={a.cycle_id for a in rows}, status=Decree.Status.FINAL)
        # The decree in force: never a revoking decree, nor an amendment of a revoked one.
        .exclude(correction=Decree.Correction.MENCABUT)
        .exclude(amends__status=Decree.Status.REVOKED)
        .order_by("decided_on", "pk")  # the latest one wins in the dict
        .values_list("cycle_id", "number")
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Pembayaran"
    sheet.append(["Daftar Pembayaran Uang Pembinaan Kampung BANTAR Kota Jambi"])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([f"Dibuat {format_tanggal(timezone.localdate())}"])
    sheet.append([])
    sheet.append([name for name, _ in COLUMNS])
    header_row = sheet.max_row
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.cell(row=header_row, column=index).font = Font(bold=True)
        sheet.cell(row=header_row, column=index).alignment = Alignment(wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    first_row = header_row + 1
    for number, award in enumerate(rows, start=1):
        proposal = award.proposal
        recorder = award.payment_recorded_by
        sheet.append(
            [
                number,
                escape_formula(str(award.cycle)),
                escape_formula(decree_numbers.get(award.cycle_id, "")),
                escape_formula(proposal.kecamatan_name),
                escape_formula(proposal.kelurahan_name),
                f"{proposal.rt_number:02d}",
                escape_formula(proposal.ketua_name),
                proposal.kk_count,
                award.get_size_category_display(),
                award.get_tier_display(),
                int(award.prize_amount),
                award.get_payment_status_display(),
                award.paid_on,
                escape_formula(award.payment_reference),
                escape_formula(recorder.get_username() if recorder else ""),
            ]
        )
        sheet.cell(row=sheet.max_row, column=11).number_format = AMOUNT_FORMAT
        sheet.cell(row=sheet.max_row, column=13).number_format = DATE_FORMAT
    last_row = sheet.max_row
    # Totals as formulas, so the office can add or strike a row and the sums follow; each
    # with its result stored too (with_formula_results), so a viewer that calculates
    # nothing (a phone's preview, a mail attachment) still shows the money.
    amounts = f"K{first_row}:K{max(last_row, first_row)}"
    statuses = f"L{first_row}:L{max(last_row, first_row)}"
    paid_label = Award.PaymentStatus.DIBAYAR.label
    total = sum(int(award.prize_amount) for award in rows)
    paid = sum(
        int(award.prize_amount)
        for award in rows
        if award.payment_status == Award.PaymentStatus.DIBAYAR
    )
    totals_row = last_row + 2  # one empty row between the list and its totals
    results = {}
    for offset, (label, formula, value) in enumerate(
        (
            (f"Jumlah ({len(rows)} RT)", f"=SUM({amounts})", total),
            ("Sudah dibayar", f'=SUMIF({statuses},"{paid_label}",{amounts})', paid),
            ("Belum dibayar", f"=K{totals_row}-K{totals_row + 1}", total - paid),
        )
    ):
        sheet.cell(row=totals_row + offset, column=10, value=label)
        sheet.cell(row=totals_row + offset, column=11, value=formula)
        sheet.cell(row=totals_row + offset, column=10).font = Font(bold=True)
        sheet.cell(row=totals_row + offset, column=11).font = Font(bold=True)
        sheet.cell(row=totals_row + offset, column=11).number_format = AMOUNT_FORMAT
        results[f"K{totals_row + offset}"] = value
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{last_row}"
    # Printed by the finance office: landscape, one page wide, header on every page.
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_formula_results(buffer.getvalue(), results)


def with_formula_results(data, results, *, part="xl/worksheets/sheet1.xml"):
    """The xlsx `data` with the result of each formula cell in `results` ({"K9": 22500000})
    stored beside its formula. openpyxl writes formulas with an empty result, which only
    a program that calculates (Excel, LibreOffice) fills in. The formula stays: Excel and
    LibreOffice still recalculate it (openpyxl sets fullCalcOnLoad)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read(part).decode("utf-8")
    for ref, value in results.items():
        cell = re.compile(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v>\s*</v>)')
        xml, found = cell.subn(rf"\g<1><v>{int(value)}</v>", xml)
        if found != 1:
            raise ValueError(f"Formula cell {ref} not found in {part}.")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == part else source.read(item.filename))
    return out.getvalue()
