"""/pembayaran/<cycle>/xlsx: every payment of a cycle in one click, scoped per user."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories

pytestmark = pytest.mark.django_db


def rt_cells(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    # Data rows: the kelurahan (column E) and the RT number (column F) under the header.
    return sorted(
        (row[4], row[5])
        for row in sheet.iter_rows(min_row=5, values_only=True)
        if row[0] is not None
    )


def decided_cycle():
    cycle = factories.make_cycle(stage="REKAPITULASI")
    factories.make_winner(cycle=cycle, kelurahan="Buluran Kenali", number=1)
    factories.make_winner(cycle=cycle, kelurahan="Kenali Asam", number=2)
    other = factories.make_cycle(year=2025, stage="REKAPITULASI")
    factories.make_winner(cycle=other, kelurahan="Buluran Kenali", number=3)
    return cycle


def test_admin_downloads_every_payment_of_the_cycle(client, admin_dpmppa):
    cycle = decided_cycle()
    client.force_login(admin_dpmppa)

    response = client.get(reverse("awards:payments-xlsx", args=[cycle.pk]))

    assert response.status_code == 200
    assert "pembayaran-bantar-2026-periode-I.xlsx" in response["Content-Disposition"]
    assert rt_cells(response) == [("Buluran Kenali", "01"), ("Kenali Asam", "02")]


def test_kelurahan_officer_downloads_only_the_payments_of_their_kelurahan(
    client, kelurahan_officer
):
    cycle = decided_cycle()
    client.force_login(kelurahan_officer)

    response = client.get(reverse("awards:payments-xlsx", args=[cycle.pk]))

    assert rt_cells(response) == [("Buluran Kenali", "01")]


def test_assessor_cannot_download_payments(client, assessor):
    cycle = decided_cycle()
    client.force_login(assessor)

    response = client.get(reverse("awards:payments-xlsx", args=[cycle.pk]))

    assert response.status_code == 404
