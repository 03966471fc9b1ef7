"""Recorded conflicts and teams of a locked cycle open read-only in the admin (their forms
crashed when every field was read-only)."""

import pytest
from django.urls import reverse

from assessments import proposals as flow
from rt_registry import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_opens_a_recorded_conflict(client, admin_dpmppa, assessor):
    cycle = factories.make_cycle(stage="USULAN")
    other = factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI, agency="DLH")
    team = factories.make_team(cycle=cycle, members=[(assessor, "DLH"), (other, "DLH")])
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=5)
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)
    conflict = flow.declare_conflict(
        proposal=proposal, assessor=assessor, reason="Tinggal di RT ini"
    )
    client.force_login(admin_dpmppa)

    response = client.get(
        reverse("admin:assessments_conflictofinterest_change", args=[conflict.pk])
    )

    assert response.status_code == 200
    assert "Tinggal di RT ini" in response.content.decode()


def test_admin_opens_a_team_of_a_locked_cycle(client, admin_dpmppa, assessor):
    cycle = factories.make_cycle(year=2025, stage="DITETAPKAN", is_locked=True)
    team = factories.make_team(cycle=cycle, name="Tim Lama", members=[(assessor, "DLH")])
    client.force_login(admin_dpmppa)

    response = client.get(reverse("admin:assessments_team_change", args=[team.pk]))

    assert response.status_code == 200
    assert "Tim Lama" in response.content.decode()
