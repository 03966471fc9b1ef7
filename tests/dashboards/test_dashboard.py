"""The staff dashboard (/dasbor/): its numbers are the recap's, it stays in the officer's
area, and it runs a flat number of queries whatever the number of RTs."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.recap import build_recap, recap_proposals, to_decimal
from dashboards.tables import Table, xlsx_bytes
from rt_registry import roles
from tests import factories
from tests.dashboards.data import scored_cycle

pytestmark = pytest.mark.django_db


def table_rows(response, key):
    return {t.key: t for t in response.context["tables"]}[key].rows


def test_funnel_counts_match_the_recap(client, admin_dpmppa, assessor):
    second = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI)
    cycle, proposals = scored_cycle(assessors=[assessor], values=[2, 1, 2])
    # A second member who sent only one sheet: the other two RTs are incomplete.
    proposals[0].team.memberships.create(user=second, agency="DLH")
    factories.make_sheet(proposal=proposals[0], assessor=second, values=2)
    factories.make_proposal(cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=1))
    client.force_login(admin_dpmppa)

    funnel = {
        label: n
        for label, n, _ in table_rows(client.get(reverse("dashboards:dashboard")), "corong")
    }

    rows = build_recap(cycle=cycle, proposals=recap_proposals(cycle, admin_dpmppa))
    assert funnel["Diusulkan"] == 4
    assert funnel["Diverifikasi"] == 3 == len(rows)
    assert funnel["Dinilai lengkap"] == sum(r.is_complete for r in rows) == 1
    # An RT still missing a sheet may pass the rule so far, but a funnel only narrows: it
    # counts as passing once every sheet is in (the recap marks the others incomplete).
    assert sum(r.passes for r in rows) == 2
    assert funnel["Memenuhi kriteria (menurut aturan)"] == 1
    assert funnel["Memenuhi kriteria (menurut aturan)"] <= funnel["Dinilai lengkap"]
    assert funnel["Ditetapkan dengan SK"] == 0


def test_indicator_shares_are_the_recap_cells_rounded(client, admin_dpmppa, assessor):
    second = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI)
    # RT 1: B1 means 0.5 (rounds to 1); RT 2: B1 means 1.5 (rounds to 2); RT 3: B1 = 0.
    cycle, proposals = scored_cycle(assessors=[assessor, second], values=[2, 2, 2], size=3)
    from assessments.models import Score

    Score.objects.filter(assessment__proposal=proposals[0], indicator__code="B1").update(value=0)
    Score.objects.filter(
        assessment__proposal=proposals[0], assessment__assessor=assessor, indicator__code="B1"
    ).update(value=1)
    Score.objects.filter(
        assessment__proposal=proposals[1], assessment__assessor=assessor, indicator__code="B1"
    ).update(value=1)
    Score.objects.filter(assessment__proposal=proposals[2], indicator__code="B1").update(value=0)
    client.force_login(admin_dpmppa)

    response = client.get(reverse("dashboards:indicators"))

    b1 = next(r for r in table_rows(response, "indikator") if r[0] == "B1")
    recap = build_recap(cycle=cycle, proposals=recap_proposals(cycle, admin_dpmppa))
    cells = sorted(to_decimal(r.means[r.indicators[0].pk]) for r in recap)
    assert cells == [Decimal("0.00"), Decimal("0.50"), Decimal("1.50")]
    assert b1[1:5] == [3, 1, 1, 1]  # RTs counted; RTs at 0, 1, 2
    assert b1[8] == Decimal("0.67")  # mean of the RT means (0 + 0.5 + 1.5) / 3
    weakest = table_rows(response, "terlemah")
    assert weakest[0][2] == "B1"
    assert f'href="{reverse("assessments:indicator-list")}#indikator-B1"' in response.text


def test_coverage_counts_rts_that_took_part_against_the_target(client, admin_dpmppa, assessor):
    past, _ = scored_cycle(year=2025, stage="ARSIP", assessors=[assessor], size=2)
    cycle, _ = scored_cycle(assessors=[assessor], size=1, first_number=3)
    for n in range(4, 6):  # two RTs never proposed
        factories.make_rt(kelurahan="Buluran Kenali", number=n)
    client.force_login(admin_dpmppa)

    response = client.get(reverse("dashboards:dashboard"), {"periode": cycle.pk})

    row = next(r for r in table_rows(response, "cakupan-kelurahan") if "Buluran" in r[0])
    # 5 RTs: 1 proposed now, 3 took part up to now (2 in 2025, 1 now) = 60%, under 80%.
    assert row[1:] == [5, 1, Decimal("20.0"), 3, Decimal("60.0"), "Belum"]
    first = table_rows(response, "cakupan-kelurahan")[0]
    assert first[5] == Decimal("0.0")  # the laggards first


def test_assessor_progress_counts_sent_and_drafts(client, admin_dpmppa, assessor):
    second = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI, agency="DLH")
    cycle, proposals = scored_cycle(assessors=[assessor], size=3)
    proposals[0].team.memberships.create(user=second, agency="DLH")
    factories.make_sheet(proposal=proposals[0], assessor=second, values=1, status="DRAFT")
    client.force_login(admin_dpmppa)

    response = client.get(reverse("dashboards:dashboard"))

    progress = {r[1]: r for r in response.context["progress"].rows}
    assert progress["penilai.uji"][3:7] == [3, 3, 0, 0]
    assert progress["penilai.dua"][3:7] == [3, 0, 1, 2]
    assert "Sisa waktu penilaian" in response.context["progress"].note


def test_xlsx_holds_the_page_numbers_with_formulas_escaped(client, admin_dpmppa, assessor):
    cycle, _ = scored_cycle(assessors=[assessor], size=2)
    factories.make_rt(kelurahan="Buluran Kenali", number=7)
    client.force_login(admin_dpmppa)
    page_rows = table_rows(client.get(reverse("dashboards:dashboard")), "corong")

    response = client.get(reverse("dashboards:table-xlsx", args=[cycle.pk, "corong"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == ["Tahap", "Jumlah RT", "% dari RT aktif"]
    assert values[2 : 2 + len(page_rows)] == [
        [label, n, float(share)] for label, n, share in page_rows
    ]
    assert values[3][:2] == ["Diusulkan", 2]
    assert response["Content-Disposition"].endswith('-2026-periode-1.xlsx"')


def test_xlsx_text_cannot_run_as_a_formula(admin_dpmppa):
    table = Table(key="uji", title="Uji", headers=["=A"], rows=[["=HYPERLINK(1)", 1]])
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table, heading="-judul"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["'-judul", None], ["'=A", None], ["'=HYPERLINK(1)", 1]]


def test_unknown_table_is_404(client, admin_dpmppa, assessor):
    cycle, _ = scored_cycle(assessors=[assessor], size=1)
    client.force_login(admin_dpmppa)
    response = client.get(reverse("dashboards:table-xlsx", args=[cycle.pk, "tidak-ada"]))
    assert response.status_code == 404


# --- Scope ------------------------------------------------------------------------------


def test_kelurahan_officer_sees_only_own_kelurahan(client, kelurahan_officer, assessor):
    cycle, _ = scored_cycle(assessors=[assessor], size=2)
    scored_cycle(year=2026, period=2, assessors=[assessor], size=1, kelurahan="Kenali Asam")
    factories.make_proposal(
        cycle=cycle, rt=factories.make_rt(kelurahan="Kenali Asam", number=9), status="DIVERIFIKASI"
    )
    client.force_login(kelurahan_officer)

    response = client.get(reverse("dashboards:dashboard"), {"periode": cycle.pk})

    funnel = {r[0]: r[1] for r in table_rows(response, "corong")}
    assert funnel["Diusulkan"] == 2
    names = [r[0] for r in table_rows(response, "cakupan-kelurahan")]
    assert names == ["Buluran Kenali (Kec. Telanaipura)"]
    assert "cakupan-kecamatan" not in {t.key for t in response.context["tables"]}
    assert "Kenali Asam" not in response.text


def test_kecamatan_officer_sees_own_kecamatan_only(client, kecamatan_officer, assessor):
    cycle, _ = scored_cycle(assessors=[assessor], size=2)
    factories.make_proposal(
        cycle=cycle, rt=factories.make_rt(kelurahan="Kenali Asam", number=9), status="DIVERIFIKASI"
    )
    client.force_login(kecamatan_officer)

    response = client.get(reverse("dashboards:dashboard"))

    assert [r[0] for r in table_rows(response, "cakupan-kecamatan")] == ["Kec. Telanaipura"]
    assert {r[0]: r[1] for r in table_rows(response, "corong")}["Diverifikasi"] == 2


def test_officer_opens_rt_page_in_scope(client, kelurahan_officer, assessor, rt_in_scope):
    scored_cycle(assessors=[assessor], size=1, first_number=rt_in_scope.number)
    client.force_login(kelurahan_officer)

    response = client.get(reverse("dashboards:rt-detail", args=[rt_in_scope.pk]))

    assert response.status_code == 200
    assert "Bersih" in response.text and "di atas garis" in response.text
    assert "memenuhi kriteria" in response.text


def test_kelurahan_officer_cannot_open_other_rt(client, kelurahan_officer, rt_out_of_scope):
    client.force_login(kelurahan_officer)
    response = client.get(reverse("dashboards:rt-detail", args=[rt_out_of_scope.pk]))
    assert response.status_code == 404


def test_assessor_is_refused_the_dashboard(client, assessor):
    client.force_login(assessor)
    for name in ("dashboards:dashboard", "dashboards:indicators"):
        response = client.get(reverse(name))
        assert response.status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboards:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officers_land_on_the_dashboard_after_login(client, kelurahan_officer, admin_dpmppa):
    for user in (kelurahan_officer, admin_dpmppa):
        client.force_login(user)
        assert client.get(reverse("home"))["Location"] == reverse("dashboards:dashboard")


def test_recap_row_links_to_the_rt_page(client, admin_dpmppa, assessor):
    cycle, proposals = scored_cycle(assessors=[assessor], size=1)
    client.force_login(admin_dpmppa)
    response = client.get(reverse("assessments:recap", args=[cycle.pk]))
    assert reverse("dashboards:rt-detail", args=[proposals[0].rt_id]) in response.text


# --- Queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboards:dashboard", "dashboards:indicators"])
def test_dashboard_queries_do_not_grow_with_rts(
    client, admin_dpmppa, assessor, django_assert_num_queries, name
):
    client.force_login(admin_dpmppa)
    scored_cycle(year=2025, stage="ARSIP", assessors=[assessor], size=2)
    cycle, _ = scored_cycle(assessors=[assessor], size=2, first_number=3)
    url = reverse(name) + f"?periode={cycle.pk}"
    client.get(url)  # warm caches (session, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # Twenty more RTs in both cycles shown.
    from assessments.models import Cycle

    for n in range(10, 30):
        rt = factories.make_rt(kelurahan="Telanaipura", number=n)
        for c in Cycle.objects.filter(year__in=[2025, 2026]):
            p = factories.make_proposal(cycle=c, rt=rt, status="DIVERIFIKASI")
            factories.make_sheet(proposal=p, assessor=assessor, values=1)
    with django_assert_num_queries(len(small)):
        client.get(url)
