"""What the tablet sends, checked for shape before the domain checks its meaning.

The body is JSON:
    {"client_token": "<uuid>", "action": "draft" | "send",
     "visit_date": "2026-11-29" | "", "general_note": "...",
     "scores": [{"indicator": <id>, "value": 0 | 1 | 2, "note": "..."}, ...],
     "location": null | {"latitude": -1.61, "longitude": 103.61, "accuracy": 12,
                         "at": "2026-11-29T02:15:00Z"},
     "photos": [{"file": "foto-0", "indicator": <id>, "taken_at": "<ISO>" | null}, ...],
     "remove_photos": [<EvidencePhoto id>, ...]}   (server photos taken off a reopened sheet)
A sheet with photos comes as multipart/form-data: this JSON in the field "payload" and
each photo as the file its "file" names (parse_photo_uploads).
"""

import datetime
import json
import math
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import evidence

ACTIONS = ("draft", "send")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_ACCURACY_M = 100_000  # a reading worse than 100 km says nothing about the place


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
    location = None
    try:
        location = parse_location(data.get("location"))
    except ValidationError as error:
        errors.append(error)
    photos = data.get("photos") or []
    if not isinstance(photos, list) or not all(isinstance(p, dict) for p in photos):
        errors.append(ValidationError("Daftar foto tidak sesuai format.", code="malformed"))
        photos = []
    remove_photos = data.get("remove_photos") or []
    if not isinstance(remove_photos, list) or not all(type(i) is int for i in remove_photos):
        errors.append(
            ValidationError("Daftar foto yang dihapus tidak sesuai format.", code="malformed")
        )
        remove_photos = []
    if errors:
        raise ValidationError(errors)
    return {
        "client_token": data.get("client_token"),
        "remove_photos": remove_photos,
        "location": location,
        "photos": photos,
        "send": action == "send",
        "values": values,
        "notes": notes,
        "visit_date": visit_date,
        "general_note": general_note,
    }


def parse_location(value):
    """The tablet's reading of the visit's position, or None when none was recorded."""
    if value in (None, ""):
        return None
    invalid = ValidationError(
        "Lokasi kunjungan tidak terbaca. Tekan Catat lokasi kunjungan lagi, atau kirim "
        "tanpa lokasi.",
        code="invalid_location",
    )
    if not isinstance(value, dict):
        raise invalid
    latitude, longitude = value.get("latitude"), value.get("longitude")
    accuracy = value.get("accuracy")
    numbers = (latitude, longitude) + ((accuracy,) if accuracy is not None else ())
    if any(type(n) not in (int, float) or not math.isfinite(n) for n in numbers):
        raise invalid
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise invalid
    if accuracy is not None and not 0 <= accuracy <= MAX_ACCURACY_M:
        raise invalid
    return {
        "latitude": Decimal(str(round(latitude, 6))),
        "longitude": Decimal(str(round(longitude, 6))),
        "accuracy_m": round(accuracy) if accuracy is not None else None,
        "located_at": parse_moment(value.get("at")) or timezone.now(),
    }


def parse_moment(value):
    """An ISO date-time from the tablet, or None when missing, unreadable or in the future
    (a tablet's clock may be wrong; the moment is only informative)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        return None
    return moment if moment <= timezone.now() + datetime.timedelta(minutes=10) else None


def parse_photo_uploads(photos, files):
    """The photos a payload announces, each checked and re-encoded (evidence.py):
    -> [PreparedPhoto]; raises ValidationError listing every photo refused."""
    if len(photos) > evidence.MAX_PHOTOS_PER_SHEET:
        raise ValidationError(
            f"Lembar ini berisi {len(photos)} foto; paling banyak "
            f"{evidence.MAX_PHOTOS_PER_SHEET} foto per lembar. Hapus foto yang berlebih.",
            code="too_many_photos",
        )
    prepared, errors, numbers = [], [], {}
    for item in photos:
        indicator, upload = item.get("indicator"), files.get(str(item.get("file")))
        if type(indicator) is not int or upload is None:
            errors.append(
                ValidationError(
                    "Sebuah foto tidak ikut terkirim atau tidak menyebut indikatornya. Kirim lagi.",
                    code="photo_missing",
                )
            )
            continue
        numbers[indicator] = numbers.get(indicator, 0) + 1
        label = f"Foto {numbers[indicator]} indikator {item.get('code') or indicator}"
        try:
            prepared.append(
                evidence.prepare_photo(
                    upload,
                    indicator_id=indicator,
                    label=label,
                    taken_at=parse_moment(item.get("taken_at")),
                )
            )
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return prepared


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
