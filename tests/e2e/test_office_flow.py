"""Browser: the office flow has no dead end. A kecamatan officer verifies a proposal from
their work panel; Admin DPMPPA then walks the cycle from Usulan to the payment list by
clicking links only, from the login: advance the stage twice, decide, draft the SK,
finalise it, make the piagam, export the payments, and open the cycle's history (who
locked it). A kelurahan officer then finds the payment list of their kelurahan on their
own work panel. No address is typed after the login page.

Set BANTAR_SCREENSHOTS=<folder> to keep screenshots of the work panel, the recap at
1366×768 and the cycle's history page."""

import io
import os
from pathlib import Path

from openpyxl import load_workbook

from assessments.models import Decision
from awards.models import Award, Decree
from tests import factories
from tests.e2e.conftest import login

WINNERS = [("Buluran Kenali", 5, 132, "Hj. Siti Aminah"), ("Kenali Asam", 3, 40, "Rudi")]
LOSERS = [("Telanaipura", 9, 60)]


def shot(page, name):
    folder = os.environ.get("BANTAR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def work_panel_link(page, step):
    return page.locator(f"#tugas-anda a[data-next-step='{step}']").first


def download_rows(download, tmp_path):
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    return [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0] is not None]


def to_work_panel(page):
    """Officers land on the dashboard (/dasbor/); its navbar leads to the work panel."""
    page.wait_for_url("**/dasbor/")
    page.get_by_role("link", name="Administrasi").click()
    page.wait_for_url("**/admin/")


def advance(page, stage):
    """From the admin's work panel: "Lanjut ke tahap …", confirm, back to the panel."""
    work_panel_link(page, "advance").click()
    page.get_by_role("button", name=f"Ya, lanjut ke tahap {stage}").or_(
        page.locator(f"input[type=submit][value='Ya, lanjut ke tahap {stage}']")
    ).click()
    page.wait_for_selector(".messagelist")
    assert f"sekarang di tahap {stage}" in page.inner_text(".messagelist")
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_url("**/admin/")


def test_office_walks_a_cycle_from_proposals_to_payments_by_links_alone(
    page,
    live_server,
    admin_dpmppa,
    assessor,
    kecamatan_officer,
    kelurahan_officer,
    immediate_tasks,
    tmp_path,
):
    page.set_viewport_size({"width": 1366, "height": 768})
    cycle = factories.make_decided_cycle(
        winners=WINNERS, losers=LOSERS, assessor=assessor, by=admin_dpmppa
    )
    # Back to Usulan with nothing decided and the Telanaipura proposal waiting for its
    # kecamatan (the sheets stay: the walk is about the office's pages, not the tablet).
    Decision.objects.filter(proposal__cycle=cycle).delete()
    waiting = cycle.proposals.get(kelurahan_name="Telanaipura")
    waiting.status, waiting.verified_by, waiting.verified_at = "DIAJUKAN", None, None
    waiting.save()
    cycle.stage = "USULAN"
    cycle.save()

    # 0. The kecamatan officer verifies it from their work panel.
    login(page, "kec.uji", factories.PASSWORD)
    to_work_panel(page)
    page.locator("#tugas-anda a", has_text="1 usulan menunggu verifikasi Anda").click()
    page.get_by_role("link", name="RT 09").click()
    page.locator("input[type=submit][value=Verifikasi]").click()
    page.wait_for_selector(".messagelist")
    assert "diverifikasi" in page.inner_text(".messagelist")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.verified_by) == ("DIVERIFIKASI", kecamatan_officer)
    page.context.clear_cookies()

    login(page, "admin.uji", factories.PASSWORD)
    to_work_panel(page)
    shot(page, "work-panel-usulan")

    # 1. Advance the stage: Usulan -> Penilaian -> Rekapitulasi.
    advance(page, "Penilaian")
    advance(page, "Rekapitulasi")

    # 2. Decide: from the work panel, the recap, the meeting's page, the rule for all.
    shot(page, "work-panel-rekapitulasi")
    page.locator("#tugas-anda a", has_text="Rekapitulasi").first.click()
    page.wait_for_url(f"**/rekap/{cycle.pk}/")
    shot(page, "recap-1366x768")
    page.get_by_role("link", name="Keputusan rapat").click()
    page.get_by_role("button", name="Terapkan aturan untuk semua").click()
    page.wait_for_selector(".alert-success")
    assert Decision.objects.filter(proposal__cycle=cycle).count() == 3

    # 3. Draft the SK from the decisions page, fill it in, finalise.
    page.get_by_role("link", name="buat draf SK Wali Kota").click()
    page.locator("input[type=submit][value='Buat draf SK']").click()
    page.wait_for_selector(".messagelist")
    page.fill("input[name=number]", "512 TAHUN 2026")
    page.fill("input[name=decided_on]", "20/11/2026")
    page.fill("input[name=signatory_name]", "Maulana")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist")
    page.get_by_role("link", name="Finalkan SK…").click()
    page.locator("input[type=submit][value='Finalkan SK']").click()
    page.wait_for_url("**/dokumen/**")
    page.wait_for_selector("#job-download:not(.d-none)")
    assert Decree.objects.get().status == "FINAL"

    # 4. The piagam, from the progress page of the final SK.
    page.locator("#job-links a", has_text="buat piagam").click()
    page.wait_for_url(f"**/piagam/{cycle.pk}/")
    page.get_by_role("button", name="Buat PDF").first.click()
    page.wait_for_url("**/dokumen/**")
    page.wait_for_selector("#job-download:not(.d-none)")

    # 5. The payment list, from the progress page of the piagam.
    with page.expect_download() as download:
        page.locator("#job-links a", has_text="daftar pembayaran").click()
    rows = download_rows(download.value, tmp_path)
    assert sorted((r[4], r[5]) for r in rows) == [("Buluran Kenali", "05"), ("Kenali Asam", "03")]

    # 6. The cycle's history names who locked it, in WIB: from the navbar to the work
    # panel, the cycle's settings, its "Riwayat".
    page.get_by_role("link", name="Administrasi").click()
    page.wait_for_url("**/admin/")
    page.locator("#tugas-anda a", has_text="Pengaturan periode").first.click()
    page.wait_for_url(f"**/admin/assessments/cycle/{cycle.pk}/change/")
    page.locator(".object-tools a", has_text="Riwayat").click()
    page.wait_for_url(f"**/admin/assessments/cycle/{cycle.pk}/history/")
    shot(page, "cycle-history")
    history = page.inner_text("#change-history")
    assert "Dikunci: SK Nomor 512 Tahun 2026 final" in history and "admin.uji" in history
    assert "WIB" in history

    # The kelurahan officer finds their kelurahan's payments on their own work panel.
    page.context.clear_cookies()
    login(page, "kel.uji", factories.PASSWORD)
    to_work_panel(page)
    shot(page, "work-panel-kelurahan")
    with page.expect_download() as download:
        work_panel_link(page, "payments").click()
    rows = download_rows(download.value, tmp_path)
    assert [(r[4], r[5]) for r in rows] == [("Buluran Kenali", "05")]
    assert Award.objects.filter(cycle=cycle).count() == 2
