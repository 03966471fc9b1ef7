"""Opening the verify address (a bookmark, a typed URL) leads to the proposal, not to
'Akses ditolak', and verifies nothing."""

import pytest
from django.urls import reverse

from assessments.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal_in(rt_in_scope):
    return factories.make_proposal(cycle=factories.make_cycle(stage="USULAN"), rt=rt_in_scope)


def test_get_on_verify_redirects_to_the_proposal_unchanged(client, kecamatan_officer, proposal_in):
    client.force_login(kecamatan_officer)

    response = client.get(reverse("admin:assessments_proposal_verify", args=[proposal_in.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:assessments_proposal_change", args=[proposal_in.pk]
    )
    assert Proposal.objects.get(pk=proposal_in.pk).status == "DIAJUKAN"


def test_get_on_verify_is_still_denied_to_the_kelurahan(client, kelurahan_officer, proposal_in):
    client.force_login(kelurahan_officer)

    response = client.get(reverse("admin:assessments_proposal_verify", args=[proposal_in.pk]))

    assert response.status_code == 403
