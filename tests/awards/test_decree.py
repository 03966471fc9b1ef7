import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from pypdf import PdfReader

from assessments.models import Cycle, Score
from awards import certificates
from awards.issuing import (
    basis_changed,
    compute_basis_fingerprint,
    create_correction,
    create_draft_decree,
    finalise_decree,
)
from awards.models import Award, Decree, DecreeFinal
from documents.jobs import start_document_job
from documents.models import DocumentJob
from tests import factories

WINNERS = [("Buluran Kenali", 5, 132), ("Telanaipura", 3, 75), ("Kenali Asam", 10, 30)]
LOSERS = [("Telanaipura", 9, 60)]


@pytest.fixture
def cycle(admin_dpmppa, assessor):
    return factories.make_decided_cycle(
        winners=WINNERS, losers=LOSERS, assessor=assessor, by=admin_dpmppa, meeting_number="07/BA"
    )


@pytest.fixture
def draft(cycle, admin_dpmppa):
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.save()
    return decree


def ready(decree, number="12 TAHUN 2026"):
    decree.number = number
    decree.decided_on = datetime.date(2026, 11, 20)
    decree.save()
    return decree


def test_draft_decree_is_prefilled_with_the_default_text(draft, cycle):
    assert draft.status == "DRAFT"
    assert "Tahun 2026 Periode I" in draft.tentang
    assert "Undang-Undang Nomor 9 Tahun 1956" in draft.mengingat
    assert "Undang-Undang Nomor 23 Tahun 2014" in draft.mengingat
    assert "Peraturan Daerah Kota Jambi Nomor 11 Tahun 2019" in draft.mengingat
    assert "Peraturan Wali Kota Jambi Nomor 47 Tahun 2014" in draft.mengingat
    assert "Nomor 11 Tahun 2019" in draft.mengingat
    assert draft.menimbang.splitlines()[-1].startswith(
        "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b"
    )
    assert "Berita Acara" in draft.memperhatikan and "07/BA" in draft.memperhatikan
    assert "10 Agustus 2026" in draft.memperhatikan
    dictums = draft.dictums.splitlines()
    assert len(dictums) == 4
    assert "Rp10.000.000,00 (sepuluh juta rupiah)" in dictums[1]
    assert "Rp7.500.000,00 (tujuh juta lima ratus ribu rupiah)" in dictums[1]
    assert "Rp5.000.000,00 (lima juta rupiah)" in dictums[1]
    assert "Tahun Anggaran 2026" in dictums[2]
    assert dictums[3] == "Keputusan Wali Kota ini mulai berlaku pada tanggal ditetapkan."
    assert Award.objects.filter(cycle=cycle).count() == 3


def test_draft_decree_refused_for_an_undecided_cycle(admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    with pytest.raises(ValidationError, match="rapat penetapan"):
        create_draft_decree(cycle=cycle, by=admin_dpmppa)
    assert not Decree.objects.exists()


@pytest.mark.parametrize(("number", "decided_on"), [("", datetime.date(2026, 1, 2)), ("1", None)])
def test_finalise_requires_number_and_date(draft, admin_dpmppa, number, decided_on):
    draft.number, draft.decided_on = number, decided_on
    draft.save()
    with pytest.raises(ValidationError):
        finalise_decree(draft, by=admin_dpmppa)
    draft.refresh_from_db()
    assert draft.status == "DRAFT"
    assert not Cycle.objects.get(pk=draft.cycle_id).is_locked


def test_finalise_refuses_a_number_already_used(draft, admin_dpmppa):
    other = factories.make_cycle(year=2024)
    factories.make_decree(cycle=other, number="12 TAHUN 2026", lock_cycle=False)
    # The database's unique index would refuse the draft's save long before finalising;
    # set it aside (the test's rollback restores it), as for a row written before the
    # constraint existed, so that finalising's own check is the one that answers.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name('decree_unique_number')}")
    ready(draft, number="12 TAHUN 2026")

    with pytest.raises(ValidationError) as refused:
        finalise_decree(draft, by=admin_dpmppa)

    assert refused.value.message_dict == {"number": ["Nomor 12 TAHUN 2026 sudah dipakai SK lain."]}
    draft.refresh_from_db()
    assert draft.status == "DRAFT" and not draft.pdf
    assert not Cycle.objects.get(pk=draft.cycle_id).is_locked


def test_finalise_stores_pdf_fingerprint_and_locks_the_cycle(draft, admin_dpmppa, cycle):
    decree = finalise_decree(ready(draft), by=admin_dpmppa)
    decree.refresh_from_db()
    cycle.refresh_from_db()
    assert decree.status == "FINAL"
    assert decree.finalised_by == admin_dpmppa and decree.finalised_at
    data = decree.pdf.read()
    assert data.startswith(b"%PDF")
    assert decree.pdf_sha256 == hashlib.sha256(data).hexdigest()
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"3" in xmp  # PDF/A-3 identification
    assert "/OutputIntents" in root
    assert decree.basis_fingerprint == compute_basis_fingerprint(cycle)
    assert cycle.is_locked
    assert cycle.stage == "DITETAPKAN"
    assert cycle.history.first().stage == "DITETAPKAN"  # saved, not updated
    assert not basis_changed(decree)


def test_a_final_decree_cannot_be_finalised_again(draft, admin_dpmppa):
    decree = finalise_decree(ready(draft), by=admin_dpmppa)
    with pytest.raises(ValidationError, match="sudah final"):
        finalise_decree(decree, by=admin_dpmppa)


def test_a_final_decree_cannot_be_edited_or_deleted_by_code(admin_dpmppa, cycle):
    decree = factories.make_decree(cycle=cycle, status="FINAL")
    decree.tentang = "Diubah diam-diam"
    with pytest.raises(DecreeFinal) as refused:
        decree.save()
    # What the officer reads: why, and what to do instead.
    assert refused.value.messages == [
        f"SK {decree.number} sudah final dan tidak dapat diubah. "
        "Kesalahan diperbaiki dengan SK baru yang mengubah atau mencabutnya."
    ]
    decree.refresh_from_db()
    with pytest.raises(DecreeFinal):
        decree.delete()
    decree.status = "DRAFT"
    with pytest.raises(DecreeFinal):
        decree.save()
    assert Decree.objects.get(pk=decree.pk).tentang.startswith("Penetapan")


def test_only_one_final_decree_per_cycle_without_correction(draft, admin_dpmppa, cycle):
    finalise_decree(ready(draft), by=admin_dpmppa)
    with pytest.raises(ValidationError, match="sudah memiliki SK final"):
        create_draft_decree(cycle=cycle, by=admin_dpmppa)


def test_basis_changed_when_a_score_changes_after_finalising(draft, admin_dpmppa):
    decree = finalise_decree(ready(draft), by=admin_dpmppa)
    score = Score.objects.filter(assessment__proposal__cycle=decree.cycle).first()
    # Behind the application's back (e.g. in the database): the fingerprint notices.
    Score.objects.filter(pk=score.pk).update(value=0 if score.value else 1)
    assert basis_changed(decree)


def test_fingerprint_covers_losing_proposals_and_decisions(cycle, admin_dpmppa):
    before = compute_basis_fingerprint(cycle)
    loser_score = Score.objects.filter(
        assessment__proposal__cycle=cycle, assessment__proposal__decision__outcome="TIDAK_LULUS"
    ).first()
    Score.objects.filter(pk=loser_score.pk).update(value=2)
    changed_score = compute_basis_fingerprint(cycle)
    assert changed_score != before
    decision = cycle.proposals.get(rt_number=9).decision
    decision.overrule_reason = "Alasan baru"
    decision.save()
    assert compute_basis_fingerprint(cycle) != changed_score


def test_fingerprint_ignores_draft_and_superseded_sheets(cycle, admin_dpmppa, assessor):
    from assessments.models import Assessment

    before = compute_basis_fingerprint(cycle)
    proposal = cycle.proposals.get(rt_number=5)
    draft = Assessment.objects.create(
        proposal=proposal, assessor=assessor, status="DRAFT", version=2
    )
    Score.objects.create(assessment=draft, indicator=Score.objects.first().indicator, value=0)
    assert compute_basis_fingerprint(cycle) == before


def test_revoking_decree_marks_the_old_one_revoked_and_keeps_both(draft, admin_dpmppa):
    old = finalise_decree(ready(draft), by=admin_dpmppa)
    revoking = create_correction(target=old, kind="MENCABUT", by=admin_dpmppa)
    assert revoking.amends == old and revoking.correction == "MENCABUT"
    assert "Pencabutan Keputusan Wali Kota Jambi Nomor 12 Tahun 2026" in revoking.tentang
    revoking.signatory_name = "Maulana"
    ready(revoking, number="30 TAHUN 2026")
    finalise_decree(revoking, by=admin_dpmppa)
    old.refresh_from_db()
    revoking.refresh_from_db()
    assert old.status == "REVOKED"
    assert revoking.status == "FINAL"
    assert old.pdf and revoking.pdf
    assert Decree.objects.count() == 2


def test_amending_decree_leaves_the_old_one_final_and_linked(draft, admin_dpmppa):
    old = finalise_decree(ready(draft), by=admin_dpmppa)
    amending = create_correction(target=old, kind="MENGUBAH", by=admin_dpmppa)
    ready(amending, number="31 TAHUN 2026")
    finalise_decree(amending, by=admin_dpmppa)
    old.refresh_from_db()
    assert old.status == "FINAL"
    assert list(old.amendments.all()) == [amending]


def test_revoking_a_decree_also_revokes_its_final_amendment(draft, admin_dpmppa):
    old = finalise_decree(ready(draft), by=admin_dpmppa)
    amending = create_correction(target=old, kind="MENGUBAH", by=admin_dpmppa)
    finalise_decree(ready(amending, number="31 TAHUN 2026"), by=admin_dpmppa)
    revoking = create_correction(target=old, kind="MENCABUT", by=admin_dpmppa)
    finalise_decree(ready(revoking, number="32 TAHUN 2026"), by=admin_dpmppa)

    amending.refresh_from_db()
    assert amending.status == "REVOKED"
    with pytest.raises(ValidationError, match="telah dicabut dengan SK Nomor 32 TAHUN 2026"):
        certificates.final_decree_for(old.cycle)


def test_correction_only_of_a_final_decree(draft, admin_dpmppa):
    with pytest.raises(ValidationError, match="Hanya SK final"):
        create_correction(target=draft, kind="MENCABUT", by=admin_dpmppa)


def test_preview_job_renders_the_draft_on_the_worker(
    draft, admin_dpmppa, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_document_job(kind="decree", subject=f"decree:{draft.pk}", by=admin_dpmppa)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE, job.error
    assert job.file.read().startswith(b"%PDF")
    draft.refresh_from_db()
    assert draft.status == "DRAFT"


def test_finalise_job_finalises_and_offers_the_stored_pdf(
    draft, admin_dpmppa, immediate_tasks, django_capture_on_commit_callbacks
):
    ready(draft)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_document_job(kind="decree-final", subject=f"decree:{draft.pk}", by=admin_dpmppa)
    job.refresh_from_db()
    draft.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE, job.error
    assert draft.status == "FINAL"
    assert job.sha256 == draft.pdf_sha256


def test_finalise_job_shows_the_refusal_and_changes_nothing(
    draft, admin_dpmppa, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_document_job(kind="decree-final", subject=f"decree:{draft.pk}", by=admin_dpmppa)
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED
    assert "Nomor SK wajib diisi" in job.error
    assert not job.file
    assert Decree.objects.get(pk=draft.pk).status == "DRAFT"


def test_finalise_refuses_when_the_dictum_amounts_no_longer_match_the_settings(
    draft, admin_dpmppa, cycle
):
    cycle.prize_besar = 12_000_000  # changed after the draft's text was written
    cycle.save()
    with pytest.raises(ValidationError, match="kategori Besar sebesar Rp12.000.000,00"):
        finalise_decree(ready(draft), by=admin_dpmppa)
    assert Decree.objects.get(pk=draft.pk).status == "DRAFT"
    assert not Cycle.objects.get(pk=cycle.pk).is_locked


def test_a_failed_render_leaves_the_draft_and_the_cycle_untouched(
    draft, admin_dpmppa, cycle, monkeypatch
):
    def broken(decree, *, lampiran, final=None):
        raise RuntimeError("WeasyPrint gagal")

    monkeypatch.setattr("awards.issuing.render_decree_pdf", broken)
    with pytest.raises(RuntimeError):
        finalise_decree(ready(draft), by=admin_dpmppa)
    decree = Decree.objects.get(pk=draft.pk)
    assert decree.status == "DRAFT" and not decree.pdf and not decree.basis_fingerprint
    cycle.refresh_from_db()
    assert not cycle.is_locked and cycle.stage == "REKAPITULASI"
