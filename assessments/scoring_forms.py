"""What the tablet sends, checked for shape before the domain checks its meaning.

The body is JSON:
    {"client_token": "<uuid>", "action": "draft" | "send",
     "visit_date": "2026-11-29" | "", "general_note": "...",
     "scores": [{"indicator": <id>, "value": 0 | 1 | 2, "note": "..."}, ...]}
"""

import datetime
import json
import re

from django import forms
from django.core.exceptions import ValidationError

ACTIONS = ("draft", "send")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_sheet_payload(body):
    """-> dict(client_token, send, values, notes, visit_date, general_note); raises
    ValidationError listing every problem found."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[…]]]]
        raise ValidationError(
            "Data yang dikirim tidak terbaca (bukan JSON yang sah). Muat ulang halaman lalu "
            "coba lagi; jawaban Anda tetap tersimpan di perangkat ini.",
            code="malformed",
        ) from None
    if not isinstance(data, dict):
        raise ValidationError("Data yang dikirim tidak sesuai format.", code="malformed")

    errors = []
    action = data.get("action")
    if action not in ACTIONS:
        errors.append(ValidationError("Aksi harus 'draft' atau 'send'.", code="malformed"))
    general_note = data.get("general_note") or ""
    if not isinstance(general_note, str):
        errors.append(ValidationError("Catatan umum harus berupa teks.", code="malformed"))
        general_note = ""
    visit_date = None
    try:
        visit_date = parse_visit_date(data.get("visit_date"))
    except ValidationError as error:
        errors.append(error)

    values, notes = {}, {}
    scores = data.get("scores", [])
    if not isinstance(scores, list):
        errors.append(ValidationError("Daftar nilai tidak sesuai format.", code="malformed"))
        scores = []
    for item in scores:
        indicator = item.get("indicator") if isinstance(item, dict) else None
        if type(indicator) is not int:
            errors.append(
                ValidationError("Setiap nilai harus menyebut indikatornya.", code="malformed")
            )
            continue
        if indicator in values:
            errors.append(
                ValidationError(
                    f"Indikator {indicator} dikirim lebih dari sekali.", code="duplicate_indicator"
                )
            )
            continue
        value, note = item.get("value"), item.get("note") or ""
        if type(value) is not int or value not in (0, 1, 2):
            errors.append(
                ValidationError(
                    "Nilai harus 0, 1 atau 2 (2 baik, 1 sedang, 0 kurang).", code="invalid_value"
                )
            )
            continue
        if not isinstance(note, str):
            errors.append(ValidationError("Catatan harus berupa teks.", code="malformed"))
            continue
        values[indicator] = value
        if note.strip():
            notes[indicator] = note
    if errors:
        raise ValidationError(errors)
    return {
        "client_token": data.get("client_token"),
        "send": action == "send",
        "values": values,
        "notes": notes,
        "visit_date": visit_date,
        "general_note": general_note,
    }


def parse_visit_date(value):
    """The date input sends ISO (YYYY-MM-DD), which is unambiguous; empty means none."""
    if value in (None, ""):
        return None
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(
            "Tanggal kunjungan tidak valid; pilih tanggal dari kalender.", code="invalid_date"
        ) from None


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="Alasan",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Misalnya: saya tinggal di RT ini, atau Ketua RT adalah keluarga saya.",
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Alasan membuka kembali",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )
