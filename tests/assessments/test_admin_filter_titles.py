"""List filters on cycle-bound admin lists are titled in Indonesian ("Berdasarkan periode
lomba"), not with the English field name ("Berdasarkan cycle")."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cycles_with_teams(rt_in_scope):
    cycles = [factories.make_cycle(year=2025), factories.make_cycle(year=2026)]
    for cycle in cycles:
        team = factories.make_team(cycle=cycle)
        factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)
    return cycles


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:assessments_team_changelist",
        "admin:assessments_proposal_changelist",
    ],
)
def test_cycle_filter_title_is_indonesian(client, admin_dpmppa, two_cycles_with_teams, changelist):
    client.force_login(admin_dpmppa)

    page = client.get(reverse(changelist)).content.decode()

    assert "Berdasarkan periode lomba" in page
    assert "Berdasarkan cycle" not in page
