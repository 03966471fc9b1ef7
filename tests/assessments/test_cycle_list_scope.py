"""The cycle list's proposal count follows the officer's scope, like their work panel."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle_with_two_kecamatan(rt_in_scope, rt_out_of_scope):
    cycle = factories.make_cycle(stage="USULAN")
    factories.make_proposal(cycle=cycle, rt=rt_in_scope)
    factories.make_proposal(cycle=cycle, rt=rt_out_of_scope)
    factories.make_proposal(cycle=cycle, rt=factories.make_rt(kelurahan="Kenali Asam", number=4))
    return cycle


def counts(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:assessments_cycle_changelist"))
    assert response.status_code == 200
    return [row.n_proposals for row in response.context["cl"].result_list]


def test_kecamatan_officer_counts_only_own_kecamatan(
    client, kecamatan_officer, cycle_with_two_kecamatan
):
    assert counts(client, kecamatan_officer) == [1]


def test_kelurahan_officer_counts_only_own_kelurahan(
    client, other_kelurahan_officer, cycle_with_two_kecamatan
):
    assert counts(client, other_kelurahan_officer) == [2]


def test_admin_dpmppa_counts_every_proposal(client, admin_dpmppa, cycle_with_two_kecamatan):
    assert counts(client, admin_dpmppa) == [3]
