"""The admin's history page (django-simple-history) reads in Indonesian, without 'None'."""

import html

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_history_page_has_indonesian_headers_and_no_none(client, admin_dpmppa, rt_in_scope):
    proposal = factories.make_proposal(cycle=factories.make_cycle(stage="USULAN"), rt=rt_in_scope)
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_proposal_history", args=[proposal.pk]))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert ">Perubahan</th>" in page
    assert ">Changes</th>" not in page
    table = page[page.index('id="change-history"') :]
    assert "None" not in table


def test_history_diff_shows_labels_not_codes(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="PERSIAPAN")
    cycle.stage = "USULAN"
    cycle.is_locked = True
    cycle.save()
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_cycle_history", args=[cycle.pk]))

    page = html.unescape(response.content.decode())
    table = page[page.index('id="change-history"') :]
    assert "Persiapan" in table and "→" in table
    assert "PERSIAPAN" not in table and "USULAN" not in table
    assert "True" not in table and "False" not in table
    assert "Tidak" in table and "Ya" in table


def history_table(client, user, url):
    client.force_login(user)
    page = html.unescape(client.get(url).content.decode())
    return page[page.index('id="change-history"') :]


def test_history_shows_the_time_in_wib_in_indonesian(client, admin_dpmppa, settings):
    import datetime

    from django.utils import timezone

    cycle = factories.make_cycle(stage="PERSIAPAN")
    # 02.30 UTC is 09.30 in Jambi (WIB, UTC+7).
    moment = datetime.datetime(2026, 11, 29, 2, 30, tzinfo=datetime.UTC)
    cycle.history.update(history_date=moment)

    table = history_table(
        client, admin_dpmppa, reverse("admin:assessments_cycle_history", args=[cycle.pk])
    )

    assert "29 November 2026 pukul 09.30 WIB" in table
    assert ">Waktu (WIB)</th>" in table and ">Diubah oleh</th>" in table
    assert "Dibuat" in table
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"


def test_history_shows_long_values_whole_and_amounts_in_rupiah(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="PERSIAPAN")
    cycle.prize_kecil = 6000000
    cycle.save()
    meeting_notes = "Rapat dihadiri seluruh anggota tim penilai dan perwakilan kecamatan " * 3
    proposal_cycle = factories.make_cycle(year=2027, stage="REKAPITULASI")
    from assessments.models import Meeting

    meeting = Meeting.objects.create(
        cycle=proposal_cycle, held_on="2027-08-10", place="Aula", notes="awal"
    )
    meeting.notes = meeting_notes
    meeting.save()

    cycle_table = history_table(
        client, admin_dpmppa, reverse("admin:assessments_cycle_history", args=[cycle.pk])
    )
    meeting_table = history_table(
        client, admin_dpmppa, reverse("admin:assessments_meeting_history", args=[meeting.pk])
    )

    assert "Rp 5.000.000" in cycle_table and "Rp 6.000.000" in cycle_table
    assert "5000000.00" not in cycle_table
    assert meeting_notes.strip() in meeting_table
    assert "chars]" not in meeting_table


def test_history_names_who_locked_the_cycle_by_finalising_the_decree(
    client, admin_dpmppa, assessor
):
    import datetime

    from awards.issuing import create_draft_decree, finalise_decree

    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132)], assessor=assessor, by=admin_dpmppa
    )
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.number = "12 TAHUN 2026"
    decree.decided_on = datetime.date(2026, 11, 20)
    decree.save()
    finalise_decree(decree, by=admin_dpmppa)

    table = history_table(
        client, admin_dpmppa, reverse("admin:assessments_cycle_history", args=[cycle.pk])
    )

    lock_row = table[: table.index("Dikunci: SK Nomor 12 Tahun 2026 final")]
    lock_row = lock_row[lock_row.rindex("<tr>") :]
    assert "admin.uji" in lock_row
    assert "sistem" not in lock_row
