import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import proposals as flow
from assessments.models import Proposal
from tests import factories


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="USULAN")


def test_proposal_copies_the_rts_facts(cycle, kelurahan_officer, rt_in_scope):
    proposal = flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    assert (proposal.kecamatan_name, proposal.kelurahan_name) == ("Telanaipura", "Buluran Kenali")
    assert (proposal.rt_number, proposal.kk_count, proposal.ketua_name) == (5, 132, "Ketua Uji")
    assert proposal.size_category == "BESAR"
    assert proposal.status == "DIAJUKAN"
    assert proposal.proposed_by == kelurahan_officer
    rt_in_scope.kk_count = 20
    rt_in_scope.save()
    proposal.refresh_from_db()
    assert (proposal.kk_count, proposal.size_category) == (132, "BESAR")


@pytest.mark.parametrize(
    ("kk", "category"), [(49, "KECIL"), (50, "SEDANG"), (100, "SEDANG"), (101, "BESAR")]
)
def test_category_follows_the_cycles_thresholds_at_the_boundaries(
    cycle, kelurahan_officer, kk, category
):
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=kk, kk_count=kk)
    assert flow.propose_rt(cycle=cycle, rt=rt, by=kelurahan_officer).size_category == category


def test_category_uses_this_cycles_own_thresholds(kelurahan_officer):
    cycle = factories.make_cycle(stage="USULAN", kecil_below=30, besar_above=80)
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=1, kk_count=81)
    assert flow.propose_rt(cycle=cycle, rt=rt, by=kelurahan_officer).size_category == "BESAR"


def test_same_rt_twice_in_a_cycle_is_refused(cycle, kelurahan_officer, rt_in_scope):
    flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    with pytest.raises(ValidationError, match="sudah diusulkan pada periode"):
        flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    assert Proposal.objects.count() == 1


def test_same_rt_in_another_cycle_is_allowed(cycle, kelurahan_officer, rt_in_scope):
    other = factories.make_cycle(year=2026, period=2, stage="USULAN")
    flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    flow.propose_rt(cycle=other, rt=rt_in_scope, by=kelurahan_officer)
    assert Proposal.objects.count() == 2


def test_concurrent_duplicate_caught_by_constraint_is_a_friendly_message(
    cycle, kelurahan_officer, rt_in_scope, monkeypatch
):
    factories.make_proposal(cycle=cycle, rt=rt_in_scope)
    # As if another officer's proposal landed between the check and the insert.
    monkeypatch.setattr(flow, "proposal_errors", lambda **kwargs: [])
    with pytest.raises(ValidationError, match="sudah diusulkan"):
        flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    assert Proposal.objects.count() == 1


def test_inactive_rt_is_refused(cycle, kelurahan_officer):
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=9, is_active=False)
    with pytest.raises(ValidationError, match="tidak aktif"):
        flow.propose_rt(cycle=cycle, rt=rt, by=kelurahan_officer)
    assert not Proposal.objects.exists()


def test_rt_outside_the_officers_kelurahan_is_refused(cycle, kelurahan_officer, rt_out_of_scope):
    with pytest.raises(ValidationError, match="di luar wilayah Anda"):
        flow.propose_rt(cycle=cycle, rt=rt_out_of_scope, by=kelurahan_officer)
    assert not Proposal.objects.exists()


def test_rt_of_a_neighbouring_kelurahan_in_the_same_kecamatan_is_refused(cycle, kelurahan_officer):
    rt = factories.make_rt(kelurahan="Telanaipura", number=1)
    with pytest.raises(ValidationError, match="di luar wilayah Anda"):
        flow.propose_rt(cycle=cycle, rt=rt, by=kelurahan_officer)


@pytest.mark.parametrize("stage", ["PERSIAPAN", "PENILAIAN", "REKAPITULASI", "ARSIP"])
def test_proposing_outside_usulan_is_refused(kelurahan_officer, rt_in_scope, stage):
    cycle = factories.make_cycle(stage=stage)
    with pytest.raises(ValidationError, match="hanya boleh di tahap Usulan"):
        flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    assert not Proposal.objects.exists()


def test_proposing_in_a_locked_cycle_is_refused(kelurahan_officer, rt_in_scope):
    cycle = factories.make_cycle(stage="USULAN", is_locked=True)
    with pytest.raises(ValidationError, match="SK final"):
        flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)


@pytest.mark.parametrize("fixture", ["kecamatan_officer", "assessor"])
def test_only_kelurahan_and_admin_may_propose(request, cycle, rt_in_scope, fixture):
    with pytest.raises(PermissionDenied):
        flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=request.getfixturevalue(fixture))


def test_admin_dpmppa_may_propose_any_rt(cycle, admin_dpmppa, rt_out_of_scope):
    assert flow.propose_rt(cycle=cycle, rt=rt_out_of_scope, by=admin_dpmppa).pk


def test_proposing_several_rts_is_all_or_nothing(cycle, kelurahan_officer, rt_in_scope):
    inactive = factories.make_rt(kelurahan="Buluran Kenali", number=9, is_active=False)
    with pytest.raises(ValidationError) as raised:
        flow.propose_rts(cycle=cycle, rts=[rt_in_scope, inactive], by=kelurahan_officer)
    assert raised.value.messages == [
        "RT 09 Kelurahan Buluran Kenali tidak aktif dan tidak dapat diusulkan."
    ]
    assert not Proposal.objects.exists()


# --- verify / return / resubmit -------------------------------------------------------


@pytest.fixture
def proposal(cycle, rt_in_scope, kelurahan_officer):
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)


def test_kecamatan_officer_verifies_a_proposal_of_their_kecamatan(proposal, kecamatan_officer):
    flow.verify_proposal(proposal=proposal, by=kecamatan_officer)
    proposal.refresh_from_db()
    assert proposal.status == "DIVERIFIKASI"
    assert proposal.verified_by == kecamatan_officer
    assert proposal.verified_at is not None


def test_kecamatan_officer_cannot_verify_outside_their_kecamatan(
    cycle, kecamatan_officer, rt_out_of_scope
):
    proposal = factories.make_proposal(cycle=cycle, rt=rt_out_of_scope)
    with pytest.raises(PermissionDenied):
        flow.verify_proposal(proposal=proposal, by=kecamatan_officer)
    proposal.refresh_from_db()
    assert proposal.status == "DIAJUKAN"


@pytest.mark.parametrize("fixture", ["kelurahan_officer", "assessor"])
def test_kelurahan_officer_and_assessor_cannot_verify(request, proposal, fixture):
    with pytest.raises(PermissionDenied):
        flow.verify_proposal(proposal=proposal, by=request.getfixturevalue(fixture))


def test_verifying_outside_usulan_is_refused(proposal, kecamatan_officer):
    proposal.cycle.stage = "PENILAIAN"
    proposal.cycle.save()
    with pytest.raises(ValidationError, match="tahap Penilaian"):
        flow.verify_proposal(proposal=proposal, by=kecamatan_officer)


def test_returned_proposal_cannot_be_verified_before_resubmission(proposal, kecamatan_officer):
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="KK belum sesuai")
    with pytest.raises(ValidationError, match="berstatus Diajukan"):
        flow.verify_proposal(proposal=proposal, by=kecamatan_officer)


def test_return_needs_a_reason(proposal, kecamatan_officer):
    with pytest.raises(ValidationError, match="wajib diisi"):
        flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="   ")
    proposal.refresh_from_db()
    assert proposal.status == "DIAJUKAN"


def test_returned_proposal_shows_the_reason(proposal, kecamatan_officer):
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="Foto kegiatan kurang")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.return_reason) == ("DIKEMBALIKAN", "Foto kegiatan kurang")


def test_verified_proposal_with_a_team_cannot_be_returned(proposal, kecamatan_officer, assessor):
    team = factories.make_team(cycle=proposal.cycle, members=[assessor])
    proposal.status, proposal.team = "DIVERIFIKASI", team
    proposal.save()
    with pytest.raises(ValidationError, match="sudah ditugaskan"):
        flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="salah")


def test_kelurahan_fixes_and_resubmits_a_returned_proposal(
    proposal, kecamatan_officer, kelurahan_officer
):
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="KK sebenarnya 98")
    flow.resubmit_proposal(
        proposal=proposal, by=kelurahan_officer, ketua_name="Hj. Rosmala", kk_count=98
    )
    proposal.refresh_from_db()
    assert proposal.status == "DIAJUKAN"
    assert (proposal.kk_count, proposal.size_category, proposal.ketua_name) == (
        98,
        "SEDANG",
        "Hj. Rosmala",
    )
    assert proposal.return_reason == ""
    proposal.rt.refresh_from_db()
    assert proposal.rt.kk_count == 98
    reasons = list(proposal.history.values_list("return_reason", flat=True))
    assert "KK sebenarnya 98" in reasons


def test_only_returned_proposals_can_be_resubmitted(proposal, kelurahan_officer):
    with pytest.raises(ValidationError, match="yang dikembalikan"):
        flow.resubmit_proposal(proposal=proposal, by=kelurahan_officer)


def test_other_kelurahan_cannot_resubmit(proposal, kecamatan_officer, other_kelurahan_officer):
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="x")
    with pytest.raises(PermissionDenied):
        flow.resubmit_proposal(proposal=proposal, by=other_kelurahan_officer)


def test_resubmission_with_zero_kk_is_refused(proposal, kecamatan_officer, kelurahan_officer):
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="x")
    with pytest.raises(ValidationError, match="minimal 1"):
        flow.resubmit_proposal(proposal=proposal, by=kelurahan_officer, kk_count=0)
    proposal.refresh_from_db()
    assert proposal.status == "DIKEMBALIKAN"


def test_bulk_verify_is_all_or_nothing(cycle, kecamatan_officer, rt_in_scope):
    ok = factories.make_proposal(cycle=cycle, rt=rt_in_scope)
    done = factories.make_proposal(
        cycle=cycle, rt=factories.make_rt(kelurahan="Telanaipura", number=2), status="DIVERIFIKASI"
    )
    with pytest.raises(ValidationError, match="hanya usulan berstatus Diajukan"):
        flow.verify_proposals(proposals=[ok, done], by=kecamatan_officer)
    ok.refresh_from_db()
    assert ok.status == "DIAJUKAN"


def test_every_change_is_in_the_history_with_its_user(
    cycle, rt_in_scope, kelurahan_officer, kecamatan_officer
):
    proposal = flow.propose_rt(cycle=cycle, rt=rt_in_scope, by=kelurahan_officer)
    flow.return_proposal(proposal=proposal, by=kecamatan_officer, reason="x")
    flow.resubmit_proposal(proposal=proposal, by=kelurahan_officer)
    flow.verify_proposal(proposal=proposal, by=kecamatan_officer)
    steps = list(
        proposal.history.order_by("history_date").values_list("status", "history_user__username")
    )
    assert steps == [
        ("DIAJUKAN", "kel.uji"),
        ("DIKEMBALIKAN", "kec.uji"),
        ("DIAJUKAN", "kel.uji"),
        ("DIVERIFIKASI", "kec.uji"),
    ]
