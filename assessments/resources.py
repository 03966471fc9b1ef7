"""Proposal import: a CSV or XLSX with columns kelurahan, nomor RT (optional kecamatan when
a kelurahan name is not unique). Whole or nothing: any bad row and nothing is written,
every row's problem is reported in Indonesian with its row number. The file is read (and
a hostile one refused) by rt_registry/spreadsheets.py, in the import form."""

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments import proposals as flow
from rt_registry.models import RT, Kelurahan

HEADER_ALIASES = {
    "kelurahan": "kelurahan",
    "nama kelurahan": "kelurahan",
    "kecamatan": "kecamatan",
    "nama kecamatan": "kecamatan",
    "rt": "rt",
    "nomor rt": "rt",
    "nomor_rt": "rt",
    "no rt": "rt",
    "no. rt": "rt",
}


def _norm(value):
    return " ".join(str(value or "").split()).casefold()


def read_rows(sheet):
    """[(row number, {kelurahan, kecamatan, rt})] from a sheet read by
    rt_registry.spreadsheets; the row numbers are the spreadsheet's own."""
    if not sheet.header and not sheet.rows:
        raise ValidationError("Berkas kosong.")
    header = [HEADER_ALIASES.get(_norm(c), "") for c in sheet.header]
    if "kelurahan" not in header or "rt" not in header:
        raise ValidationError(
            "Baris judul harus memuat kolom 'kelurahan' dan 'nomor RT' (kolom 'kecamatan' boleh)."
        )
    rows = [
        (number, {key: values[i] for i, key in enumerate(header)})
        for number, values in sheet.numbered_rows()
    ]
    if not rows:
        raise ValidationError("Berkas kosong.")
    return rows


def _parse_number(value):
    text = str(value if value is not None else "").strip().upper().removeprefix("RT").strip()
    if text.endswith(".0"):  # spreadsheets store 5 as 5.0
        text = text[:-2]
    return int(text) if text.isdigit() and int(text) > 0 else None


def resolve_rts(rows):
    """(rts in row order, errors): each row matched to an RT, or a row error."""
    kelurahan = list(Kelurahan.objects.select_related("kecamatan"))
    by_name = {}
    for k in kelurahan:
        by_name.setdefault(_norm(k.name), []).append(k)
    rts = {
        (rt.kelurahan_id, rt.number): rt
        for rt in RT.objects.select_related("kelurahan__kecamatan").filter(kelurahan__in=kelurahan)
    }
    found, errors, seen = [], [], {}
    for number, record in rows:
        name = str(record.get("kelurahan") or "").strip()
        rt_number = _parse_number(record.get("rt"))
        if not name:
            errors.append(f"Baris {number}: nama kelurahan kosong.")
            continue
        if rt_number is None:
            errors.append(f"Baris {number}: nomor RT '{record.get('rt') or ''}' tidak valid.")
            continue
        candidates = by_name.get(_norm(name), [])
        kecamatan = _norm(record.get("kecamatan"))
        if kecamatan:
            candidates = [k for k in candidates if _norm(k.kecamatan.name) == kecamatan]
        if not candidates:
            errors.append(f"Baris {number}: kelurahan '{name}' tidak ditemukan.")
            continue
        if len(candidates) > 1:
            errors.append(
                f"Baris {number}: ada beberapa kelurahan bernama '{name}'; isi kolom kecamatan."
            )
            continue
        rt = rts.get((candidates[0].pk, rt_number))
        if rt is None:
            errors.append(
                f"Baris {number}: RT {rt_number:02d} tidak ada di Kelurahan {candidates[0].name}."
            )
            continue
        if rt.pk in seen:
            errors.append(f"Baris {number}: {rt} sudah ada di baris {seen[rt.pk]}.")
            continue
        seen[rt.pk] = number
        found.append((number, rt))
    return found, errors


@transaction.atomic
def import_proposals(*, cycle, sheet, by):
    """Propose every RT listed in the sheet, or none; returns the new proposals."""
    rows = read_rows(sheet)
    found, errors = resolve_rts(rows)
    rts = [rt for _, rt in found]
    cycle_errors, by_rt = flow.proposal_errors_by_rt(cycle=cycle, rts=rts, by=by)
    if cycle_errors:
        raise ValidationError(cycle_errors)
    for number, rt in found:
        errors.extend(f"Baris {number}: {message}" for message in by_rt.get(rt.pk, []))
    if errors:
        errors.sort(key=lambda m: int(m.split(":")[0].removeprefix("Baris ")))
        raise ValidationError(errors)
    return flow.propose_rts(cycle=cycle, rts=rts, by=by)
