import datetime

import pytest
from django.urls import reverse

from assessments.models import Cycle
from awards.issuing import create_awards, create_draft_decree, finalise_decree
from awards.models import Award, Decree
from documents.models import DocumentJob
from tests import factories

WINNERS = [("Buluran Kenali", 5, 132), ("Kenali Asam", 3, 40)]


@pytest.fixture
def cycle(admin_dpmppa, assessor):
    return factories.make_decided_cycle(winners=WINNERS, assessor=assessor, by=admin_dpmppa)


@pytest.fixture
def draft(cycle, admin_dpmppa):
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.save()
    return decree


def form_data(decree, **changes):
    data = {
        name: getattr(decree, name) or ""
        for name in [
            "number",
            "tentang",
            "place",
            "signatory_name",
            "signatory_title",
            "menimbang",
            "mengingat",
            "memperhatikan",
            "dictums",
            "tembusan",
            "budget_year",
            "budget_source",
            "paper_size",
        ]
    }
    data["decided_on"] = decree.decided_on.strftime("%d/%m/%Y") if decree.decided_on else ""
    data.update(changes)
    return data


def test_admin_creates_a_draft_decree_from_a_decided_cycle(client, cycle, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_decree_add")
    assert "Buat draf SK" in client.get(url).content.decode()
    response = client.post(url, {"cycle": cycle.pk})
    decree = Decree.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:awards_decree_change", args=[decree.pk])
    assert decree.status == "DRAFT" and "Perwal" not in decree.mengingat
    assert Award.objects.filter(cycle=cycle).count() == 2


def test_draft_form_preselects_the_cycle_named_in_the_link(client, cycle, admin_dpmppa):
    client.force_login(admin_dpmppa)
    html = client.get(reverse("admin:awards_decree_add") + f"?cycle={cycle.pk}").content.decode()
    assert f'<option value="{cycle.pk}" selected>' in html


def test_draft_of_an_undecided_cycle_is_refused_with_a_message(client, admin_dpmppa, cycle):
    rt = factories.make_rt(kelurahan="Telanaipura", number=30, kk_count=70)
    factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    client.force_login(admin_dpmppa)
    response = client.post(reverse("admin:awards_decree_add"), {"cycle": cycle.pk})
    assert response.status_code == 200
    assert "belum diputuskan" in response.content.decode()
    assert not Decree.objects.exists()


def test_admin_edits_a_draft_with_a_day_first_date(client, draft, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_decree_change", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "100.3.3.2/Kep.512/DPMPPA/2026" in page  # the suggested pattern
    response = client.post(
        url,
        form_data(
            draft,
            number="512 TAHUN 2026",
            decided_on="05/03/2026",
            signatory_title="Pj. WALI KOTA JAMBI",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.decided_on == datetime.date(2026, 3, 5)
    assert draft.signatory_title == "Pj. WALI KOTA JAMBI"


def test_officers_cannot_open_the_decree_admin(client, draft, kelurahan_officer):
    client.force_login(kelurahan_officer)
    assert client.get(reverse("admin:awards_decree_changelist")).status_code == 403
    assert client.get(reverse("admin:awards_decree_change", args=[draft.pk])).status_code == 403
    assert client.post(reverse("admin:awards_decree_preview", args=[draft.pk])).status_code == 403
    assert client.get(reverse("admin:awards_decree_finalise", args=[draft.pk])).status_code == 403


def test_finalise_page_shows_the_totals_and_refuses_without_number(client, draft, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_decree_finalise", args=[draft.pk])
    response = client.get(url, follow=True)
    assert "Nomor SK wajib diisi" in response.content.decode()
    draft.number, draft.decided_on = "9 TAHUN 2026", datetime.date(2026, 11, 2)
    draft.save()
    page = client.get(url).content.decode()
    assert "Rp 15.000.000" in page and "lima belas juta rupiah" in page


def test_admin_finalises_on_the_worker_and_downloads_the_pdf(
    client, draft, admin_dpmppa, immediate_tasks, django_capture_on_commit_callbacks
):
    draft.number, draft.decided_on = "9 TAHUN 2026", datetime.date(2026, 11, 2)
    draft.save()
    client.force_login(admin_dpmppa)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:awards_decree_finalise", args=[draft.pk]))
    job = DocumentJob.objects.get(kind="decree-final")
    assert response["Location"] == reverse("documents:job", args=[job.pk])
    draft.refresh_from_db()
    assert draft.status == "FINAL"
    assert Cycle.objects.get(pk=draft.cycle_id).is_locked
    download = client.get(reverse("admin:awards_decree_download", args=[draft.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_final_decree_is_read_only_in_the_admin(client, draft, admin_dpmppa):
    draft.number, draft.decided_on = "9 TAHUN 2026", datetime.date(2026, 11, 2)
    draft.save()
    decree = finalise_decree(draft, by=admin_dpmppa)
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_decree_change", args=[decree.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="tentang"' not in page.content.decode()
    assert "Buat SK baru" in page.content.decode()
    response = client.post(url, form_data(decree, tentang="Diubah"))
    assert response.status_code == 403
    assert Decree.objects.get(pk=decree.pk).tentang == decree.tentang
    delete = client.post(reverse("admin:awards_decree_delete", args=[decree.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Decree.objects.filter(pk=decree.pk).exists()
    bulk = client.post(
        reverse("admin:awards_decree_changelist"),
        {"action": "delete_selected", "_selected_action": [decree.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 403)
    assert Decree.objects.filter(pk=decree.pk, status="FINAL").exists()


def test_admin_starts_a_revoking_decree_from_a_final_one(client, draft, admin_dpmppa):
    draft.number, draft.decided_on = "9 TAHUN 2026", datetime.date(2026, 11, 2)
    draft.save()
    decree = finalise_decree(draft, by=admin_dpmppa)
    client.force_login(admin_dpmppa)
    response = client.post(reverse("admin:awards_decree_correction", args=[decree.pk, "MENCABUT"]))
    revoking = Decree.objects.get(amends=decree)
    assert response["Location"] == reverse("admin:awards_decree_change", args=[revoking.pk])
    assert revoking.correction == "MENCABUT" and revoking.status == "DRAFT"
    page = client.get(response["Location"]).content.decode()
    assert "Draf SK baru yang mencabut SK 9 TAHUN 2026 dibuat." in page
    revoking.number, revoking.decided_on = "10 TAHUN 2026", datetime.date(2026, 11, 9)
    revoking.save()
    finalise_page = client.get(reverse("admin:awards_decree_finalise", args=[revoking.pk]))
    assert "mencabut</strong> SK Nomor 9 Tahun 2026" in finalise_page.content.decode()


def test_preview_starts_a_job_and_leads_to_the_progress_page(
    client, draft, admin_dpmppa, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(admin_dpmppa)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:awards_decree_preview", args=[draft.pk]))
    job = DocumentJob.objects.get(kind="decree")
    assert response["Location"] == reverse("documents:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "DONE", job.error
    assert client.get(reverse("admin:awards_decree_preview", args=[draft.pk])).status_code == 403


def test_rt_page_lists_its_awards_across_cycles(client, admin_dpmppa, assessor, kelurahan_officer):
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=8, kk_count=90)
    for year in (2024, 2025):
        cycle = factories.make_cycle(year=year, stage="REKAPITULASI")
        factories.make_award(proposal=factories.make_proposal(cycle=cycle, rt=rt))
    client.force_login(kelurahan_officer)
    page = client.get(reverse("admin:rt_registry_rt_change", args=[rt.pk])).content.decode()
    assert "Penghargaan Kampung BANTAR (semua periode)" in page
    assert "Tahun 2024 Periode I" in page and "Tahun 2025 Periode I" in page
    assert "Rp 7.500.000" in page


def test_award_changelist_uses_a_constant_number_of_queries(client, admin_dpmppa, assessor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for year, size in ((2024, 2), (2025, 12)):
        cycle = factories.make_decided_cycle(
            year=year,
            winners=[("Pasir Putih", year % 100 * 100 + n, 60) for n in range(size)],
            assessor=assessor,
            by=admin_dpmppa,
        )
        create_awards(cycle=cycle, by=admin_dpmppa)
        client.force_login(admin_dpmppa)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:awards_award_changelist")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
