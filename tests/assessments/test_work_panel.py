"""The "Tugas Anda" panel on the admin index: each role's open work, scoped, flat queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.models import WorkerHeartbeat
from tests import factories


def _index(client, user):
    client.force_login(user)
    return client.get("/admin/").content.decode()


def test_kecamatan_officer_sees_only_own_proposals_waiting(client, kecamatan_officer):
    cycle = factories.make_cycle(stage="USULAN")
    for number in (1, 2):
        rt = factories.make_rt(kelurahan="Buluran Kenali", number=number)
        factories.make_proposal(cycle=cycle, rt=rt)
    outside = factories.make_rt(kelurahan="Kenali Asam", number=1)
    factories.make_proposal(cycle=cycle, rt=outside)

    html = _index(client, kecamatan_officer)

    assert "Tugas Anda · Kecamatan Telanaipura" in html
    assert "2 usulan menunggu verifikasi Anda" in html


def test_kelurahan_officer_is_pointed_at_returned_proposals(client, kelurahan_officer):
    cycle = factories.make_cycle(stage="USULAN")
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=7)
    factories.make_proposal(cycle=cycle, rt=rt, status="DIKEMBALIKAN", return_reason="KK salah")

    html = _index(client, kelurahan_officer)

    assert "1 usulan dikembalikan kecamatan" in html
    assert "Usulkan RT" in html


def test_admin_panel_links_the_cycle_pages(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="PENILAIAN")
    html = _index(client, admin_dpmppa)
    assert f"/rekap/{cycle.pk}/" in html
    assert f"/rapat/{cycle.pk}/keputusan/" in html


def test_admin_panel_offers_teams_and_the_next_stage_while_assessing(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="PENILAIAN")
    factories.make_team(cycle=cycle, name="Tim 1")

    html = _index(client, admin_dpmppa)

    assert f'href="/admin/assessments/cycle/{cycle.pk}/lanjut-tahap/"' in html
    assert "Lanjut ke tahap Rekapitulasi" in html
    assert f'href="/admin/assessments/team/add/?cycle={cycle.pk}"' in html
    assert ">1 tim</a>" in html


def test_admin_panel_never_offers_advancing_to_ditetapkan_by_hand(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")

    html = _index(client, admin_dpmppa)

    assert "lanjut-tahap" not in html
    assert f'href="/admin/awards/decree/add/?cycle={cycle.pk}"' in html


def test_decided_cycle_offers_certificates_and_the_payment_list(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=1)
    factories.make_decree(cycle=cycle)
    cycle.refresh_from_db()
    cycle.stage = "DITETAPKAN"
    cycle.save()

    html = _index(client, admin_dpmppa)

    assert f'href="/piagam/{cycle.pk}/"' in html
    assert f'href="/pembayaran/{cycle.pk}/xlsx"' in html
    assert "Unduh daftar pembayaran (xlsx)" in html


def test_kelurahan_officer_without_awards_in_scope_gets_no_payment_link(client, kelurahan_officer):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    factories.make_winner(cycle=cycle, kelurahan="Kenali Asam", number=1)

    html = _index(client, kelurahan_officer)

    assert "/pembayaran/" not in html


def test_work_panel_queries_do_not_grow_with_proposals(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="USULAN")
    client.force_login(admin_dpmppa)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/").status_code == 200
        return len(ctx.captured_queries)

    factories.make_proposal(cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=1))
    small = count_queries()
    for number in range(2, 30):
        rt = factories.make_rt(kelurahan="Telanaipura", number=number)
        factories.make_proposal(cycle=cycle, rt=rt)
    assert count_queries() == small


def test_work_panel_says_when_the_worker_is_silent(client, kecamatan_officer):
    seen = timezone.make_aware(datetime.datetime(2026, 11, 29, 9, 15))
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="host", pid=1, started_at=seen, last_seen=seen
    )

    html = _index(client, kecamatan_officer)

    assert (
        "Pembuat dokumen (worker) tidak berjalan sejak 29 November 2026, 09:15 WIB: "
        "dokumen PDF tidak akan dibuat. Hubungi admin TI."
    ) in html


def test_work_panel_is_quiet_while_the_worker_beats(client, admin_dpmppa):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="host", pid=1, started_at=now, last_seen=now
    )

    html = _index(client, admin_dpmppa)

    assert "Tugas Anda" in html
    assert "tidak berjalan" not in html


def test_admin_greets_the_officer_by_the_whole_name(client, kecamatan_officer):
    kecamatan_officer.first_name, kecamatan_officer.last_name = "Petugas", "Kecamatan Telanaipura"
    kecamatan_officer.save()

    html = _index(client, kecamatan_officer)

    assert "Selamat datang, <strong>Petugas Kecamatan Telanaipura</strong>." in html
