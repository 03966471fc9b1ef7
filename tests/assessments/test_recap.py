"""The recap: means of the latest sent sheets, pillar subtotals, the pass rule at its
boundaries, conflicts, incompleteness, disagreement, and a flat query count."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import ConflictOfInterest
from assessments.recap import build_recap, filter_rows, load_details, recap_proposals
from tests import factories
from tests.assessments.recap_data import make_assessors, make_scored_proposals, make_sheet

# A sheet totalling 29: every indicator 1, these eight 2 (Bersih 10, Aman 10, Pintar 9).
SHEET_29 = {"default": 1, **dict.fromkeys(["B1", "B2", "B3", "A1", "A2", "A3", "P1", "P2"], 2)}
SHEET_30 = {**SHEET_29, "P3": 2}
SHEET_31 = {**SHEET_29, "P3": 2, "P4": 2}


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="REKAPITULASI")


def setup_proposal(cycle, n_assessors, *, number=5, kelurahan="Buluran Kenali"):
    assessors = make_assessors(n_assessors, prefix=f"p{number}x")
    team = factories.make_team(cycle=cycle, name=f"Tim {number}", members=assessors)
    rt = factories.make_rt(kelurahan=kelurahan, number=number, kk_count=132)
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI", team=team)
    return proposal, assessors


def recap_row(cycle, proposal):
    (row,) = build_recap(cycle=cycle, proposals=cycle.proposals.filter(pk=proposal.pk))
    return row


def test_means_subtotals_total_and_percentage(cycle):
    proposal, (a, b, c) = setup_proposal(cycle, 3)
    make_sheet(proposal=proposal, assessor=a, values=2)
    make_sheet(proposal=proposal, assessor=b, values=2)
    make_sheet(proposal=proposal, assessor=c, values={"default": 2, "B1": 1})

    row = recap_row(cycle, proposal)

    b1 = next(mean for ind, mean, _ in row.cells if ind.code == "B1")
    assert b1 == Decimal("1.67")
    assert row.sent_count == 3
    assert row.total_display == Decimal("41.67")
    assert row.total_pct_display == Decimal("99.21")
    bersih = row.pillars_display[0]
    assert (bersih["label"], bersih["subtotal"], bersih["pct"]) == (
        "Bersih",
        Decimal("13.67"),
        Decimal("97.62"),
    )


def test_total_of_exactly_seventy_percent_passes(cycle):
    proposal, assessors = setup_proposal(cycle, 5)
    for user in assessors[:4]:
        make_sheet(proposal=proposal, assessor=user, values=SHEET_29)
    make_sheet(proposal=proposal, assessor=assessors[4], values=SHEET_31)

    row = recap_row(cycle, proposal)

    assert row.total_display == Decimal("29.40")
    assert row.total_pct_display == Decimal("70.00")
    assert row.passes


def test_total_just_below_seventy_percent_fails(cycle):
    proposal, assessors = setup_proposal(cycle, 5)
    for user in assessors[:4]:
        make_sheet(proposal=proposal, assessor=user, values=SHEET_29)
    make_sheet(proposal=proposal, assessor=assessors[4], values=SHEET_30)

    row = recap_row(cycle, proposal)

    assert row.total_display == Decimal("29.20")
    assert not row.passes


def test_pillar_of_exactly_fifty_percent_passes(cycle):
    proposal, (a,) = setup_proposal(cycle, 1)
    make_sheet(
        proposal=proposal, assessor=a, values={"default": 2, **{f"B{i}": 1 for i in range(1, 8)}}
    )

    row = recap_row(cycle, proposal)

    assert row.pillars_display[0]["pct"] == Decimal("50.00")
    assert row.passes


def test_one_pillar_below_fifty_percent_fails_despite_high_total(cycle):
    proposal, (a,) = setup_proposal(cycle, 1)
    low_bersih = {"default": 2, **{f"B{i}": 1 for i in range(1, 8)}, "B7": 0}
    make_sheet(proposal=proposal, assessor=a, values=low_bersih)

    row = recap_row(cycle, proposal)

    assert row.total_pct_display == Decimal("80.95")
    assert row.pillars_display[0]["pct"] == Decimal("42.86")
    assert not row.passes


def test_pass_rule_uses_the_cycles_thresholds(db):
    cycle = factories.make_cycle(stage="REKAPITULASI", pass_min_total_pct=Decimal("95"))
    proposal, (a,) = setup_proposal(cycle, 1)
    make_sheet(proposal=proposal, assessor=a, values={"default": 2, "B1": 0, "A1": 1})

    row = recap_row(cycle, proposal)

    assert row.total_pct_display == Decimal("92.86")
    assert not row.passes


def test_drafts_and_superseded_versions_are_not_counted(cycle):
    proposal, (a, b) = setup_proposal(cycle, 2)
    make_sheet(proposal=proposal, assessor=a, values=0, status="SUPERSEDED", version=1)
    make_sheet(proposal=proposal, assessor=a, values=2, status="SENT", version=2)
    make_sheet(proposal=proposal, assessor=b, values=0, status="DRAFT")

    row = recap_row(cycle, proposal)

    assert row.sent_count == 1
    assert row.total_display == Decimal("42.00")
    assert not row.is_complete
    assert row.missing == ["p5x2"]


def test_assessor_with_conflict_is_neither_counted_nor_missing(cycle):
    proposal, (a, b, c) = setup_proposal(cycle, 3)
    make_sheet(proposal=proposal, assessor=a, values=2)
    make_sheet(proposal=proposal, assessor=b, values=2)
    make_sheet(proposal=proposal, assessor=c, values=0)  # sent before declaring
    ConflictOfInterest.objects.create(proposal=proposal, assessor=c, reason="Tinggal di RT ini")

    row = recap_row(cycle, proposal)

    assert row.sent_count == 2
    assert row.total_display == Decimal("42.00")
    assert row.is_complete
    assert row.missing == []
    assert row.expected_count == 2


def test_incomplete_lists_who_has_not_sent(cycle):
    proposal, (a, b, c) = setup_proposal(cycle, 3)
    b.first_name, b.last_name = "Siti", "Aminah"
    b.save()
    make_sheet(proposal=proposal, assessor=a, values=2)

    row = recap_row(cycle, proposal)

    assert not row.is_complete
    assert row.missing == ["Siti Aminah", "p5x3"]


def test_proposal_without_sheets_is_incomplete_and_fails(cycle):
    proposal, _ = setup_proposal(cycle, 2)

    row = recap_row(cycle, proposal)

    assert row.sent_count == 0
    assert not row.is_complete
    assert not row.passes
    assert all(mean is None for _, mean, _ in row.cells)


def test_disagreement_flags_zero_against_two_only(cycle):
    proposal, (a, b) = setup_proposal(cycle, 2)
    make_sheet(proposal=proposal, assessor=a, values={"default": 2, "B4": 0, "A2": 1})
    make_sheet(proposal=proposal, assessor=b, values={"default": 2, "B4": 2, "A2": 2})

    row = recap_row(cycle, proposal)

    flagged = [ind.code for ind, _, disagree in row.cells if disagree]
    assert flagged == ["B4"]


def test_only_verified_proposals_in_scope_are_in_the_recap(cycle, kecamatan_officer):
    team = factories.make_team(cycle=cycle)
    inside = factories.make_proposal(
        cycle=cycle,
        rt=factories.make_rt(kelurahan="Telanaipura", number=1),
        status="DIVERIFIKASI",
        team=team,
    )
    factories.make_proposal(
        cycle=cycle, rt=factories.make_rt(kelurahan="Buluran Kenali", number=2)
    )  # not verified
    factories.make_proposal(
        cycle=cycle,
        rt=factories.make_rt(kelurahan="Kenali Asam", number=3),
        status="DIVERIFIKASI",
        team=team,
    )  # other kecamatan

    rows = build_recap(cycle=cycle, proposals=recap_proposals(cycle, kecamatan_officer))

    assert [r.proposal for r in rows] == [inside]


def test_filter_rows_by_result_and_completeness(cycle):
    passing, (a,) = setup_proposal(cycle, 1, number=1)
    make_sheet(proposal=passing, assessor=a, values=2)
    failing, _ = setup_proposal(cycle, 1, number=2)
    rows = build_recap(cycle=cycle, proposals=cycle.proposals.all())

    assert [r.proposal for r in filter_rows(rows, result="lulus")] == [passing]
    assert [r.proposal for r in filter_rows(rows, result="tidak")] == [failing]
    assert [r.proposal for r in filter_rows(rows, completeness="belum")] == [failing]
    assert [r.proposal for r in filter_rows(rows, completeness="lengkap")] == [passing]


def count_recap_queries(cycle):
    with CaptureQueriesContext(connection) as queries:
        rows = build_recap(cycle=cycle, proposals=cycle.proposals.all())
        for row in rows:
            row.passes, row.missing, row.cells, getattr(row.proposal, "decision", None)
    return len(queries), len(rows)


def test_recap_query_count_does_not_grow_with_proposals(cycle):
    team = factories.make_team(cycle=cycle, members=make_assessors(2))
    make_scored_proposals(cycle=cycle, team=team, count=10)
    small, n_small = count_recap_queries(cycle)
    make_scored_proposals(cycle=cycle, team=team, count=190, start=11)
    large, n_large = count_recap_queries(cycle)

    assert (n_small, n_large) == (10, 200)
    assert small == large
    # Indicators, proposal ids, sent sheets, the aggregate, conflicts, members; then on
    # first use one query for the proposals (with decisions) and one for the cells.
    assert small <= 8


def test_totals_and_the_rule_need_no_per_indicator_query(cycle):
    team = factories.make_team(cycle=cycle, members=make_assessors(2))
    make_scored_proposals(cycle=cycle, team=team, count=3)
    with CaptureQueriesContext(connection) as queries:
        rows = build_recap(cycle=cycle, proposals=cycle.proposals.all())
        summary = [(r.total, r.passes, r.has_disagreement, r.pillars_display) for r in rows]
    assert len(queries) <= 6
    assert summary[0][:3] == (42, True, False)


def test_sheets_scoring_different_indicators_still_give_exact_means(cycle):
    # Sending needs every indicator, but a sheet written otherwise (an old import) may not:
    # then the means do not share one denominator and are summed one by one.
    proposal, (a, b) = setup_proposal(cycle, 2)
    make_sheet(proposal=proposal, assessor=a, values=2)
    partial = make_sheet(proposal=proposal, assessor=b, values=1)
    partial.scores.filter(indicator__code="B1").delete()

    row = recap_row(cycle, proposal)

    # B1: 2 (one sheet); the other 20: (2 + 1) / 2. Total 2 + 20 * 3/2 = 32.
    assert row.total == 32
    assert row.pillar_subtotal("BERSIH") == 2 + Fraction(3, 2) * 6
    b1 = next(mean for ind, mean, _ in row.cells if ind.code == "B1")
    assert b1 == Decimal("2.00")


def test_load_details_reads_only_the_rows_asked(cycle):
    team = factories.make_team(cycle=cycle, members=make_assessors(2))
    make_scored_proposals(cycle=cycle, team=team, count=4)
    rows = build_recap(cycle=cycle, proposals=cycle.proposals.order_by("rt_number"))
    load_details(rows[:2])
    with CaptureQueriesContext(connection) as queries:
        rows[0].cells, rows[1].cells  # noqa: B018
    assert len(queries) == 0
    assert rows[0].details.loaded.keys() == {rows[0].proposal.pk, rows[1].proposal.pk}


def test_indicator_positions_are_distinct_even_when_ids_are_far_apart():
    from types import SimpleNamespace

    from assessments.recap import _indicator_positions

    near = [SimpleNamespace(pk=pk) for pk in range(40, 61)]
    far = [SimpleNamespace(pk=pk) for pk in (3, 500, 90_000)]
    for indicators in (near, far):
        _, positions = _indicator_positions(indicators, 31)
        assert sorted(positions.values()) == list(range(len(indicators)))
    sql, _ = _indicator_positions(far, 31)
    assert sql.startswith("(CASE s.indicator_id WHEN 3 THEN 0 ")


@pytest.mark.parametrize("size", [9, 40])
def test_a_large_set_with_pillars_interleaved_sums_and_flags_exactly(db, size):
    # Pillars in turn (B, A, P, B, ...): no pillar's ids are consecutive; 40 indicators need
    # more bits than one disagreement mask holds.
    from assessments.models import Indicator, IndicatorSet, Pillar

    indicator_set = IndicatorSet.objects.create(name=f"Uji {size} indikator")
    pillars = list(Pillar)
    Indicator.objects.bulk_create(
        Indicator(
            indicator_set=indicator_set,
            code=f"X{n}",
            pillar=pillars[n % 3],
            order=n,
            text=f"Indikator {n}",
        )
        for n in range(size)
    )
    cycle = factories.make_cycle(stage="REKAPITULASI", indicator_set=indicator_set)
    proposal, (a, b) = setup_proposal(cycle, 2)
    last = f"X{size - 1}"
    make_sheet(proposal=proposal, assessor=a, values={"default": 2, "X0": 1, last: 0})
    make_sheet(proposal=proposal, assessor=b, values={"default": 2, "X1": 0})

    row = recap_row(cycle, proposal)

    per_pillar = [len(range(k, size, 3)) for k in range(3)]
    # Bersih (X0, X3, ...) lost 1, Aman (X1, ...) lost 2, and the last indicator lost 2.
    lost = [1, 2, 0]
    lost[(size - 1) % 3] += 2
    assert [row.pillar_subtotal(p) for p in Pillar] == [
        Fraction(4 * n - d, 2) for n, d in zip(per_pillar, lost, strict=True)
    ]
    assert row.total == Fraction(4 * size - 5, 2)
    assert [i.code for i, _, flag in row.cells if flag] == ["X1", last]  # 2 against 0
