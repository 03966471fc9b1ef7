"""The whole recap of one richly varied cycle against values worked out by hand: both
boundaries of the pass rule (70 % total, 50 % pillar, inclusive), a tie, a disagreement,
a missing sheet, a draft and a superseded version not counted, a reopened sheet sent
again, an assessor with a conflict of interest, a proposal with no sheet and one not
verified. Whatever computes the recap (Python or the database) must give these numbers,
on SQLite and on PostgreSQL."""

from decimal import Decimal

import pytest

from assessments.models import ConflictOfInterest
from assessments.recap import build_recap, filter_rows, recap_proposals, sort_rows
from tests import factories
from tests.assessments.recap_data import make_assessors, make_sheet

BERSIH_HALF = {"default": 2, **{f"B{i}": 1 for i in range(1, 8)}}  # Bersih 7 of 14
# Bersih 10, Aman 10, Pintar 9: 29 of 42.
SHEET_29 = {"default": 1, **dict.fromkeys(["B1", "B2", "B3", "A1", "A2", "A3", "P1", "P2"], 2)}


def dec(text):
    return Decimal(text)


@pytest.fixture
def recap(admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    a1, a2, a3 = trio = make_assessors(3, prefix="trio")
    a2.first_name, a2.last_name = "Siti", "Aminah"
    a2.save()
    five = make_assessors(5, prefix="lima")
    trio_team = factories.make_team(cycle=cycle, name="Tim Tiga", members=trio)
    five_team = factories.make_team(cycle=cycle, name="Tim Lima", members=five)

    def proposal(number, team, status="DIVERIFIKASI"):
        rt = factories.make_rt(kelurahan="Buluran Kenali", number=number, kk_count=100)
        return factories.make_proposal(cycle=cycle, rt=rt, status=status, team=team)

    # RT 1: all 2 but one 0 on B1 (a disagreement). Bersih 40/3, total 124/3.
    p = proposal(1, trio_team)
    make_sheet(proposal=p, assessor=a1, values=2)
    make_sheet(proposal=p, assessor=a2, values=2)
    make_sheet(proposal=p, assessor=a3, values={"default": 2, "B1": 0})
    # RT 2: 147 of 210 over five sheets = exactly 70 %: passes.
    p = proposal(2, five_team)
    for user in five[:4]:
        make_sheet(proposal=p, assessor=user, values=SHEET_29)
    make_sheet(proposal=p, assessor=five[4], values={**SHEET_29, "P3": 2, "P4": 2})
    # RT 3: 146 of 210 = 69.52 %: fails.
    p = proposal(3, five_team)
    for user in five[:4]:
        make_sheet(proposal=p, assessor=user, values=SHEET_29)
    make_sheet(proposal=p, assessor=five[4], values={**SHEET_29, "P3": 2})
    # RT 4: one sheet with Bersih exactly 50 %: passes, though two have not sent (a2's
    # sheet is a draft).
    p = proposal(4, trio_team)
    make_sheet(proposal=p, assessor=a1, values=BERSIH_HALF)
    make_sheet(proposal=p, assessor=a2, values=2, status="DRAFT")
    # RT 5: a1 reopened and sent again (the superseded 0s do not count), a3 declared a
    # conflict after sending 0s (neither counted nor missing, no disagreement).
    p = proposal(5, trio_team)
    make_sheet(proposal=p, assessor=a1, values=0, status="SUPERSEDED", version=1)
    make_sheet(proposal=p, assessor=a1, values=2, version=2)
    make_sheet(proposal=p, assessor=a2, values=1)
    make_sheet(proposal=p, assessor=a3, values=0)
    ConflictOfInterest.objects.create(proposal=p, assessor=a3, reason="Tinggal di RT ini")
    # RT 6: no sheet at all.
    proposal(6, trio_team)
    # RT 7: a 2 against a 0 on A2; 84 of 126 = 66.67 %.
    p = proposal(7, trio_team)
    make_sheet(proposal=p, assessor=a1, values=1)
    make_sheet(proposal=p, assessor=a2, values=2)
    make_sheet(proposal=p, assessor=a3, values={"default": 1, "B2": 2, "A2": 0})
    # RT 8: a high total with Bersih below 50 % (6 of 14): fails.
    p = proposal(8, trio_team)
    make_sheet(proposal=p, assessor=a1, values={**BERSIH_HALF, "B7": 0})
    # RT 10: the same total as RT 5 (a tie); a3 declared a conflict before sending.
    p = proposal(10, trio_team)
    make_sheet(proposal=p, assessor=a1, values=1)
    make_sheet(proposal=p, assessor=a2, values=2)
    ConflictOfInterest.objects.create(proposal=p, assessor=a3, reason="Kerabat ketua RT")
    # RT 9: scored but not verified: not in the recap.
    p = proposal(9, trio_team, status="DIAJUKAN")
    make_sheet(proposal=p, assessor=a1, values=2)
    return build_recap(cycle=cycle, proposals=recap_proposals(cycle, admin_dpmppa))


def summary(row):
    return {
        "rt": row.proposal.rt_number,
        "sent": (row.sent_count, row.expected_count),
        "missing": row.missing,
        "complete": row.is_complete,
        "total": row.total_display,
        "pct": row.total_pct_display,
        "pillars": [(x["subtotal"], x["pct"]) for x in row.pillars_display],
        "passes": row.passes,
        "disagree": [i.code for i, _, flag in row.cells if flag],
    }


EXPECTED = {
    1: {
        "sent": (3, 3), "missing": [], "complete": True,
        "total": dec("41.33"), "pct": dec("98.41"),
        "pillars": [(dec("13.33"), dec("95.24")), (dec("14.00"), dec("100.00")),
                    (dec("14.00"), dec("100.00"))],
        "passes": True, "disagree": ["B1"],
    },
    2: {
        "sent": (5, 5), "missing": [], "complete": True,
        "total": dec("29.40"), "pct": dec("70.00"),
        "pillars": [(dec("10.00"), dec("71.43")), (dec("10.00"), dec("71.43")),
                    (dec("9.40"), dec("67.14"))],
        "passes": True, "disagree": [],
    },
    3: {
        "sent": (5, 5), "missing": [], "complete": True,
        "total": dec("29.20"), "pct": dec("69.52"),
        "pillars": [(dec("10.00"), dec("71.43")), (dec("10.00"), dec("71.43")),
                    (dec("9.20"), dec("65.71"))],
        "passes": False, "disagree": [],
    },
    4: {
        "sent": (1, 3), "missing": ["Siti Aminah", "trio3"], "complete": False,
        "total": dec("35.00"), "pct": dec("83.33"),
        "pillars": [(dec("7.00"), dec("50.00")), (dec("14.00"), dec("100.00")),
                    (dec("14.00"), dec("100.00"))],
        "passes": True, "disagree": [],
    },
    5: {
        "sent": (2, 2), "missing": [], "complete": True,
        "total": dec("31.50"), "pct": dec("75.00"),
        "pillars": [(dec("10.50"), dec("75.00"))] * 3,
        "passes": True, "disagree": [],
    },
    6: {
        "sent": (0, 3), "missing": ["trio1", "Siti Aminah", "trio3"], "complete": False,
        "total": dec("0.00"), "pct": dec("0.00"),
        "pillars": [(dec("0.00"), dec("0.00"))] * 3,
        "passes": False, "disagree": [],
    },
    7: {
        "sent": (3, 3), "missing": [], "complete": True,
        # 21 + 42 + (21 + 1 - 1) = 84; Bersih (7 + 14 + 8) / 3, Aman (7 + 14 + 6) / 3.
        "total": dec("28.00"), "pct": dec("66.67"),
        "pillars": [(dec("9.67"), dec("69.05")), (dec("9.00"), dec("64.29")),
                    (dec("9.33"), dec("66.67"))],
        "passes": False, "disagree": ["A2"],
    },
    8: {
        "sent": (1, 3), "missing": ["Siti Aminah", "trio3"], "complete": False,
        "total": dec("34.00"), "pct": dec("80.95"),
        "pillars": [(dec("6.00"), dec("42.86")), (dec("14.00"), dec("100.00")),
                    (dec("14.00"), dec("100.00"))],
        "passes": False, "disagree": [],
    },
    10: {
        "sent": (2, 2), "missing": [], "complete": True,
        "total": dec("31.50"), "pct": dec("75.00"),
        "pillars": [(dec("10.50"), dec("75.00"))] * 3,
        "passes": True, "disagree": [],
    },
}  # fmt: skip


def test_every_row_matches_the_hand_computed_recap(recap):
    got = {}
    for row in recap:
        values = summary(row)
        got[values.pop("rt")] = values
    assert got == EXPECTED


def test_rows_keep_the_queryset_order_and_sort_by_total_with_ties_in_that_order(recap):
    assert [r.proposal.rt_number for r in recap] == [1, 2, 3, 4, 5, 6, 7, 8, 10]
    assert [r.proposal.rt_number for r in sort_rows(recap)] == [1, 4, 8, 5, 10, 2, 3, 7, 6]


def test_exact_means_and_filters_of_the_cycle(recap):
    by_rt = {r.proposal.rt_number: r for r in recap}
    b1 = next(mean for i, mean, _ in by_rt[1].cells if i.code == "B1")
    a2 = next(mean for i, mean, _ in by_rt[7].cells if i.code == "A2")
    assert (b1, a2) == (dec("1.33"), dec("1.00"))
    assert by_rt[1].total * 3 == 124
    assert by_rt[2].total_pct == 70
    assert {r.proposal.rt_number for r in filter_rows(recap, result="lulus")} == {1, 2, 4, 5, 10}
    assert {r.proposal.rt_number for r in filter_rows(recap, completeness="belum")} == {4, 6, 8}
