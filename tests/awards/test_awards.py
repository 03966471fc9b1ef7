from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import Decision
from awards.issuing import create_awards, lampiran_data, max_total, reconcile
from awards.models import Award
from tests import factories

WINNERS = [
    ("Buluran Kenali", 5, 132),  # Besar
    ("Buluran Kenali", 2, 40),  # Kecil
    ("Telanaipura", 3, 100),  # Sedang (exactly 100)
    ("Kenali Asam", 10, 50),  # Sedang (exactly 50)
]
LOSERS = [("Telanaipura", 9, 60)]


@pytest.fixture
def decided(admin_dpmppa, assessor):
    return factories.make_decided_cycle(
        winners=WINNERS, losers=LOSERS, assessor=assessor, by=admin_dpmppa
    )


def by_rt(cycle):
    return {
        (a.proposal.kelurahan_name, a.proposal.rt_number): a
        for a in Award.objects.filter(cycle=cycle).select_related("proposal")
    }


def test_create_awards_gives_one_award_per_winning_proposal(decided, admin_dpmppa):
    create_awards(cycle=decided, by=admin_dpmppa)
    awards = by_rt(decided)
    assert set(awards) == {(k, n) for k, n, _ in WINNERS}
    assert awards[("Buluran Kenali", 5)].size_category == "BESAR"
    assert awards[("Buluran Kenali", 5)].prize_amount == Decimal("10000000")
    assert awards[("Buluran Kenali", 2)].prize_amount == Decimal("5000000")
    assert awards[("Telanaipura", 3)].size_category == "SEDANG"
    assert awards[("Kenali Asam", 10)].prize_amount == Decimal("7500000")


def test_create_awards_takes_prizes_from_the_cycle_settings(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=WINNERS[:1], assessor=assessor, by=admin_dpmppa, prize_besar=Decimal("12500000")
    )
    (award,) = create_awards(cycle=cycle, by=admin_dpmppa)
    assert award.prize_amount == Decimal("12500000")


def test_create_awards_keeps_the_category_of_the_proposal_snapshot(decided, admin_dpmppa):
    proposal = decided.proposals.get(rt_number=5)
    proposal.rt.kk_count = 20  # the RT shrank after the proposal: the award must not follow
    proposal.rt.save()
    create_awards(cycle=decided, by=admin_dpmppa)
    assert Award.objects.get(proposal=proposal).size_category == "BESAR"


def test_create_awards_is_idempotent(decided, admin_dpmppa):
    first = sorted(a.pk for a in create_awards(cycle=decided, by=admin_dpmppa))
    second = sorted(a.pk for a in create_awards(cycle=decided, by=admin_dpmppa))
    assert first == second
    assert Award.objects.filter(cycle=decided).count() == len(WINNERS)


def test_create_awards_follows_a_decision_changed_before_the_decree(decided, admin_dpmppa):
    create_awards(cycle=decided, by=admin_dpmppa)
    decision = Decision.objects.get(proposal__cycle=decided, proposal__rt_number=2)
    decision.outcome = "TIDAK_LULUS"
    decision.rule_passes = False
    decision.save()
    create_awards(cycle=decided, by=admin_dpmppa)
    assert ("Buluran Kenali", 2) not in by_rt(decided)
    assert Award.objects.filter(cycle=decided).count() == len(WINNERS) - 1


def test_create_awards_refuses_while_a_proposal_is_undecided(decided, admin_dpmppa):
    rt = factories.make_rt(kelurahan="Telanaipura", number=20, kk_count=70)
    factories.make_proposal(cycle=decided, rt=rt, status="DIVERIFIKASI")
    with pytest.raises(ValidationError, match="1 usulan belum diputuskan"):
        create_awards(cycle=decided, by=admin_dpmppa)
    assert not Award.objects.filter(cycle=decided).exists()


def test_create_awards_refuses_on_a_locked_cycle(decided, admin_dpmppa):
    decided.is_locked = True
    decided.save()
    with pytest.raises(ValidationError, match="SK final"):
        create_awards(cycle=decided, by=admin_dpmppa)
    assert not Award.objects.filter(cycle=decided).exists()


def test_database_refuses_a_second_award_for_the_same_proposal(decided, admin_dpmppa):
    (award, *_) = create_awards(cycle=decided, by=admin_dpmppa)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            proposal=award.proposal,
            cycle=decided,
            rt=award.rt,
            size_category="BESAR",
            prize_amount=1,
        )


def test_database_refuses_a_second_award_for_the_same_rt_in_a_cycle(decided, admin_dpmppa):
    (award, *_) = create_awards(cycle=decided, by=admin_dpmppa)
    other_cycle = factories.make_cycle(year=2025, period=2)
    other_proposal = factories.make_proposal(cycle=other_cycle, rt=award.rt)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Same RT, same cycle, through another proposal: the (cycle, rt) constraint.
        Award.objects.create(
            proposal=other_proposal,
            cycle=decided,
            rt=award.rt,
            size_category="BESAR",
            prize_amount=1,
        )


def win_cycle(*, year, period, rt, by, assessor, won=True):
    cycle = factories.make_cycle(year=year, period=period, stage="DITETAPKAN")
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    if won:
        factories.make_award(proposal=proposal)
    return cycle


@pytest.fixture
def kencana_rt(admin_dpmppa, assessor):
    return factories.make_rt(kelurahan="Buluran Kenali", number=5, kk_count=132)


def test_rt_that_won_the_three_previous_cycles_becomes_kencana(kencana_rt, admin_dpmppa, assessor):
    for year, period in [(2025, 1), (2025, 2), (2026, 1)]:
        win_cycle(year=year, period=period, rt=kencana_rt, by=admin_dpmppa, assessor=assessor)
    cycle = factories.make_decided_cycle(
        year=2026, period=2, winners=[], assessor=assessor, by=admin_dpmppa
    )
    proposal = factories.make_proposal(cycle=cycle, rt=kencana_rt, status="DIVERIFIKASI")
    Decision.objects.create(
        proposal=proposal,
        rule_passes=True,
        total=Decimal("40"),
        outcome="LULUS",
        decided_by=admin_dpmppa,
    )
    (award,) = create_awards(cycle=cycle, by=admin_dpmppa)
    assert award.tier == "KENCANA"


@pytest.mark.parametrize(
    ("history", "total"),
    [
        ([(2025, 1, True), (2025, 2, False), (2026, 1, True)], "40"),  # a gap breaks the run
        ([(2025, 2, True), (2026, 1, True)], "40"),  # only two cycles before
        ([(2025, 1, True), (2025, 2, True), (2026, 1, True)], "30"),  # 71 % < 85 %
    ],
)
def test_rt_without_a_full_run_or_high_score_stays_bantar(
    kencana_rt, admin_dpmppa, assessor, history, total
):
    for year, period, won in history:
        win_cycle(
            year=year, period=period, rt=kencana_rt, by=admin_dpmppa, assessor=assessor, won=won
        )
    cycle = factories.make_decided_cycle(
        year=2026, period=2, winners=[], assessor=assessor, by=admin_dpmppa
    )
    proposal = factories.make_proposal(cycle=cycle, rt=kencana_rt, status="DIVERIFIKASI")
    Decision.objects.create(
        proposal=proposal,
        rule_passes=True,
        total=Decimal(total),
        outcome="LULUS",
        decided_by=admin_dpmppa,
    )
    (award,) = create_awards(cycle=cycle, by=admin_dpmppa)
    assert award.tier == "BANTAR"


@pytest.mark.parametrize(
    ("total", "tier"),
    [
        ("35.700", "KENCANA"),  # exactly 85 % of 42: the minimum itself qualifies
        ("35.699", "BANTAR"),  # a thousandth below
    ],
)
def test_kencana_minimum_total_is_inclusive(kencana_rt, admin_dpmppa, assessor, total, tier):
    for year, period in [(2025, 1), (2025, 2), (2026, 1)]:
        win_cycle(year=year, period=period, rt=kencana_rt, by=admin_dpmppa, assessor=assessor)
    cycle = factories.make_decided_cycle(
        year=2026, period=2, winners=[], assessor=assessor, by=admin_dpmppa
    )
    assert (cycle.kencana_min_total_pct, max_total(cycle)) == (Decimal("85"), 42)
    proposal = factories.make_proposal(cycle=cycle, rt=kencana_rt, status="DIVERIFIKASI")
    Decision.objects.create(
        proposal=proposal,
        rule_passes=True,
        total=Decimal(total),
        outcome="LULUS",
        decided_by=admin_dpmppa,
    )

    (award,) = create_awards(cycle=cycle, by=admin_dpmppa)

    assert award.tier == tier


def test_lampiran_counts_and_totals_reconcile_to_the_rupiah(decided, admin_dpmppa):
    awards = create_awards(cycle=decided, by=admin_dpmppa)
    data = lampiran_data(decided)
    assert data["count"] == len(awards) == 4
    assert data["total"] == sum(a.prize_amount for a in awards) == Decimal("30000000")
    counts = {c["code"]: c["count"] for c in data["categories"]}
    assert counts == {"BESAR": 1, "SEDANG": 2, "KECIL": 1}
    assert sum(g["subtotal"] for g in data["groups"]) == data["total"]
    assert data["total_words"] == "tiga puluh juta rupiah"


def test_lampiran_groups_by_kecamatan_then_kelurahan_with_rt_in_numeric_order(
    admin_dpmppa, assessor
):
    cycle = factories.make_decided_cycle(
        winners=[
            ("Buluran Kenali", 10, 60),
            ("Buluran Kenali", 2, 60),
            ("Telanaipura", 1, 60),
            ("Kenali Asam", 4, 60),
        ],
        assessor=assessor,
        by=admin_dpmppa,
    )
    create_awards(cycle=cycle, by=admin_dpmppa)
    data = lampiran_data(cycle)
    assert [g["kecamatan"] for g in data["groups"]] == ["Kota Baru", "Telanaipura"]
    order = [(r["kelurahan"], r["rt"]) for g in data["groups"] for r in g["rows"]]
    assert order == [
        ("Kenali Asam", "04"),
        ("Buluran Kenali", "02"),
        ("Buluran Kenali", "10"),
        ("Telanaipura", "01"),
    ]
    assert [r["no"] for g in data["groups"] for r in g["rows"]] == [1, 2, 3, 4]


def test_reconcile_reports_an_award_whose_prize_differs_from_the_settings(decided, admin_dpmppa):
    create_awards(cycle=decided, by=admin_dpmppa)
    award = Award.objects.filter(cycle=decided, size_category="KECIL").get()
    award.prize_amount = Decimal("5000001")
    award.save()
    decree = factories.make_decree(cycle=decided, status="DRAFT")
    assert any("Kecil" in p for p in reconcile(decree))


def test_lampiran_data_uses_a_constant_number_of_queries(
    admin_dpmppa, assessor, django_assert_num_queries
):
    small = factories.make_decided_cycle(
        year=2024, winners=WINNERS[:1], assessor=assessor, by=admin_dpmppa
    )
    big = factories.make_decided_cycle(
        year=2025,
        winners=[("Pasir Putih", n, 30 + 10 * n) for n in range(1, 13)],
        assessor=assessor,
        by=admin_dpmppa,
    )
    for cycle in (small, big):
        create_awards(cycle=cycle, by=admin_dpmppa)
    with django_assert_num_queries(1):
        lampiran_data(small)
    with django_assert_num_queries(1):
        lampiran_data(big)
