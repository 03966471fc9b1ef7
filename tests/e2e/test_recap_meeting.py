"""Browser: the Admin DPMPPA reads the recap, records the meeting's decisions (one
overrule with its reason) and makes the Berita Acara, watching the progress page."""

import datetime

from assessments.models import Decision, Meeting, MeetingAttendee
from tests import factories
from tests.assessments.recap_data import make_assessors, make_sheet
from tests.e2e.conftest import login


def test_admin_recap_decide_and_make_berita_acara(page, admin_dpmppa, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cycle = factories.make_cycle(stage="REKAPITULASI")
    a, b = make_assessors(2)
    team = factories.make_team(cycle=cycle, members=[a, b])
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
    make_sheet(proposal=good, assessor=a, values={"default": 2, "B4": 0})
    make_sheet(proposal=good, assessor=b, values=2)
    make_sheet(proposal=weak, assessor=a, values=1)
    meeting = Meeting.objects.create(
        cycle=cycle, held_on=datetime.date(2026, 11, 29), place="Aula DPMPPA", number="005/BA"
    )
    MeetingAttendee.objects.create(meeting=meeting, name="Budi Santoso", position="DLH")

    login(page, "admin.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto(f"/rekap/{cycle.pk}/")
    good_row = page.locator(f"#usulan-{good.pk}")
    assert "41,00" in good_row.inner_text() or "41.00" in good_row.inner_text()
    assert good_row.locator('[data-disagree="B4"]').count() == 1
    assert "penilai2 belum mengirim" in page.locator(f"#usulan-{weak.pk}").inner_text()

    page.click("text=Keputusan rapat")
    page.check(f"#choice-{weak.pk}-LULUS")
    page.click("button[name=save]")
    assert "wajib disertai alasan" in page.locator(".alert-danger").first.inner_text()
    assert not Decision.objects.exists()

    page.fill(f"textarea[name=reason-{weak.pk}]", "Kader posyandu sangat aktif")
    page.click("button[name=save]")
    page.wait_for_selector(".alert-success")
    assert Decision.objects.get(proposal=weak).is_overruled

    page.click("text=Buat Berita Acara (PDF)")
    page.wait_for_url("**/dokumen/*/")
    page.wait_for_selector("#job-download:not(.d-none)")
    assert "Selesai" in page.locator("#job-status").inner_text()
    with page.expect_download() as download:
        page.click("#job-download")
    assert download.value.suggested_filename.endswith(".pdf")
