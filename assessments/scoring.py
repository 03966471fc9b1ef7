"""Tablet scoring: one assessor's sheet for one proposal, saved and sent in versions.

The tablet names each sheet version with a token it generates (Assessment.client_token).
A request that repeats a token (a retry after a timeout, a double tap) is the same save:
it is answered as the first one was and never makes a second assessment. A send that
repeats the token of a sent version with different answers is refused (409): the tablet
must keep those answers, not be told they arrived. Sent versions
are never changed in place: reopening makes a new DRAFT version (reopen_sheet), and
sending that one marks the old SENT version SUPERSEDED. The visit's photos and position
come in the same request as the answers and are written in the same transaction
(evidence.py), so a sent sheet is never held without its photos; photos taken off a
reopened sheet (`remove_photos`, ids of its own photos) leave it with the send."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from assessments import evidence
from assessments.models import (
    Assessment,
    Cycle,
    Indicator,
    Proposal,
    Score,
    remember_sent_set,
)
from rt_registry import roles

MAX_NOTE_LENGTH = 2000
MAX_GENERAL_NOTE_LENGTH = 5000
VALID_VALUES = (0, 1, 2)
NOT_TIM_PENILAI_MESSAGE = "Hanya anggota Tim Penilai yang dapat mengisi penilaian."


def save_sheet(
    *,
    proposal,
    assessor,
    client_token,
    values,
    notes=None,
    visit_date=None,
    general_note="",
    photos=(),
    location=None,
    remove_photos=(),
    tim_penilai_only=False,
):
    """Save the assessor's draft: `values` maps indicator id -> 0/1/2 (may be partial)."""
    return _write_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=client_token,
        values=values,
        notes=notes or {},
        visit_date=visit_date,
        general_note=general_note,
        photos=photos,
        location=location,
        remove_photos=remove_photos,
        tim_penilai_only=tim_penilai_only,
        send=False,
    )


def send_sheet(
    *,
    proposal,
    assessor,
    client_token,
    values,
    notes=None,
    visit_date=None,
    general_note="",
    photos=(),
    location=None,
    remove_photos=(),
    tim_penilai_only=False,
):
    """Send the sheet: all indicators of the cycle's set scored, then read-only."""
    return _write_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=client_token,
        values=values,
        notes=notes or {},
        visit_date=visit_date,
        general_note=general_note,
        photos=photos,
        location=location,
        remove_photos=remove_photos,
        tim_penilai_only=tim_penilai_only,
        send=True,
    )


def _write_sheet(**kwargs):
    try:
        return _write_sheet_once(**kwargs)
    except IntegrityError:
        # A concurrent request for the same sheet (same token, or the one-draft/one-sent
        # constraints) committed first. Read again: its row now answers this request.
        return _write_sheet_once(**kwargs)


def _write_sheet_once(**kwargs):
    # Photo files stored by a write that rolls back are deleted with it (evidence.py).
    with evidence.files_undone_on_error() as written, transaction.atomic():
        return _write_sheet_locked(**kwargs, written=written)


def _write_sheet_locked(
    *,
    proposal,
    assessor,
    client_token,
    values,
    notes,
    visit_date,
    general_note,
    photos,
    location,
    remove_photos,
    tim_penilai_only,
    send,
    written,
):
    token = _as_token(client_token)
    # Serialise writes to one proposal's sheets (PostgreSQL; SQLite locks the whole file).
    # The same statement reads the cycle and whether the assessor may score at all.
    proposal = _lock_proposal(proposal.pk, assessor=assessor)
    if tim_penilai_only and not proposal.is_tim_penilai:
        # The save view's role check, read with the lock instead of a query of its own.
        raise ValidationError(NOT_TIM_PENILAI_MESSAGE, code="not_assessor")
    # One read answers every question about sheets: the one this token names (it may be
    # another's), and this assessor's draft, sent version and highest version number.
    sheets = list(
        Assessment.objects.filter(
            Q(client_token=token) | Q(proposal_id=proposal.pk, assessor_id=assessor.pk)
        )
    )
    existing = next((s for s in sheets if s.client_token == token), None)
    mine = [s for s in sheets if (s.proposal_id, s.assessor_id) == (proposal.pk, assessor.pk)]
    if existing and (existing.proposal_id, existing.assessor_id) != (proposal.pk, assessor.pk):
        raise ValidationError(
            "Token lembar penilaian ini milik lembar lain. Muat ulang halaman lalu coba lagi.",
            code="token_mismatch",
        )
    if existing and existing.status != Assessment.Status.DRAFT:
        if not send:
            raise _already_sent_error()
        if not _same_answers(
            existing, values=values, notes=notes, visit_date=visit_date, general_note=general_note
        ):
            # The tablet changed its answers after a send whose reply it never got. Saying
            # "terkirim" would make it drop answers the server does not have.
            raise ValidationError(
                "Lembar ini sudah terkirim sebelumnya dengan jawaban yang berbeda dari yang "
                "Anda kirim sekarang; jawaban baru ini tidak disimpan di server dan tetap "
                "tersimpan di perangkat ini. Muat ulang halaman untuk melihat jawaban yang "
                "terkirim, lalu minta Admin DPMPPA membuka kembali lembar ini bila perlu "
                "diperbaiki.",
                code="token_reused",
            )
        # The same send again: answered as the first one was. Its photos arrived with it
        # (same transaction), so the replay's copies are not stored again.
        return existing

    ensure_can_score(proposal=proposal, assessor=assessor, send=send)

    draft = next((s for s in mine if s.status == Assessment.Status.DRAFT), None)
    previous = next((s for s in mine if s.status == Assessment.Status.SENT), None)
    sheet = existing
    if sheet is None:
        sheet = draft
        if sheet is not None:
            # Another device or an older page made this draft: the latest save wins,
            # and from now on this token names the draft.
            sheet.client_token = token
    if sheet is None:
        if previous is not None:
            raise _already_sent_error()
        sheet = Assessment(
            proposal=proposal,
            assessor=assessor,
            client_token=token,
            version=max((s.version for s in mine), default=0) + 1,
        )

    indicators = _validate_sheet(
        cycle=proposal.cycle,
        values=values,
        notes=notes,
        visit_date=visit_date,
        general_note=general_note,
        send=send,
    )

    sheet.visit_date = visit_date
    sheet.general_note = general_note.strip()
    if location is not None:
        # A save without a position keeps the one recorded before (it is optional).
        sheet.visit_latitude = location["latitude"]
        sheet.visit_longitude = location["longitude"]
        sheet.visit_accuracy_m = location["accuracy_m"]
        sheet.visit_located_at = location["located_at"]
    if send:
        if previous is not None:
            previous.status = Assessment.Status.SUPERSEDED
            # Only the status moves: the sent version itself stays as it was sent.
            previous.save(update_fields=["status"])
        sheet.status = Assessment.Status.SENT
        sheet.sent_at = timezone.now()
        # Once this send commits, the set can never change: later sends skip reading it.
        set_id = proposal.cycle.indicator_set_id
        transaction.on_commit(lambda: remember_sent_set(set_id, indicators))
    is_new = sheet._state.adding
    sheet.save()
    if not is_new:  # a new sheet has no scores yet
        sheet.scores.all().delete()
    Score.objects.bulk_create(
        Score(
            assessment=sheet,
            indicator_id=indicator_id,
            value=value,
            note=(notes.get(indicator_id) or "").strip(),
        )
        for indicator_id, value in values.items()
    )
    if send and remove_photos:
        # Server photos the assessor took off a reopened sheet: gone with this send only
        # (a draft save keeps them; the tablet holds the list until "Kirim").
        evidence.remove_photos(sheet, remove_photos)
    if photos:
        evidence.attach_photos(sheet, photos, indicators=indicators, written=written)
    return sheet


def _same_answers(sheet, *, values, notes, visit_date, general_note):
    """Whether a save carries exactly what `sheet` holds (notes compared as stored)."""
    stored = {s.indicator_id: (s.value, s.note) for s in sheet.scores.all()}
    asked = {i: (v, (notes.get(i) or "").strip()) for i, v in values.items()}
    stray_notes = any((note or "").strip() for i, note in notes.items() if i not in values)
    return (
        stored == asked
        and not stray_notes
        and sheet.visit_date == visit_date
        and sheet.general_note == (general_note or "").strip()
    )


def ensure_can_score(*, proposal, assessor, send=False):
    """Refuse unless `assessor` may score `proposal` now (assigned, no conflict, Penilaian).
    `proposal` comes from Proposal.objects.with_scoring_rights(assessor) with its cycle;
    any other is read again that way (one query)."""
    if not hasattr(proposal, "is_assigned"):
        proposal = (
            Proposal.objects.with_scoring_rights(assessor)
            .select_related("cycle")
            .get(pk=proposal.pk)
        )
    if not proposal.is_assigned:
        raise ValidationError(
            "RT ini tidak ditugaskan kepada Anda, sehingga Anda tidak dapat menilainya.",
            code="not_assigned",
        )
    if proposal.has_conflict:
        raise ValidationError(
            "Anda telah menyatakan konflik kepentingan untuk RT ini, sehingga tidak menilainya.",
            code="conflict",
        )
    cycle = proposal.cycle
    action = "mengirim lembar penilaian" if send else "menyimpan lembar penilaian"
    cycle.ensure_stage(Cycle.Stage.PENILAIAN, action=action)


def _validate_sheet(*, cycle, values, notes, visit_date, general_note, send):
    """All the sheet's problems at once, so the assessor can fix them in one go."""
    indicators = Indicator.objects.by_pk_of_set(cycle.indicator_set_id)
    errors = []
    unknown = sorted(str(i) for i in set(values) | set(notes) if i not in indicators)
    if unknown:
        errors.append(
            ValidationError(
                "Indikator tidak dikenal untuk periode ini: " + ", ".join(unknown) + ".",
                code="unknown_indicator",
            )
        )
    for indicator_id, value in values.items():
        if type(value) is not int or value not in VALID_VALUES:
            label = indicators[indicator_id].code if indicator_id in indicators else indicator_id
            errors.append(
                ValidationError(
                    f"Nilai {label} harus 0, 1 atau 2 (2 baik, 1 sedang, 0 kurang).",
                    code="invalid_value",
                )
            )
    for indicator_id, note in notes.items():
        if note and indicator_id in indicators and indicator_id not in values:
            errors.append(
                ValidationError(
                    f"Catatan {indicators[indicator_id].code} perlu nilainya; "
                    "beri nilai dulu atau hapus catatannya.",
                    code="note_without_value",
                )
            )
        if note and len(note) > MAX_NOTE_LENGTH:
            errors.append(
                ValidationError(
                    f"Catatan indikator terlalu panjang (maksimal {MAX_NOTE_LENGTH} karakter).",
                    code="note_too_long",
                )
            )
    if len(general_note) > MAX_GENERAL_NOTE_LENGTH:
        errors.append(
            ValidationError(
                f"Catatan umum terlalu panjang (maksimal {MAX_GENERAL_NOTE_LENGTH} karakter).",
                code="note_too_long",
            )
        )
    if visit_date is not None and visit_date > timezone.localdate():
        errors.append(
            ValidationError(
                "Tanggal kunjungan tidak boleh setelah hari ini.", code="visit_date_future"
            )
        )
    if send:
        missing = [i.code for i in indicators.values() if i.pk not in values]
        if missing:
            errors.append(
                ValidationError(
                    f"Semua {len(indicators)} indikator harus dinilai sebelum dikirim. "
                    f"Belum dinilai: {', '.join(missing)}.",
                    code="missing_indicator",
                )
            )
        if visit_date is None:
            errors.append(
                ValidationError(
                    "Isi tanggal kunjungan sebelum mengirim.", code="visit_date_missing"
                )
            )
    if errors:
        raise ValidationError(errors)
    return indicators


def reopen_sheet(assessment, *, by, reason):
    """Admin DPMPPA reopens a sent sheet: a new DRAFT version copying the sent scores,
    position and photos.
    The sent version stays SENT (the recap keeps using it) until the new one is sent."""
    if not roles.is_admin_dpmppa(by):
        raise ValidationError(
            "Hanya Admin DPMPPA yang dapat membuka kembali lembar penilaian.", code="forbidden"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Alasan membuka kembali wajib diisi.", code="reason_required")
    with transaction.atomic():
        proposal = _lock_proposal(assessment.proposal_id)
        sent = Assessment.objects.get(pk=assessment.pk)
        if sent.status != Assessment.Status.SENT:
            raise ValidationError(
                "Hanya lembar penilaian yang terkirim (versi terakhir) yang dapat dibuka kembali.",
                code="not_sent",
            )
        proposal.cycle.ensure_stage(
            Cycle.Stage.PENILAIAN, action="membuka kembali lembar penilaian"
        )
        if _current_draft(proposal, sent.assessor) is not None:
            raise ValidationError(
                "Lembar ini sudah dibuka kembali dan menunggu dikirim ulang oleh penilai.",
                code="draft_exists",
            )
        draft = Assessment.objects.create(
            proposal=proposal,
            assessor=sent.assessor,
            version=_next_version(proposal, sent.assessor),
            status=Assessment.Status.DRAFT,
            visit_date=sent.visit_date,
            general_note=sent.general_note,
            reopened_by=by,
            reopened_at=timezone.now(),
            reopen_reason=reason,
            visit_latitude=sent.visit_latitude,
            visit_longitude=sent.visit_longitude,
            visit_accuracy_m=sent.visit_accuracy_m,
            visit_located_at=sent.visit_located_at,
        )
        Score.objects.bulk_create(
            Score(assessment=draft, indicator_id=s.indicator_id, value=s.value, note=s.note)
            for s in sent.scores.all()
        )
        evidence.copy_photos(sent, draft)
    return draft


def latest_sheets(proposal, assessor):
    """(draft, sent) of this assessor for this proposal; either may be None."""
    draft = sent = None
    for sheet in _sheets(proposal, assessor).exclude(status=Assessment.Status.SUPERSEDED):
        if sheet.status == Assessment.Status.DRAFT:
            draft = sheet
        else:
            sent = sheet
    return draft, sent


def _as_token(value):
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(
            "Token lembar penilaian tidak valid. Muat ulang halaman lalu coba lagi.",
            code="invalid_token",
        ) from None


def _already_sent_error():
    return ValidationError(
        "Lembar penilaian Anda untuk RT ini sudah dikirim dan tidak dapat diubah lagi. "
        "Bila perlu perbaikan, minta Admin DPMPPA membukanya kembali.",
        code="already_sent",
    )


def _lock_proposal(pk, *, assessor=None):
    """The proposal row, locked, with its cycle read in the same statement (and, given an
    assessor, their scoring rights). Raises Proposal.DoesNotExist."""
    proposals = Proposal.objects.select_for_update(of=("self",)).select_related("cycle")
    if assessor is not None:
        proposals = proposals.with_scoring_rights(assessor)
    return proposals.get(pk=pk)


def _sheets(proposal, assessor):
    return Assessment.objects.filter(proposal=proposal, assessor=assessor)


def _current_draft(proposal, assessor):
    return _sheets(proposal, assessor).filter(status=Assessment.Status.DRAFT).first()


def _next_version(proposal, assessor):
    last = _sheets(proposal, assessor).aggregate(v=Max("version"))["v"]
    return (last or 0) + 1
