"""A resubmitted proposal shows the kecamatan officer what changed since it was returned
(KK 100 → 104, Sedang → Besar, the prize it would bring), read from its history."""

import html

import pytest
from django.urls import reverse

from assessments import proposals as flow
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(kecamatan_officer):
    cycle = factories.make_cycle(stage="USULAN")
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=5, kk_count=100, ketua_name="Amir")
    proposal = factories.make_proposal(cycle=cycle, rt=rt)
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="KK sebenarnya 104")
    return proposal


def test_resubmission_lists_kk_category_and_prize_changes(returned, kelurahan_officer):
    flow.resubmit_proposal(proposal=returned, by=kelurahan_officer, kk_count=104)

    assert flow.resubmission_changes(returned) == [
        ("Jumlah KK", "100", "104"),
        ("Kategori", "Sedang", "Besar"),
        ("Uang pembinaan bila menang", "Rp 7.500.000", "Rp 10.000.000"),
    ]


def test_resubmission_without_changes_lists_nothing(returned, kelurahan_officer):
    flow.resubmit_proposal(proposal=returned, by=kelurahan_officer)

    assert flow.resubmission_changes(returned) == []


def test_kecamatan_officer_sees_the_changes_on_the_proposal(
    client, returned, kelurahan_officer, kecamatan_officer
):
    flow.resubmit_proposal(
        proposal=returned, by=kelurahan_officer, ketua_name="Hj. Rosmala", kk_count=104
    )
    client.force_login(kecamatan_officer)

    response = client.get(reverse("admin:assessments_proposal_change", args=[returned.pk]))

    page = html.unescape(response.content.decode())
    assert "Ketua RT: Amir → Hj. Rosmala" in page
    assert "Jumlah KK: 100 → 104" in page
    assert "Kategori: Sedang → Besar" in page
