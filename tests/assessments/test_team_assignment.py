import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import proposals as flow
from assessments.models import Assessment, ConflictOfInterest, Proposal, Team
from rt_registry import roles
from tests import factories


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="USULAN")


@pytest.fixture
def second_assessor(db):
    return factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI, agency="PUSKESMAS")


@pytest.fixture
def team(cycle, assessor, second_assessor):
    return factories.make_team(
        cycle=cycle, members=[(assessor, "DLH"), (second_assessor, "PUSKESMAS")]
    )


def verified(cycle, kelurahan, number):
    rt = factories.make_rt(kelurahan=kelurahan, number=number)
    return factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")


def test_verified_proposals_are_assigned_to_a_team(cycle, team, admin_dpmppa):
    proposals = [verified(cycle, "Buluran Kenali", n) for n in (1, 2)]
    flow.assign_team(proposals=proposals, team=team, by=admin_dpmppa)
    assert set(Proposal.objects.values_list("team", flat=True)) == {team.pk}
    assert Proposal.objects.first().history.latest().history_user == admin_dpmppa


def test_unverified_proposal_is_refused_and_nothing_assigned(cycle, team, admin_dpmppa):
    ok = verified(cycle, "Buluran Kenali", 1)
    pending = factories.make_proposal(
        cycle=cycle, rt=factories.make_rt(kelurahan="Buluran Kenali", number=2)
    )
    with pytest.raises(ValidationError, match="hanya usulan terverifikasi"):
        flow.assign_team(proposals=[ok, pending], team=team, by=admin_dpmppa)
    assert not Proposal.objects.filter(team__isnull=False).exists()


def test_team_of_another_cycle_is_refused(cycle, admin_dpmppa, assessor):
    other = factories.make_team(cycle=factories.make_cycle(year=2026, period=2, stage="USULAN"))
    proposal = verified(cycle, "Buluran Kenali", 1)
    with pytest.raises(ValidationError, match="periode usulan berbeda"):
        flow.assign_team(proposals=[proposal], team=other, by=admin_dpmppa)


@pytest.mark.parametrize("stage", ["PENILAIAN", "USULAN"])
def test_assignment_allowed_in_usulan_and_penilaian(cycle, team, admin_dpmppa, stage):
    proposal = verified(cycle, "Buluran Kenali", 1)
    cycle.stage = stage
    cycle.save()
    assert flow.assign_team(proposals=[proposal], team=team, by=admin_dpmppa) == [proposal]


@pytest.mark.parametrize("stage", ["PERSIAPAN", "REKAPITULASI"])
def test_assignment_refused_in_other_stages(cycle, team, admin_dpmppa, stage):
    proposal = verified(cycle, "Buluran Kenali", 1)
    cycle.stage = stage
    cycle.save()
    with pytest.raises(ValidationError, match="menugaskan usulan"):
        flow.assign_team(proposals=[proposal], team=team, by=admin_dpmppa)


def test_assignment_refused_in_a_locked_cycle(cycle, team, admin_dpmppa):
    proposal = verified(cycle, "Buluran Kenali", 1)
    cycle.stage, cycle.is_locked = "PENILAIAN", True
    cycle.save()
    with pytest.raises(ValidationError, match="SK final"):
        flow.assign_team(proposals=[proposal], team=team, by=admin_dpmppa)


@pytest.mark.parametrize("persona", ["kecamatan_officer", "kelurahan_officer", "assessor"])
def test_only_admin_dpmppa_assigns(request, cycle, team, persona):
    proposal = verified(cycle, "Buluran Kenali", 1)
    with pytest.raises(PermissionDenied):
        flow.assign_team(proposals=[proposal], team=team, by=request.getfixturevalue(persona))


def test_proposal_with_sheets_cannot_move_to_another_team(cycle, team, admin_dpmppa, assessor):
    proposal = verified(cycle, "Buluran Kenali", 1)
    flow.assign_team(proposals=[proposal], team=team, by=admin_dpmppa)
    Assessment.objects.create(proposal=proposal, assessor=assessor)
    other = factories.make_team(cycle=cycle, name="Tim 2")
    with pytest.raises(ValidationError, match="sudah ada lembar penilaian"):
        flow.assign_team(proposals=[proposal], team=other, by=admin_dpmppa)
    proposal.refresh_from_db()
    assert proposal.team == team


def test_whole_kelurahan_is_assigned_in_one_go(cycle, team, admin_dpmppa):
    mine = [verified(cycle, "Buluran Kenali", n) for n in (1, 2, 3)]
    elsewhere = verified(cycle, "Telanaipura", 1)
    factories.make_proposal(cycle=cycle, rt=factories.make_rt(kelurahan="Buluran Kenali", number=4))
    done = flow.assign_area_to_team(
        team=team, by=admin_dpmppa, kelurahan=factories.kelurahan_named("Buluran Kenali")
    )
    assert sorted(p.pk for p in done) == sorted(p.pk for p in mine)
    elsewhere.refresh_from_db()
    assert elsewhere.team is None


def test_whole_kecamatan_is_assigned_in_one_go(cycle, team, admin_dpmppa):
    verified(cycle, "Buluran Kenali", 1)
    verified(cycle, "Telanaipura", 1)
    verified(cycle, "Kenali Asam", 1)
    done = flow.assign_area_to_team(
        team=team, by=admin_dpmppa, kecamatan=factories.kecamatan_named("Telanaipura")
    )
    assert sorted(p.kelurahan_name for p in done) == ["Buluran Kenali", "Telanaipura"]


def test_area_without_waiting_proposals_says_so(cycle, team, admin_dpmppa):
    with pytest.raises(ValidationError, match="Tidak ada usulan terverifikasi"):
        flow.assign_area_to_team(
            team=team, by=admin_dpmppa, kelurahan=factories.kelurahan_named("Buluran Kenali")
        )


# --- admin ---------------------------------------------------------------------------------


def test_assign_action_offers_only_teams_of_the_cycle(client, cycle, team, admin_dpmppa):
    factories.make_team(cycle=factories.make_cycle(year=2025, stage="USULAN"), name="Tim Lama")
    proposal = verified(cycle, "Buluran Kenali", 1)
    client.force_login(admin_dpmppa)
    changelist = reverse("admin:assessments_proposal_changelist")
    data = {"action": "assign_selected", ACTION_CHECKBOX_NAME: [proposal.pk]}
    page = client.post(changelist, data)
    assert list(page.context["form"].fields["team"].queryset) == [team]
    client.post(changelist, data | {"apply": "1", "team": team.pk})
    proposal.refresh_from_db()
    assert proposal.team == team


def test_assign_action_after_filtering_by_kelurahan(client, cycle, team, admin_dpmppa):
    proposals = [verified(cycle, "Buluran Kenali", n) for n in (1, 2)]
    client.force_login(admin_dpmppa)
    data = {
        "action": "assign_selected",
        "select_across": "1",
        "index": "0",
        ACTION_CHECKBOX_NAME: [proposals[0].pk],
        "apply": "1",
        "team": team.pk,
    }
    kelurahan = factories.kelurahan_named("Buluran Kenali")
    verified(cycle, "Telanaipura", 1)
    url = (
        reverse("admin:assessments_proposal_changelist")
        + f"?rt__kelurahan__id__exact={kelurahan.pk}"
    )
    client.post(url, data)
    assert Proposal.objects.filter(team=team).count() == 2


def test_team_page_adds_all_verified_of_a_kelurahan(client, cycle, team, admin_dpmppa):
    verified(cycle, "Buluran Kenali", 1)
    verified(cycle, "Buluran Kenali", 2)
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_team_add_area", args=[team.pk])
    assert "Buluran Kenali" in client.get(url).content.decode()
    kelurahan = factories.kelurahan_named("Buluran Kenali")
    response = client.post(url, {"kelurahan": kelurahan.pk}, follow=True)
    assert "2 usulan ditugaskan ke Tim 1" in response.content.decode()


def test_team_page_needs_exactly_one_area(client, cycle, team, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_team_add_area", args=[team.pk])
    assert "Pilih satu kecamatan atau satu kelurahan" in client.post(url, {}).content.decode()


def test_team_member_choices_are_tim_penilai_users_only(
    client, admin_dpmppa, assessor, kelurahan_officer
):
    client.force_login(admin_dpmppa)
    page = client.get(reverse("admin:assessments_team_add"))
    formset = page.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].fields["user"].queryset) == [assessor]


def test_admin_creates_a_team_with_members(client, cycle, admin_dpmppa, assessor):
    client.force_login(admin_dpmppa)
    data = {
        "cycle": cycle.pk,
        "name": "Tim Telanaipura",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": assessor.pk,
        "memberships-0-agency": "POLRI",
        "proposals-TOTAL_FORMS": "0",
        "proposals-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:assessments_team_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    team = Team.objects.get(name="Tim Telanaipura")
    assert team.memberships.get().agency == "POLRI"


@pytest.mark.parametrize("persona", ["kecamatan_officer", "kelurahan_officer"])
def test_officers_cannot_see_teams(client, request, team, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("admin:assessments_team_changelist")).status_code == 403
    url = reverse("admin:assessments_team_add_area", args=[team.pk])
    assert client.post(url, {"kecamatan": 1}).status_code == 403


# --- conflict of interest -----------------------------------------------------------------


@pytest.fixture
def assigned(cycle, team):
    proposal = verified(cycle, "Buluran Kenali", 5)
    proposal.team = team
    proposal.save()
    cycle.stage = "PENILAIAN"
    cycle.save()
    return proposal


def test_member_declares_a_conflict(assigned, assessor):
    conflict = flow.declare_conflict(
        proposal=assigned, assessor=assessor, reason="Saya warga RT ini"
    )
    assert (conflict.assessor, conflict.reason) == (assessor, "Saya warga RT ini")


def test_conflict_needs_a_reason(assigned, assessor):
    with pytest.raises(ValidationError, match="wajib diisi"):
        flow.declare_conflict(proposal=assigned, assessor=assessor, reason=" ")
    assert not ConflictOfInterest.objects.exists()


def test_conflict_declared_twice_is_refused(assigned, assessor):
    flow.declare_conflict(proposal=assigned, assessor=assessor, reason="a")
    with pytest.raises(ValidationError, match="sudah dinyatakan"):
        flow.declare_conflict(proposal=assigned, assessor=assessor, reason="b")
    assert ConflictOfInterest.objects.count() == 1


def test_conflict_for_an_rt_not_assigned_is_refused(assigned, db):
    outsider = factories.make_user(username="penilai.luar", role=roles.TIM_PENILAI)
    with pytest.raises(ValidationError, match="tidak ditugaskan"):
        flow.declare_conflict(proposal=assigned, assessor=outsider, reason="a")


def test_conflict_after_sending_is_refused(assigned, assessor):
    Assessment.objects.create(proposal=assigned, assessor=assessor, status="SENT")
    with pytest.raises(ValidationError, match="sudah terkirim"):
        flow.declare_conflict(proposal=assigned, assessor=assessor, reason="a")


def test_last_member_left_cannot_declare_a_conflict(assigned, assessor, second_assessor):
    flow.declare_conflict(proposal=assigned, assessor=assessor, reason="a")
    with pytest.raises(ValidationError, match="satu-satunya anggota"):
        flow.declare_conflict(proposal=assigned, assessor=second_assessor, reason="b")


def test_conflict_outside_usulan_and_penilaian_is_refused(assigned, assessor):
    assigned.cycle.stage = "REKAPITULASI"
    assigned.cycle.save()
    with pytest.raises(ValidationError, match="konflik kepentingan"):
        flow.declare_conflict(proposal=assigned, assessor=assessor, reason="a")
    assert not ConflictOfInterest.objects.exists()


def test_admin_records_a_conflict_on_behalf_with_the_same_rules(
    client, admin_dpmppa, assigned, assessor, second_assessor
):
    client.force_login(admin_dpmppa)
    add = reverse("admin:assessments_conflictofinterest_add")
    response = client.post(
        add, {"proposal": assigned.pk, "assessor": assessor.pk, "reason": "Kerabat ketua RT"}
    )
    assert response.status_code == 302
    page = client.post(
        add, {"proposal": assigned.pk, "assessor": second_assessor.pk, "reason": "x"}
    )
    assert "satu-satunya anggota" in page.content.decode()
    assert ConflictOfInterest.objects.count() == 1


def test_proposal_is_released_from_its_team_until_sheets_exist(cycle, team, admin_dpmppa, assessor):
    free, scored = verified(cycle, "Buluran Kenali", 1), verified(cycle, "Buluran Kenali", 2)
    flow.assign_team(proposals=[free, scored], team=team, by=admin_dpmppa)
    Assessment.objects.create(proposal=scored, assessor=assessor)
    with pytest.raises(ValidationError, match="tidak dapat dilepas"):
        flow.unassign_team(proposals=[free, scored], by=admin_dpmppa)
    free.refresh_from_db()
    assert free.team == team
    flow.unassign_team(proposals=[free], by=admin_dpmppa)
    free.refresh_from_db()
    assert free.team is None


def test_team_changelist_query_count_is_flat(client, admin_dpmppa, cycle, assessor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin_dpmppa)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("admin:assessments_team_changelist"))
        return len(captured)

    factories.make_team(cycle=cycle, name="Tim 0", members=[assessor])
    small = queries()
    for n in range(1, 6):
        factories.make_team(cycle=cycle, name=f"Tim {n}", members=[assessor])
    assert queries() == small
