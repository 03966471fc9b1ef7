"""The admin's history page (django-simple-history) reads in Indonesian, without 'None'."""

import html

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_history_page_has_indonesian_headers_and_no_none(client, admin_dpmppa, rt_in_scope):
    proposal = factories.make_proposal(cycle=factories.make_cycle(stage="USULAN"), rt=rt_in_scope)
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_proposal_history", args=[proposal.pk]))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert ">Perubahan</th>" in page
    assert ">Changes</th>" not in page
    table = page[page.index('id="change-history"') :]
    assert "None" not in table


def test_history_diff_shows_labels_not_codes(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="PERSIAPAN")
    cycle.stage = "USULAN"
    cycle.is_locked = True
    cycle.save()
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_cycle_history", args=[cycle.pk]))

    page = html.unescape(response.content.decode())
    table = page[page.index('id="change-history"') :]
    assert "Persiapan" in table and "→" in table
    assert "PERSIAPAN" not in table and "USULAN" not in table
    assert "True" not in table and "False" not in table
    assert "Tidak" in table and "Ya" in table
