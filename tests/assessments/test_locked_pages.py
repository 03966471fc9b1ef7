"""A locked cycle's pages open without Save buttons and never report «berhasil diubah»;
amounts read as rupiah, never as the stored 5000000.00; headers are Indonesian."""

import html

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def open_page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, html.unescape(response.content.decode())


def test_team_of_a_locked_cycle_has_no_save_button_and_cannot_be_saved(
    client, admin_dpmppa, assessor
):
    cycle = factories.make_cycle(year=2025, stage="DITETAPKAN", is_locked=True)
    team = factories.make_team(cycle=cycle, name="Tim Lama", members=[(assessor, "DLH")])
    url = reverse("admin:assessments_team_change", args=[team.pk])

    response, page = open_page(client, admin_dpmppa, url)
    posted = client.post(url, {"name": "Tim Baru"}, follow=True)

    assert response.status_code == 200
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert posted.status_code == 403
    assert "berhasil diubah" not in posted.content.decode()
    team.refresh_from_db()
    assert team.name == "Tim Lama"


def test_locked_cycle_refuses_a_post_instead_of_reporting_success(client, admin_dpmppa):
    cycle = factories.make_cycle(year=2025, stage="DITETAPKAN", is_locked=True)
    client.force_login(admin_dpmppa)

    response = client.post(
        reverse("admin:assessments_cycle_change", args=[cycle.pk]), {"year": 2030}, follow=True
    )

    assert response.status_code == 403
    assert "berhasil diubah" not in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.year == 2025


def test_locked_cycle_shows_prizes_in_rupiah(client, admin_dpmppa):
    cycle = factories.make_cycle(year=2025, stage="DITETAPKAN", is_locked=True)

    _, page = open_page(
        client, admin_dpmppa, reverse("admin:assessments_cycle_change", args=[cycle.pk])
    )

    assert "Rp 5.000.000" in page and "Rp 7.500.000" in page and "Rp 10.000.000" in page
    assert "5000000" not in page and 'name="_save"' not in page


def test_cycle_form_shows_prizes_as_plain_whole_numbers(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="PERSIAPAN")

    _, page = open_page(
        client, admin_dpmppa, reverse("admin:assessments_cycle_change", args=[cycle.pk])
    )

    assert 'name="prize_kecil" value="5000000"' in page
    assert "5000000.00" not in page and "5000000,00" not in page
    assert 'name="pass_min_total_pct" value="70"' in page
    assert 'value="70.00"' not in page


def test_percent_box_shows_the_number_as_typed():
    from decimal import Decimal

    from assessments.forms import PercentInput

    assert PercentInput().format_value(Decimal("70.00")) == "70"
    assert PercentInput().format_value(Decimal("72.50")) == "72.5"
    assert PercentInput().format_value(Decimal("0.25")) == "0.25"
    assert PercentInput().format_value("tujuh puluh") == "tujuh puluh"


def test_whole_rupiah_box_shows_bad_input_back_as_typed():
    from decimal import Decimal

    from assessments.forms import WholeRupiahInput

    assert WholeRupiahInput().format_value(Decimal("7500000.00")) == "7500000"
    assert WholeRupiahInput().format_value("7,5 juta") == "7,5 juta"


def test_team_member_column_is_indonesian(client, admin_dpmppa, assessor):
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[(assessor, "DLH")])

    _, page = open_page(
        client, admin_dpmppa, reverse("admin:assessments_team_change", args=[team.pk])
    )

    assert "Anggota (Tim Penilai)" in page
    assert ">User<" not in page and ">user<" not in page
