"""seed_demo: the demo a fresh `make run` shows. The module seeds once (it takes seconds),
runs the command a second time, and the tests read the result; everything is rolled back
when the module ends."""

import hashlib
import io
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings

from assessments.models import (
    Assessment,
    ConflictOfInterest,
    Cycle,
    Decision,
    Meeting,
    MeetingAttendee,
    Proposal,
    Score,
    Team,
    TeamMember,
)
from awards.models import Award, Decree
from documents.models import DocumentJob
from rt_registry import roles
from rt_registry.models import RT, OfficerProfile

COUNTED = [
    RT,
    get_user_model(),
    OfficerProfile,
    Cycle,
    Cycle.history.model,
    Team,
    TeamMember,
    Proposal,
    Proposal.history.model,
    ConflictOfInterest,
    Assessment,
    Score,
    Meeting,
    MeetingAttendee,
    Decision,
    Decision.history.model,
    Award,
    Award.history.model,
    Decree,
    Decree.history.model,
    DocumentJob,
]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


# Every test here uses the database, so pytest-django runs them before the transactional
# (browser) tests, whose flush would leave no kelurahan for a second seeding.
pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("seed-media")
    with override_settings(DEBUG=True, MEDIA_ROOT=media), django_db_blocker.unblock():
        try:
            # Each test's own transaction nests inside this one as a savepoint.
            with transaction.atomic():
                call_command("seed_demo", stdout=StringIO())
                first = counts()
                out = StringIO()
                call_command("seed_demo", stdout=out)
                yield {"first": first, "second": counts(), "output": out.getvalue(), "media": media}
                raise Rollback
        except Rollback:
            pass


@pytest.fixture
def past(seeded, db):
    return Cycle.objects.get(year=2025, period=1)


@pytest.fixture
def current(seeded, db):
    return Cycle.objects.get(year=2026, period=1)


def user(username):
    return get_user_model().objects.select_related("profile").get(username=username)


def test_seed_demo_refuses_without_debug(settings, db):
    settings.DEBUG = False
    before = RT.objects.count()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert RT.objects.count() == before


def test_second_run_changes_nothing(seeded):
    assert seeded["first"] == seeded["second"]
    assert seeded["first"]["Proposal"] > 150
    assert "(0 baru)" in seeded["output"]


def test_registry_has_about_1650_rts_with_known_kelurahan(seeded, db):
    assert 1600 <= RT.objects.count() <= 1700
    assert RT.objects.filter(kelurahan__name="Telanaipura").count() == 14
    assert RT.objects.filter(kelurahan__name="Buluran Kenali").count() == 19
    assert RT.objects.get(kelurahan__name="Buluran Kenali", number=5).kk_count > 100


@pytest.mark.parametrize(
    ("username", "role", "kecamatan", "kelurahan"),
    [
        ("dpmppa", roles.ADMIN_DPMPPA, None, None),
        ("kec.telanaipura", roles.PETUGAS_KECAMATAN, "Telanaipura", None),
        ("kel.buluran-kenali", roles.PETUGAS_KELURAHAN, None, "Buluran Kenali"),
        ("kel.telanaipura", roles.PETUGAS_KELURAHAN, None, "Telanaipura"),
        ("penilai1", roles.TIM_PENILAI, None, None),
        ("penilai5", roles.TIM_PENILAI, None, None),
    ],
)
def test_demo_users_have_their_role_scope_and_password(
    seeded, db, username, role, kecamatan, kelurahan
):
    u = user(username)
    assert u.check_password("Bantar#2026")
    assert list(u.groups.values_list("name", flat=True)) == [role]
    assert (u.profile.kecamatan.name if u.profile.kecamatan else None) == kecamatan
    assert (u.profile.kelurahan.name if u.profile.kelurahan else None) == kelurahan
    assert u.is_staff == (role != roles.TIM_PENILAI)


def test_current_cycle_is_in_penilaian_with_work_for_penilai1(current):
    assert current.stage == Cycle.Stage.PENILAIAN
    assert not current.is_locked
    penilai1 = user("penilai1")
    assigned = Proposal.objects.filter(cycle=current).assigned_to(penilai1)
    sheets = Assessment.objects.filter(proposal__cycle=current, assessor=penilai1)
    sent = sheets.filter(status=Assessment.Status.SENT).count()
    drafts = sheets.filter(status=Assessment.Status.DRAFT).count()
    assert sent > 0
    assert drafts > 0
    assert assigned.count() > sent + drafts  # and RTs not started yet
    team = Team.objects.get(cycle=current, memberships__user=penilai1)
    assert sorted(team.members.values_list("username", flat=True)) == [
        "penilai1",
        "penilai2",
        "penilai3",
        "penilai4",
        "penilai5",
    ]


def test_current_cycle_sheets_keep_the_rules(current):
    sheets = Assessment.objects.filter(proposal__cycle=current)
    sent = list(sheets.filter(status=Assessment.Status.SENT).prefetch_related("scores"))
    drafts = list(
        sheets.filter(status=Assessment.Status.DRAFT, reopen_reason="").prefetch_related("scores")
    )
    assert sent and drafts  # the rules below are checked on real sheets
    assert {len(sheet.scores.all()) for sheet in sent} == {21}
    assert all(0 < len(sheet.scores.all()) < 21 for sheet in drafts)  # half filled in
    # Every sheet is by a member of the team its RT is assigned to.
    assert not sheets.exclude(proposal__team__memberships__user=F("assessor")).exists()


def test_current_cycle_shows_score_history_of_reopened_sheets(current):
    sheets = Assessment.objects.filter(proposal__cycle=current)
    resent = sheets.get(assessor__username="penilai2", version=2)
    assert resent.status == Assessment.Status.SENT
    assert resent.reopen_reason and resent.reopened_by.username == "dpmppa"
    first = sheets.get(proposal=resent.proposal, assessor=resent.assessor, version=1)
    assert first.status == Assessment.Status.SUPERSEDED
    before = dict(first.scores.values_list("indicator__code", "value"))
    after = dict(resent.scores.values_list("indicator__code", "value"))
    assert before != after
    waiting = sheets.get(assessor__username="penilai5", version=2)
    assert waiting.status == Assessment.Status.DRAFT and waiting.reopen_reason
    assert sheets.get(proposal=waiting.proposal, assessor=waiting.assessor, version=1).status == (
        Assessment.Status.SENT
    )


def test_officers_find_proposals_of_their_scope_in_the_current_cycle(current):
    kel = Proposal.objects.filter(cycle=current).visible_to(user("kel.buluran-kenali"))
    assert kel.count() >= 10
    assert set(kel.values_list("kelurahan_name", flat=True)) == {"Buluran Kenali"}
    returned = kel.get(status=Proposal.Status.DIKEMBALIKAN)
    assert returned.return_reason
    kec = Proposal.objects.filter(cycle=current).visible_to(user("kec.telanaipura"))
    assert kec.filter(status=Proposal.Status.DIAJUKAN).count() == 2
    assert {"Buluran Kenali", "Telanaipura"} <= set(kec.values_list("kelurahan_name", flat=True))


def test_proposals_carry_the_snapshot_of_their_rt(current, past):
    proposals = list(
        Proposal.objects.filter(cycle__in=[current, past]).select_related(
            "rt__kelurahan__kecamatan", "cycle"
        )
    )
    assert {p.cycle_id for p in proposals} == {current.pk, past.pk}
    for proposal in proposals:
        assert proposal.kk_count == proposal.rt.kk_count
        assert proposal.size_category == proposal.cycle.size_category(proposal.kk_count)
        assert proposal.kelurahan_name == proposal.rt.kelurahan.name
        assert proposal.kecamatan_name == proposal.rt.kelurahan.kecamatan.name


def test_past_cycle_went_through_its_decision_meeting(past):
    proposals = Proposal.objects.filter(cycle=past)
    assert 100 <= proposals.count() <= 130
    assert not proposals.exclude(status=Proposal.Status.DIVERIFIKASI).exists()
    assert not Assessment.objects.filter(proposal__cycle=past).exclude(status="SENT").exists()
    meeting = Meeting.objects.get(cycle=past)
    assert meeting.place == "Aula DPMPPA Kota Jambi"
    assert meeting.attendees.count() >= 5
    assert Decision.objects.filter(proposal__cycle=past).count() == proposals.count()
    overruled = [d for d in Decision.objects.filter(proposal__cycle=past) if d.is_overruled]
    assert len(overruled) == 2
    assert all(d.overrule_reason for d in overruled)
    passed = Decision.objects.filter(proposal__cycle=past, outcome="LULUS").count()
    assert proposals.count() / 2 < passed < proposals.count()  # most pass, some fail


def test_past_meeting_has_its_berita_acara_pdf(seeded, past):
    from pypdf import PdfReader

    job = DocumentJob.objects.get(kind="berita_acara", subject=f"meeting:{past.meeting.pk}")
    assert job.status == DocumentJob.Status.DONE
    data = (seeded["media"] / job.file.name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == job.sha256
    first_page = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "BERITA ACARA" in first_page
    assert "Aula" in first_page


def test_past_cycle_scores_give_the_decisions_totals(past):
    from collections import defaultdict
    from decimal import Decimal

    sums, sheets = defaultdict(int), defaultdict(set)
    for proposal_id, sheet_id, value in Score.objects.filter(
        assessment__proposal__cycle=past
    ).values_list("assessment__proposal_id", "assessment_id", "value"):
        sums[proposal_id] += value
        sheets[proposal_id].add(sheet_id)
    decisions = list(Decision.objects.filter(proposal__cycle=past))
    assert len(decisions) >= 100
    for decision in decisions:
        expected = Decimal(sums[decision.proposal_id]) / len(sheets[decision.proposal_id])
        assert decision.total == expected.quantize(Decimal("0.001"))
    # One member declared a conflict of interest: that RT has four sheets, not five.
    conflict = ConflictOfInterest.objects.get(proposal__cycle=past)
    assert len(sheets[conflict.proposal_id]) == 4


def test_rt05_buluran_kenali_won_in_the_besar_category(past):
    award = Award.objects.get(cycle=past, rt__kelurahan__name="Buluran Kenali", rt__number=5)
    assert award.size_category == "BESAR"
    assert award.prize_amount == past.prize_besar


def test_past_awards_reconcile_with_the_decisions_and_some_are_paid(past):
    awards = Award.objects.filter(cycle=past)
    winners = Decision.objects.filter(proposal__cycle=past, outcome="LULUS")
    assert awards.count() > 50
    assert set(awards.values_list("proposal_id", flat=True)) == set(
        winners.values_list("proposal_id", flat=True)
    )
    for award in awards.select_related("proposal"):
        assert award.size_category == award.proposal.size_category
        assert award.prize_amount == past.prize_for(award.size_category)
    paid = awards.filter(payment_status=Award.PaymentStatus.DIBAYAR)
    assert 0 < paid.count() < awards.count()
    assert not paid.filter(paid_on__isnull=True).exists()
    assert not paid.filter(payment_reference="").exists()


def test_history_is_kept_for_the_tracked_models(past, current):
    stages = list(
        Cycle.history.filter(id=past.pk).order_by("history_date").values_list("stage", flat=True)
    )
    assert stages[:4] == ["PERSIAPAN", "USULAN", "PENILAIAN", "REKAPITULASI"]
    assert Cycle.history.filter(id=current.pk).latest("history_date").history_user.username == (
        "dpmppa"
    )
    n = Proposal.objects.filter(cycle__in=[past, current]).count()
    assert Proposal.history.filter(cycle_id__in=[past.pk, current.pk]).count() >= n
    assert (
        Decision.history.filter(proposal__cycle=past).count()
        >= Decision.objects.filter(proposal__cycle=past).count()
    )


def test_past_cycle_has_a_final_decree_with_its_stored_pdf(seeded, past):
    from pypdf import PdfReader

    from awards.issuing import basis_changed, reconcile

    decree = Decree.objects.get(cycle=past)
    assert decree.status == Decree.Status.FINAL
    assert decree.number == "412 TAHUN 2025"
    assert past.is_locked
    assert past.stage == Cycle.Stage.DITETAPKAN
    data = (seeded["media"] / decree.pdf.name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == decree.pdf_sha256
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "412 TAHUN 2025" in text
    assert "Buluran Kenali" in text
    assert decree.signatory_name == "MAULANA"  # capitals, no titles (SK.md)
    assert reconcile(decree) == []
    assert not basis_changed(decree)


def test_every_award_has_its_stored_one_page_certificate(seeded, past):
    from pypdf import PdfReader

    awards = list(Award.objects.filter(cycle=past))
    assert awards
    for award in awards:
        data = (seeded["media"] / award.certificate_pdf.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == award.certificate_sha256
    rt05 = next(a for a in awards if a.rt.kelurahan.name == "Buluran Kenali" and a.rt.number == 5)
    reader = PdfReader(io.BytesIO((seeded["media"] / rt05.certificate_pdf.name).read_bytes()))
    assert len(reader.pages) == 1
    assert "BULURAN KENALI" in reader.pages[0].extract_text().upper()
    batch = DocumentJob.objects.get(kind="certificates", subject=f"certificates:cycle:{past.pk}")
    assert batch.status == DocumentJob.Status.DONE
    batch_data = (seeded["media"] / batch.file.name).read_bytes()
    assert len(PdfReader(io.BytesIO(batch_data)).pages) == len(awards)


def test_a_cycle_someone_else_made_for_the_same_period_is_left_alone(db, monkeypatch):
    from assessments import demo
    from rt_registry.management.commands.seed_demo import Command
    from tests import factories

    # A period of its own, so the test runs alike before or after the module's seed.
    monkeypatch.setattr(demo, "CURRENT", {"year": 2027, "period": 1})
    Command().seed_rts()
    Command().seed_users()
    theirs = factories.make_cycle(year=2027, period=1, stage=Cycle.Stage.USULAN)
    rt = RT.objects.get(kelurahan__name="Telanaipura", number=1)
    factories.make_proposal(cycle=theirs, rt=rt)

    assert demo.seed_current_cycle() is None
    assert list(Proposal.objects.filter(cycle=theirs).values_list("rt_id", flat=True)) == [rt.pk]
    assert not Team.objects.filter(cycle=theirs).exists()
    assert Cycle.objects.get(pk=theirs.pk).stage == Cycle.Stage.USULAN
