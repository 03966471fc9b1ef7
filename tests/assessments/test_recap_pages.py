"""Recap page and xlsx export: who may see what, filters, escaping, flat query counts."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.assessments.recap_data import make_assessors, make_scored_proposals, make_sheet


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="REKAPITULASI")


@pytest.fixture
def two_areas(cycle):
    """A passing Besar RT in Buluran Kenali (Kec. Telanaipura) with a formula-like Ketua
    name, and a failing Kecil RT in Kenali Asam (Kec. Kota Baru)."""
    a, b = make_assessors(2)
    team = factories.make_team(cycle=cycle, members=[a, b])
    inside = factories.make_proposal(
        cycle=cycle,
        rt=factories.make_rt(
            kelurahan="Buluran Kenali", number=5, kk_count=132, ketua_name="=HYPERLINK(1)"
        ),
        status="DIVERIFIKASI",
        team=team,
    )
    outside = factories.make_proposal(
        cycle=cycle,
        rt=factories.make_rt(kelurahan="Kenali Asam", number=3, kk_count=40),
        status="DIVERIFIKASI",
        team=team,
    )
    make_sheet(proposal=inside, assessor=a, values={"default": 2, "B4": 0})
    make_sheet(proposal=inside, assessor=b, values=2)
    make_sheet(proposal=outside, assessor=a, values=1)
    return inside, outside


def recap_url(cycle, query=""):
    return reverse("assessments:recap", args=[cycle.pk]) + query


def test_admin_sees_all_proposals_with_disagreement_and_missing(
    client, admin_dpmppa, cycle, two_areas
):
    client.force_login(admin_dpmppa)

    html = client.get(recap_url(cycle)).content.decode()

    assert all(f'id="usulan-{p.pk}"' in html for p in two_areas)
    assert 'data-disagree="B4"' in html
    assert "penilai2 belum mengirim" in html
    assert reverse("assessments:decisions", args=[cycle.pk]) in html


def test_kecamatan_officer_sees_only_own_kecamatan(client, kecamatan_officer, cycle, two_areas):
    client.force_login(kecamatan_officer)

    response = client.get(recap_url(cycle))

    html = response.content.decode()
    inside, outside = two_areas
    assert response.status_code == 200
    assert f'id="usulan-{inside.pk}"' in html
    assert f'id="usulan-{outside.pk}"' not in html
    assert reverse("assessments:decisions", args=[cycle.pk]) not in html


def test_kecamatan_officer_cannot_filter_into_other_kecamatan(
    client, kecamatan_officer, cycle, two_areas
):
    client.force_login(kecamatan_officer)
    kota_baru = factories.kecamatan_named("Kota Baru")

    html = client.get(recap_url(cycle, f"?kecamatan={kota_baru.pk}")).content.decode()

    assert f'id="usulan-{two_areas[1].pk}"' not in html
    assert "Saringan tidak sah" in html


@pytest.mark.parametrize("persona", ["kelurahan_officer", "assessor"])
def test_other_roles_are_refused_recap_and_export(client, request, persona, cycle, two_areas):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(recap_url(cycle)).status_code == 403
    assert client.get(reverse("assessments:recap-xlsx", args=[cycle.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, cycle):
    response = client.get(recap_url(cycle))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_filters_by_category_and_result(client, admin_dpmppa, cycle, two_areas):
    client.force_login(admin_dpmppa)

    inside, outside = (f'id="usulan-{p.pk}"' for p in two_areas)

    besar = client.get(recap_url(cycle, "?kategori=BESAR")).content.decode()
    failing = client.get(recap_url(cycle, "?hasil=tidak")).content.decode()
    incomplete = client.get(recap_url(cycle, "?kelengkapan=belum")).content.decode()
    kelurahan = factories.kelurahan_named("Kenali Asam")
    by_kelurahan = client.get(recap_url(cycle, f"?kelurahan={kelurahan.pk}")).content.decode()

    assert inside in besar and outside not in besar
    assert outside in failing and inside not in failing
    assert outside in incomplete and inside not in incomplete
    assert outside in by_kelurahan and inside not in by_kelurahan


def test_sort_by_total_ascending(client, admin_dpmppa, cycle, two_areas):
    client.force_login(admin_dpmppa)

    inside, outside = (f'id="usulan-{p.pk}"' for p in two_areas)

    html = client.get(recap_url(cycle, "?urut=total_asc")).content.decode()

    assert html.index(outside) < html.index(inside)


def test_xlsx_has_the_recap_and_escapes_formulas(client, admin_dpmppa, cycle, two_areas):
    client.force_login(admin_dpmppa)

    response = client.get(reverse("assessments:recap-xlsx", args=[cycle.pk]) + "?urut=total")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    first = dict(zip(header, rows[2], strict=True))
    assert first["Kelurahan"] == "Buluran Kenali"
    assert first["Ketua RT"] == "'=HYPERLINK(1)"
    assert first["B4"] == 1
    assert first["Total (0-42)"] == 41
    assert first["Hasil menurut aturan"] == "Memenuhi kriteria"
    assert first["Beda pendapat (0 vs 2)"] == "B4"
    assert first["Belum mengirim"] in ("", None)
    second = dict(zip(header, rows[3], strict=True))
    assert second["Lengkap"] == "Belum"
    assert second["Belum mengirim"] == "penilai2"


def test_xlsx_for_kecamatan_officer_is_scoped(client, kecamatan_officer, cycle, two_areas):
    client.force_login(kecamatan_officer)

    response = client.get(reverse("assessments:recap-xlsx", args=[cycle.pk]))

    values = [c for row in load_workbook(BytesIO(response.content)).active.values for c in row]
    assert "Buluran Kenali" in values
    assert "Kenali Asam" not in values


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_recap_page_export_and_decisions_queries_do_not_grow(client, admin_dpmppa, cycle):
    client.force_login(admin_dpmppa)
    team = factories.make_team(cycle=cycle, members=make_assessors(2))
    make_scored_proposals(cycle=cycle, team=team, count=10)
    page_url = recap_url(cycle, "?kategori=&urut=total")
    export_url = reverse("assessments:recap-xlsx", args=[cycle.pk])
    decisions_url = reverse("assessments:decisions", args=[cycle.pk])
    urls = [page_url, export_url, decisions_url]
    small = [count_queries(client, url) for url in urls]

    make_scored_proposals(cycle=cycle, team=team, count=190, start=11)
    large = [count_queries(client, url) for url in urls]

    assert small == large


def test_recap_page_is_paginated_by_hundred(client, admin_dpmppa, cycle):
    team = factories.make_team(cycle=cycle)
    for number in range(1, 102):
        factories.make_proposal(
            cycle=cycle,
            rt=factories.make_rt(kelurahan="Buluran Kenali", number=number),
            status="DIVERIFIKASI",
            team=team,
        )
    client.force_login(admin_dpmppa)

    first = client.get(recap_url(cycle, "?urut=wilayah")).content.decode()
    second = client.get(recap_url(cycle, "?urut=wilayah&halaman=2")).content.decode()

    assert first.count('id="usulan-') == 100
    assert second.count('id="usulan-') == 1
    assert "101 usulan" in first
    assert "urut=wilayah&amp;halaman=2" in first


def test_cycle_admin_links_to_recap_and_decisions(client, admin_dpmppa, cycle):
    client.force_login(admin_dpmppa)

    html = client.get(reverse("admin:assessments_cycle_change", args=[cycle.pk])).content.decode()

    assert reverse("assessments:recap", args=[cycle.pk]) in html
    assert reverse("assessments:decisions", args=[cycle.pk]) in html
