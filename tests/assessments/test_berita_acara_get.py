"""Opening the Berita Acara address directly leads to the decision page (where its button
is), not to a blank 'method not allowed' page; it starts no document."""

import pytest
from django.urls import reverse

from documents.models import DocumentJob
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="REKAPITULASI")


def test_get_leads_to_the_decision_page_and_starts_nothing(client, admin_dpmppa, cycle):
    client.force_login(admin_dpmppa)

    response = client.get(reverse("assessments:berita-acara-start", args=[cycle.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:decisions", args=[cycle.pk])
    assert not DocumentJob.objects.exists()


def test_get_is_still_denied_to_officers(client, kecamatan_officer, cycle):
    client.force_login(kecamatan_officer)

    response = client.get(reverse("assessments:berita-acara-start", args=[cycle.pk]))

    assert response.status_code == 403
