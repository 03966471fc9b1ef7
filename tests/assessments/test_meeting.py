"""Decision meeting: record_decisions rules and refusals, the decision page, the meeting
admin, and the Berita Acara PDF made by the background job."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from assessments.berita_acara import date_in_words, render_berita_acara_pdf
from assessments.decisions import RULE, apply_rule_to_all, record_decisions
from assessments.models import Decision, Meeting, MeetingAttendee
from documents.models import DocumentJob
from tests import factories
from tests.assessments.recap_data import make_assessors, make_sheet


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="REKAPITULASI")


@pytest.fixture
def meeting(cycle):
    meeting = Meeting.objects.create(
        cycle=cycle,
        held_on=datetime.date(2026, 11, 29),
        place="Aula DPMPPA Kota Jambi",
        number="005/BA/DPMPPA/2026",
        head_name="Dra. Rosmeli",
    )
    MeetingAttendee.objects.create(meeting=meeting, name="Budi Santoso", position="DLH", order=1)
    MeetingAttendee.objects.create(
        meeting=meeting, name="Siti Aminah", position="Puskesmas", order=2
    )
    return meeting


@pytest.fixture
def proposals(cycle):
    """Besar RT 05 Buluran Kenali passes (42); Kecil RT 03 Telanaipura fails (21)."""
    (a,) = make_assessors(1)
    team = factories.make_team(cycle=cycle, members=[a])
    good = factories.make_proposal(
        cycle=cycle,
        rt=factories.make_rt(kelurahan="Buluran Kenali", number=5, kk_count=132),
        status="DIVERIFIKASI",
        team=team,
    )
    weak = factories.make_proposal(
        cycle=cycle,
        rt=factories.make_rt(kelurahan="Telanaipura", number=3, kk_count=40),
        status="DIVERIFIKASI",
        team=team,
    )
    make_sheet(proposal=good, assessor=a, values=2)
    make_sheet(proposal=weak, assessor=a, values=1)
    return good, weak


def test_rule_is_the_default_outcome(meeting, proposals, admin_dpmppa):
    good, weak = proposals

    changed = record_decisions(
        cycle=meeting.cycle, decisions={good.pk: (RULE, ""), weak.pk: (RULE, "")}, by=admin_dpmppa
    )

    assert changed == 2
    assert Decision.objects.get(proposal=good).outcome == "LULUS"
    decision = Decision.objects.get(proposal=weak)
    assert (decision.outcome, decision.rule_passes, str(decision.total)) == (
        "TIDAK_LULUS",
        False,
        "21.000",
    )
    assert decision.decided_by == admin_dpmppa


def test_overrule_without_reason_writes_nothing(meeting, proposals, admin_dpmppa):
    good, weak = proposals

    with pytest.raises(ValidationError) as error:
        record_decisions(
            cycle=meeting.cycle,
            decisions={good.pk: (RULE, ""), weak.pk: ("LULUS", "   ")},
            by=admin_dpmppa,
        )

    assert "wajib disertai alasan" in " ".join(error.value.messages)
    assert not Decision.objects.exists()


def test_overrule_with_reason_is_kept_with_history(meeting, proposals, admin_dpmppa):
    good, weak = proposals
    record_decisions(cycle=meeting.cycle, decisions={weak.pk: (RULE, "")}, by=admin_dpmppa)

    record_decisions(
        cycle=meeting.cycle,
        decisions={weak.pk: ("LULUS", "Bank sampah aktif, diverifikasi ulang tim")},
        by=admin_dpmppa,
    )

    decision = Decision.objects.get(proposal=weak)
    assert decision.is_overruled
    assert decision.overrule_reason == "Bank sampah aktif, diverifikasi ulang tim"
    history = list(decision.history.order_by("history_date"))
    assert [h.outcome for h in history] == ["TIDAK_LULUS", "LULUS"]
    assert history[-1].history_user == admin_dpmppa


def test_unchanged_decision_is_not_saved_again(meeting, proposals, admin_dpmppa):
    good, _ = proposals
    record_decisions(cycle=meeting.cycle, decisions={good.pk: (RULE, "")}, by=admin_dpmppa)

    changed = record_decisions(
        cycle=meeting.cycle, decisions={good.pk: ("LULUS", "")}, by=admin_dpmppa
    )

    assert changed == 0
    assert Decision.objects.get(proposal=good).history.count() == 1


def test_reason_is_dropped_when_outcome_matches_rule(meeting, proposals, admin_dpmppa):
    good, _ = proposals

    record_decisions(
        cycle=meeting.cycle, decisions={good.pk: ("LULUS", "tidak perlu")}, by=admin_dpmppa
    )

    assert Decision.objects.get(proposal=good).overrule_reason == ""


@pytest.mark.parametrize("stage", ["PENILAIAN", "DITETAPKAN"])
def test_decisions_refused_outside_rekapitulasi(meeting, proposals, admin_dpmppa, stage):
    cycle = meeting.cycle
    cycle.stage = stage
    cycle.save()

    with pytest.raises(ValidationError, match="tahap"):
        record_decisions(cycle=cycle, decisions={proposals[0].pk: (RULE, "")}, by=admin_dpmppa)
    assert not Decision.objects.exists()


def test_decisions_refused_when_cycle_locked(meeting, proposals, admin_dpmppa):
    cycle = meeting.cycle
    cycle.is_locked = True
    cycle.save()

    with pytest.raises(ValidationError, match="SK final"):
        record_decisions(cycle=cycle, decisions={proposals[0].pk: (RULE, "")}, by=admin_dpmppa)


def test_decisions_refused_for_non_admin(meeting, proposals, kecamatan_officer):
    with pytest.raises(PermissionDenied):
        record_decisions(
            cycle=meeting.cycle, decisions={proposals[0].pk: (RULE, "")}, by=kecamatan_officer
        )


def test_decisions_need_a_meeting(cycle, proposals, admin_dpmppa):
    with pytest.raises(ValidationError, match="Catat dulu rapat"):
        record_decisions(cycle=cycle, decisions={proposals[0].pk: (RULE, "")}, by=admin_dpmppa)


def test_proposal_of_another_cycle_is_refused(meeting, proposals, admin_dpmppa):
    other_cycle = factories.make_cycle(year=2025, stage="REKAPITULASI")
    stranger = factories.make_proposal(
        cycle=other_cycle,
        rt=factories.make_rt(kelurahan="Buluran Kenali", number=9),
        status="DIVERIFIKASI",
    )

    with pytest.raises(ValidationError, match="tidak termasuk"):
        record_decisions(
            cycle=meeting.cycle,
            decisions={proposals[0].pk: (RULE, ""), stranger.pk: (RULE, "")},
            by=admin_dpmppa,
        )
    assert not Decision.objects.exists()


def test_unknown_choice_is_refused(meeting, proposals, admin_dpmppa):
    with pytest.raises(ValidationError, match="tidak dikenal"):
        record_decisions(
            cycle=meeting.cycle, decisions={proposals[0].pk: ("MUNGKIN", "")}, by=admin_dpmppa
        )


def test_apply_rule_to_all_keeps_recorded_overrules(meeting, proposals, admin_dpmppa):
    good, weak = proposals
    record_decisions(
        cycle=meeting.cycle, decisions={weak.pk: ("LULUS", "Alasan tertulis")}, by=admin_dpmppa
    )

    changed, kept = apply_rule_to_all(cycle=meeting.cycle, by=admin_dpmppa)

    assert (changed, kept) == (1, 1)
    assert Decision.objects.get(proposal=good).outcome == "LULUS"
    assert Decision.objects.get(proposal=weak).overrule_reason == "Alasan tertulis"


# The decision page


def decisions_url(cycle):
    return reverse("assessments:decisions", args=[cycle.pk])


def outcomes():
    """{proposal id: (outcome, what the rule said, overrule reason)} as recorded."""
    return {
        d.proposal_id: (d.outcome, d.rule_passes, d.overrule_reason) for d in Decision.objects.all()
    }


def test_decision_page_saves_all_rows(client, meeting, proposals, admin_dpmppa):
    good, weak = proposals
    client.force_login(admin_dpmppa)

    response = client.post(
        decisions_url(meeting.cycle),
        {
            "proposal": [good.pk, weak.pk],
            f"choice-{good.pk}": RULE,
            f"choice-{weak.pk}": "LULUS",
            f"reason-{weak.pk}": "Peningkatan nyata sejak kunjungan",
        },
    )

    assert response.status_code == 302
    assert outcomes() == {
        good.pk: ("LULUS", True, ""),
        weak.pk: ("LULUS", False, "Peningkatan nyata sejak kunjungan"),
    }


def test_decision_page_keeps_input_and_saves_nothing_on_error(
    client, meeting, proposals, admin_dpmppa
):
    good, weak = proposals
    client.force_login(admin_dpmppa)

    response = client.post(
        decisions_url(meeting.cycle),
        {
            "proposal": [good.pk, weak.pk],
            f"choice-{good.pk}": "TIDAK_LULUS",
            f"reason-{good.pk}": "",
            f"choice-{weak.pk}": RULE,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "wajib disertai alasan" in html
    assert "Tidak ada keputusan yang disimpan" in html
    assert f'id="choice-{good.pk}-TIDAK_LULUS" value="TIDAK_LULUS" checked' in html
    assert not Decision.objects.exists()


def test_decision_page_saves_only_the_posted_rows_and_keeps_filters(
    client, meeting, proposals, admin_dpmppa
):
    good, weak = proposals
    client.force_login(admin_dpmppa)
    url = decisions_url(meeting.cycle) + "?kategori=BESAR"

    page = client.get(url).content.decode()
    response = client.post(url, {"proposal": [good.pk], f"choice-{good.pk}": RULE})

    assert f'name="proposal" value="{good.pk}"' in page
    assert f'name="proposal" value="{weak.pk}"' not in page
    assert response["Location"] == url
    assert list(Decision.objects.values_list("proposal", flat=True)) == [good.pk]


def test_decision_page_bulk_apply_rule(client, meeting, proposals, admin_dpmppa):
    good, weak = proposals
    client.force_login(admin_dpmppa)

    client.post(decisions_url(meeting.cycle), {"apply_rule_all": "1"})

    assert outcomes() == {good.pk: ("LULUS", True, ""), weak.pk: ("TIDAK_LULUS", False, "")}


def test_decision_page_read_only_outside_rekapitulasi(client, meeting, proposals, admin_dpmppa):
    cycle = meeting.cycle
    cycle.stage = "PENILAIAN"
    cycle.save()
    client.force_login(admin_dpmppa)

    html = client.get(decisions_url(cycle)).content.decode()
    response = client.post(decisions_url(cycle), {"apply_rule_all": "1"}, follow=True)

    assert "hanya untuk dilihat" in html
    assert "Simpan keputusan" not in html
    assert "tahap Penilaian" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["kecamatan_officer", "kelurahan_officer", "assessor"])
def test_decision_page_is_for_admin_only(client, request, meeting, proposals, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(decisions_url(meeting.cycle)).status_code == 403
    assert client.post(decisions_url(meeting.cycle), {"apply_rule_all": "1"}).status_code == 403
    url = reverse("assessments:berita-acara-start", args=[meeting.cycle.pk])
    assert client.post(url).status_code == 403
    assert not Decision.objects.exists()
    assert not DocumentJob.objects.exists()


# Meeting and decision admin


def test_admin_records_meeting_with_day_first_date_and_attendees(client, cycle, admin_dpmppa):
    client.force_login(admin_dpmppa)
    data = {
        "cycle": cycle.pk,
        "held_on": "05/03/2027",
        "place": "Aula DPMPPA",
        "number": "001/BA/2027",
        "head_name": "Kepala Dinas",
        "notes": "",
        "attendees-TOTAL_FORMS": "1",
        "attendees-INITIAL_FORMS": "0",
        "attendees-MIN_NUM_FORMS": "0",
        "attendees-MAX_NUM_FORMS": "1000",
        "attendees-0-order": "1",
        "attendees-0-name": "Budi",
        "attendees-0-position": "DLH",
    }

    response = client.post(reverse("admin:assessments_meeting_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert meeting.held_on == datetime.date(2027, 3, 5)
    assert list(meeting.attendees.values_list("name", flat=True)) == ["Budi"]


def test_meeting_of_locked_cycle_is_read_only(client, meeting, admin_dpmppa):
    cycle = meeting.cycle
    cycle.is_locked = True
    cycle.save()
    client.force_login(admin_dpmppa)

    response = client.post(
        reverse("admin:assessments_meeting_change", args=[meeting.pk]),
        {
            "cycle": cycle.pk,
            "held_on": "01/12/2026",
            "place": "Tempat lain",
            "number": "999",
            "head_name": "Orang lain",
            "notes": "",
            "attendees-TOTAL_FORMS": "0",
            "attendees-INITIAL_FORMS": "0",
        },
    )

    meeting.refresh_from_db()
    assert (meeting.place, meeting.number) == ("Aula DPMPPA Kota Jambi", "005/BA/DPMPPA/2026")
    assert meeting.attendees.count() == 2
    assert response.status_code == 403


def test_decision_admin_is_read_only_with_history(client, meeting, proposals, admin_dpmppa):
    record_decisions(cycle=meeting.cycle, decisions={proposals[0].pk: (RULE, "")}, by=admin_dpmppa)
    decision = Decision.objects.get()
    client.force_login(admin_dpmppa)

    listing = client.get(reverse("admin:assessments_decision_changelist"))
    history = client.get(reverse("admin:assessments_decision_history", args=[decision.pk]))
    change = client.post(
        reverse("admin:assessments_decision_change", args=[decision.pk]),
        {"outcome": "TIDAK_LULUS"},
    )

    assert listing.status_code == 200
    assert history.status_code == 200
    assert change.status_code == 403
    assert Decision.objects.get().outcome == "LULUS"


# Berita Acara


def test_date_in_words():
    assert date_in_words(datetime.date(2026, 11, 29)) == {
        "hari": "Minggu",
        "tanggal": "dua puluh sembilan",
        "bulan": "November",
        "tahun": "dua ribu dua puluh enam",
    }


def decide_all(meeting, proposals, admin):
    good, weak = proposals
    record_decisions(
        cycle=meeting.cycle,
        decisions={good.pk: (RULE, ""), weak.pk: ("LULUS", "Kader posyandu sangat aktif")},
        by=admin,
    )


def pdf_text(data):
    reader = PdfReader(BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_berita_acara_pdf_content(meeting, proposals, admin_dpmppa):
    decide_all(meeting, proposals, admin_dpmppa)

    reader, text = pdf_text(render_berita_acara_pdf(meeting))

    flat = " ".join(text.split())
    assert "BERITA ACARA" in flat
    assert "HASIL PENILAIAN KAMPUNG BANTAR KOTA JAMBI TAHUN 2026 PERIODE I" in flat
    assert "Nomor : 005/BA/DPMPPA/2026" in flat
    assert (
        "hari ini Minggu tanggal dua puluh sembilan bulan November tahun dua ribu dua puluh enam"
        in flat
    )
    assert "Aula DPMPPA Kota Jambi" in flat
    assert "Kecil 1 1 0 1" in flat  # proposed, assessed, by rule, by decision
    assert "Besar 1 1 1 1" in flat
    assert "Jumlah 2 2 1 2" in flat
    assert "Kader posyandu sangat aktif" in flat
    assert "menetapkan 2 (dua) Rukun Tetangga" in flat
    assert "Budi Santoso" in flat and "Siti Aminah" in flat
    assert "Dra. Rosmeli" in flat
    assert "Telanaipura / Buluran Kenali 05 Besar" in flat
    assert "42,00 100,00 Memenuhi" in flat or "42.00 100.00 Memenuhi" in flat
    assert reader.metadata.title.startswith("Berita Acara Hasil Penilaian")
    assert reader.metadata.author == "Pemerintah Kota Jambi"
    first, last = reader.pages[0].mediabox, reader.pages[-1].mediabox
    assert first.width < first.height  # portrait body
    assert last.width > last.height  # landscape annex


def test_berita_acara_is_made_by_the_job(
    client, meeting, proposals, admin_dpmppa, immediate_tasks, django_capture_on_commit_callbacks
):
    decide_all(meeting, proposals, admin_dpmppa)
    client.force_login(admin_dpmppa)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:berita-acara-start", args=[meeting.cycle.pk]))

    job = DocumentJob.objects.get()
    assert response["Location"] == reverse("documents:job", args=[job.pk])
    assert (job.kind, job.subject, job.status) == ("berita_acara", f"meeting:{meeting.pk}", "DONE")
    assert job.file.name.endswith(".pdf")
    _, text = pdf_text(job.file.read())
    assert "005/BA/DPMPPA/2026" in text


def test_berita_acara_refused_while_proposals_undecided(client, meeting, proposals, admin_dpmppa):
    client.force_login(admin_dpmppa)

    response = client.post(
        reverse("assessments:berita-acara-start", args=[meeting.cycle.pk]), follow=True
    )

    assert "Masih ada 2 usulan yang belum diputuskan" in response.content.decode()
    assert not DocumentJob.objects.exists()


def test_berita_acara_refused_without_attendees(client, meeting, proposals, admin_dpmppa):
    decide_all(meeting, proposals, admin_dpmppa)
    meeting.attendees.all().delete()
    client.force_login(admin_dpmppa)

    response = client.post(
        reverse("assessments:berita-acara-start", args=[meeting.cycle.pk]), follow=True
    )

    assert "belum punya daftar peserta" in response.content.decode()
    assert not DocumentJob.objects.exists()


def test_berita_acara_job_for_missing_meeting_fails_cleanly(admin_dpmppa):
    from documents.jobs import run_document_job

    job = DocumentJob.objects.create(
        kind="berita_acara", subject="meeting:999", requested_by=admin_dpmppa
    )

    run_document_job(job.pk)

    job.refresh_from_db()
    assert job.status == "FAILED"
    assert "tidak ditemukan" in job.error
