"""A kelurahan officer proposes an RT from the RT list; the kecamatan officer verifies it."""

from assessments.models import Proposal
from tests import factories
from tests.e2e.conftest import login


def test_kelurahan_proposes_and_kecamatan_verifies_in_the_browser(
    page, live_server, kelurahan_officer, kecamatan_officer, rt_in_scope
):
    cycle = factories.make_cycle(stage="USULAN")

    login(page, "kel.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto("/admin/rt_registry/rt/")
    page.locator(f"input[name=_selected_action][value='{rt_in_scope.pk}']").check()
    page.select_option("select[name=action]", "propose_selected_rts")
    page.locator("button[name=index]").click()
    page.wait_for_selector(".messagelist")
    assert "1 RT diusulkan pada periode Tahun 2026 Periode I" in page.inner_text(".messagelist")
    proposal = Proposal.objects.get()
    assert (proposal.cycle, proposal.status, proposal.kk_count) == (cycle, "DIAJUKAN", 132)

    page.context.clear_cookies()  # a new session: the kecamatan officer on the same machine

    login(page, "kec.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")
    page.goto("/admin/assessments/proposal/")
    page.get_by_role("link", name="RT 05").click()
    page.locator("input[type=submit][value=Verifikasi]").click()
    page.wait_for_selector(".messagelist")
    assert "diverifikasi" in page.inner_text(".messagelist")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.verified_by) == ("DIVERIFIKASI", kecamatan_officer)
