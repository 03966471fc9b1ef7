"""After the decree is final nothing of its cycle changes: every write path refuses with the
lock's message. Each test puts the cycle in the stage where the action would otherwise be
allowed, so the refusal can only come from the lock (Cycle.ensure_editable)."""

import datetime
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from assessments import decisions, proposals, scoring
from assessments.models import Assessment, Cycle, Decision, Proposal, Score
from assessments.resources import import_proposals
from awards.issuing import create_awards, create_draft_decree, finalise_decree
from awards.models import Award
from rt_registry.spreadsheets import read_upload
from tests import factories

LOCKED = "sudah ditetapkan dengan SK final"


@pytest.fixture
def final(admin_dpmppa, assessor):
    """A cycle whose decree was finalised through the real workflow."""
    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132), ("Buluran Kenali", 6, 70)],
        losers=[("Buluran Kenali", 7, 60)],
        assessor=assessor,
        by=admin_dpmppa,
    )
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.number, decree.decided_on = "77 TAHUN 2026", datetime.date(2026, 11, 20)
    decree.signatory_name = "Maulana"
    decree.save()
    finalise_decree(decree, by=admin_dpmppa)
    cycle.refresh_from_db()
    assert cycle.is_locked and cycle.stage == "DITETAPKAN"
    return cycle


def reopen_at(cycle, stage):
    """Put the locked cycle back in `stage` (still locked) to isolate the lock check."""
    cycle.stage = stage
    cycle.save()
    return cycle


def scores_of(cycle):
    return sorted(
        Score.objects.filter(assessment__proposal__cycle=cycle).values_list("pk", "value")
    )


# --- Domain functions --------------------------------------------------------------


def test_locked_cycle_refuses_new_proposals(final, kelurahan_officer):
    reopen_at(final, "USULAN")
    rt = factories.make_rt(kelurahan="Buluran Kenali", number=40, kk_count=60)
    with pytest.raises(ValidationError, match=LOCKED):
        proposals.propose_rt(cycle=final, rt=rt, by=kelurahan_officer)
    assert not Proposal.objects.filter(rt=rt).exists()


def test_locked_cycle_refuses_verify_and_return(final, kecamatan_officer):
    reopen_at(final, "USULAN")
    proposal = final.proposals.get(rt_number=5)
    with pytest.raises(ValidationError, match=LOCKED):
        proposals.verify_proposals(proposals=[proposal], by=kecamatan_officer)
    with pytest.raises(ValidationError, match=LOCKED):
        proposals.return_proposals(proposals=[proposal], by=kecamatan_officer, reason="x")
    assert Proposal.objects.get(pk=proposal.pk).status == "DIVERIFIKASI"


def test_locked_cycle_refuses_team_assignment(final, admin_dpmppa, assessor):
    reopen_at(final, "PENILAIAN")
    team = factories.make_team(cycle=final, name="Tim Baru", members=[assessor])
    with pytest.raises(ValidationError, match=LOCKED):
        proposals.assign_team(proposals=list(final.proposals.all()), team=team, by=admin_dpmppa)
    assert not final.proposals.filter(team=team).exists()


def test_locked_cycle_refuses_import_of_proposals(final, kelurahan_officer):
    reopen_at(final, "USULAN")
    factories.make_rt(kelurahan="Buluran Kenali", number=41, kk_count=60)
    workbook = Workbook()
    workbook.active.append(["kecamatan", "kelurahan", "rt"])
    workbook.active.append(["Telanaipura", "Buluran Kenali", 41])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "usulan.xlsx"
    with pytest.raises(ValidationError, match=LOCKED):
        import_proposals(cycle=final, sheet=read_upload(upload), by=kelurahan_officer)
    assert final.proposals.count() == 3


def test_locked_cycle_refuses_scoring_and_reopening(final, admin_dpmppa, assessor):
    reopen_at(final, "PENILAIAN")
    proposal = final.proposals.get(rt_number=7)
    team = factories.make_team(cycle=final, name="Tim Lock", members=[assessor])
    Proposal.objects.filter(pk=proposal.pk).update(team=team)  # set-up only (no history)
    before = scores_of(final)
    indicator = Score.objects.filter(assessment__proposal=proposal).first().indicator
    with pytest.raises(ValidationError, match=LOCKED):
        scoring.save_sheet(
            proposal=proposal,
            assessor=assessor,
            client_token=uuid.uuid4(),
            values={indicator.pk: 2},
        )
    sheet = Assessment.objects.get(proposal=proposal, status="SENT")
    with pytest.raises(ValidationError, match=LOCKED):
        scoring.reopen_sheet(sheet, by=admin_dpmppa, reason="salah ketik")
    assert scores_of(final) == before
    assert not Assessment.objects.filter(proposal=proposal, status="DRAFT").exists()


def test_locked_cycle_refuses_decisions(final, admin_dpmppa):
    reopen_at(final, "REKAPITULASI")
    loser = final.proposals.get(rt_number=7)
    with pytest.raises(ValidationError, match=LOCKED):
        decisions.record_decisions(
            cycle=final, decisions={loser.pk: ("LULUS", "ditinjau ulang")}, by=admin_dpmppa
        )
    with pytest.raises(ValidationError, match=LOCKED):
        decisions.apply_rule_to_all(cycle=final, by=admin_dpmppa)
    assert Decision.objects.get(proposal=loser).outcome == "TIDAK_LULUS"


def test_locked_cycle_refuses_new_or_changed_awards(final, admin_dpmppa):
    reopen_at(final, "REKAPITULASI")
    with pytest.raises(ValidationError, match=LOCKED):
        create_awards(cycle=final, by=admin_dpmppa)
    award = Award.objects.filter(cycle=final).first()
    award.prize_amount = Decimal("1")
    with pytest.raises(ValidationError, match=LOCKED):
        award.save()
    award.refresh_from_db()
    award.tier = "KENCANA"
    with pytest.raises(ValidationError, match=LOCKED):
        award.save()
    with pytest.raises(ValidationError, match=LOCKED):
        Award.objects.get(pk=award.pk).delete()
    assert Award.objects.get(pk=award.pk).prize_amount == Decimal("10000000")


def test_payment_and_certificate_fields_stay_writable_after_the_lock(final, admin_dpmppa):
    award = Award.objects.filter(cycle=final).first()
    award.payment_status = "DIBAYAR"
    award.paid_on = datetime.date(2025, 12, 1)
    award.payment_reference = "SP2D 1"
    award.certificate_number = "PIAGAM/1"
    award.save()
    assert Award.objects.get(pk=award.pk).payment_status == "DIBAYAR"


def test_locked_cycle_settings_cannot_change(final):
    from django.forms.models import model_to_dict

    from assessments.forms import CycleForm

    data = {k: v for k, v in model_to_dict(final).items() if v is not None}
    data["prize_besar"] = "1"
    form = CycleForm(instance=final, data=data)
    assert not form.is_valid()
    assert LOCKED in str(form.errors)
    assert Cycle.objects.get(pk=final.pk).prize_besar == Decimal("10000000")


# --- HTTP paths -------------------------------------------------------------------


def test_tablet_save_is_refused_on_a_locked_cycle(client, final, assessor):
    reopen_at(final, "PENILAIAN")
    proposal = final.proposals.get(rt_number=7)
    team = factories.make_team(cycle=final, name="Tim Tablet", members=[assessor])
    Proposal.objects.filter(pk=proposal.pk).update(team=team)
    indicator = Score.objects.filter(assessment__proposal=proposal).first().indicator
    before = scores_of(final)
    client.force_login(assessor)
    response = client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=json.dumps(
            {
                "action": "send",
                "client_token": str(uuid.uuid4()),
                "scores": [{"indicator": indicator.pk, "value": 2}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code in (400, 403, 409)
    assert LOCKED in " ".join(response.json()["errors"])
    assert scores_of(final) == before


def test_decision_page_post_is_refused_on_a_locked_cycle(client, final, admin_dpmppa):
    reopen_at(final, "REKAPITULASI")
    loser = final.proposals.get(rt_number=7)
    client.force_login(admin_dpmppa)
    response = client.post(
        reverse("assessments:decisions", args=[final.pk]),
        {f"choice-{loser.pk}": "LULUS", f"reason-{loser.pk}": "ditinjau"},
        follow=True,
    )
    assert LOCKED in response.content.decode()
    assert Decision.objects.get(proposal=loser).outcome == "TIDAK_LULUS"


def test_award_admin_keeps_prize_fixed_but_records_payment_after_lock(client, final, admin_dpmppa):
    award = Award.objects.filter(cycle=final).first()
    client.force_login(admin_dpmppa)
    response = client.post(
        reverse("admin:awards_award_change", args=[award.pk]),
        {
            "payment_status": "DIBAYAR",
            "paid_on": "25/11/2026",  # after the SK of 20 November 2026
            "payment_reference": "SP2D 9",
            "prize_amount": "1",
        },
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.payment_status == "DIBAYAR"
    assert award.prize_amount == Decimal("10000000")


def test_proposal_admin_cannot_change_a_locked_proposal(client, final, admin_dpmppa):
    proposal = final.proposals.get(rt_number=5)
    client.force_login(admin_dpmppa)
    url = reverse("admin:assessments_proposal_change", args=[proposal.pk])
    client.post(url, {"kk_count": "5", "ketua_name": "Diubah", "status": "DIKEMBALIKAN"})
    proposal.refresh_from_db()
    assert (proposal.kk_count, proposal.ketua_name, proposal.status) == (
        132,
        "Ketua RT 5",
        "DIVERIFIKASI",
    )
    delete = client.post(
        reverse("admin:assessments_proposal_delete", args=[proposal.pk]), {"post": "yes"}
    )
    assert delete.status_code in (302, 403)
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_locked_cycle_refuses_conflict_unassign_and_withdrawal(final, admin_dpmppa, assessor):
    reopen_at(final, "PENILAIAN")
    proposal = final.proposals.get(rt_number=7)
    team = factories.make_team(cycle=final, name="Tim Konflik", members=[assessor])
    Proposal.objects.filter(pk=proposal.pk).update(team=team)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match=LOCKED):
        proposals.declare_conflict(proposal=proposal, assessor=assessor, reason="kerabat")
    with pytest.raises(ValidationError, match=LOCKED):
        proposals.unassign_team(proposals=[proposal], by=admin_dpmppa)
    reopen_at(final, "USULAN")
    proposal.refresh_from_db()
    assert any(LOCKED in message for message in proposals.withdrawal_errors(proposal))
    assert Proposal.objects.get(pk=proposal.pk).team == team


def test_locked_cycle_meeting_record_cannot_change(final):
    from assessments.admin_meeting import MeetingForm

    meeting = final.meeting
    form = MeetingForm(
        instance=meeting,
        data={
            "held_on": "11/08/2026",
            "place": "Tempat lain",
            "number": "BA-99",
            "head_name": "",
            "notes": "",
        },
    )
    assert not form.is_valid()
    assert LOCKED in str(form.errors)
    meeting.refresh_from_db()
    assert meeting.number == "BA-01"
