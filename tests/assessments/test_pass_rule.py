"""The pass rule (RecapRow.passes) at its boundaries, without a database: a percentage
exactly at the cycle's minimum passes and a hair below fails, also for a minimum with a
fraction (72,5 %) and near 100 %. A row is given its pillar sums over the sent sheets, as
build_recap reads them. Kencana compares a stored total the same way (reaches_pct)."""

from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from assessments.models import Pillar
from assessments.recap import RecapRow, reaches_pct, to_decimal


def row(*, counts, sums, sheets=1, total_pct="0", pillar_pct="0"):
    """`counts` indicators in each pillar (Bersih, Aman, Pintar); `sums` the pillar sums
    of the scores over `sheets` sent sheets."""
    pillars = [p for p, n in zip(Pillar, counts, strict=True) for _ in range(n)]
    return RecapRow(
        indicators=[SimpleNamespace(pk=n, pillar=p) for n, p in enumerate(pillars)],
        sent_count=sheets,
        numerators=dict(zip(Pillar, sums, strict=True)),
        denominator=sheets,
        pass_min_total_pct=Decimal(total_pct),
        pass_min_pillar_pct=Decimal(pillar_pct),
    )


@pytest.mark.parametrize(
    ("sums", "passes"),
    [
        ((6, 6, 6), True),  # 18 of 24 = 75 %: exactly the minimum passes
        ((6, 6, 5), False),  # 17 of 24 = 70,8 %
    ],
)
def test_total_at_the_minimum_passes_and_below_fails(sums, passes):
    assert row(counts=(4, 4, 4), sums=sums, total_pct="75").passes is passes


@pytest.mark.parametrize(
    ("sums", "passes"),
    [
        ((12, 12, 5), True),  # 29 of 40 over two sheets (14,5 of 20) = 72,5 %
        ((12, 12, 4), False),  # 28 of 40 = 70 %
    ],
)
def test_minimum_with_a_fraction_is_compared_exactly(sums, passes):
    r = row(counts=(4, 3, 3), sums=sums, sheets=2, total_pct="72.5")
    assert r.passes is passes


@pytest.mark.parametrize(
    ("sums", "passes"),
    [
        ((67, 66, 66), True),  # 199 of 200 = 99,5 %
        ((66, 66, 66), False),  # 198 of 200 = 99 %
    ],
)
def test_a_minimum_near_the_top_is_not_rounded(sums, passes):
    assert row(counts=(34, 33, 33), sums=sums, total_pct="99.5").passes is passes


@pytest.mark.parametrize(
    ("sums", "passes"),
    [
        ((2, 4, 4), True),  # Bersih 2 of 4 = 50 %: exactly the pillar minimum
        ((1, 4, 4), False),  # Bersih 25 %, although the total is 75 %
    ],
)
def test_every_pillar_must_reach_its_minimum(sums, passes):
    assert row(counts=(2, 2, 2), sums=sums, pillar_pct="50").passes is passes


def test_a_row_without_sent_sheets_does_not_pass():
    assert row(counts=(1, 1, 1), sums=(0, 0, 0), sheets=0).passes is False


@pytest.mark.parametrize(
    ("total", "reaches"),
    [(Decimal("35.700"), True), (Decimal("35.699"), False)],  # 85 % of 42 is 35,7
)
def test_kencana_minimum_is_compared_exactly(total, reaches):
    assert reaches_pct(total, 42, Decimal("85")) is reaches


def test_a_pillar_without_any_score_counts_as_zero():
    # The sums come from the database grouped by pillar: a pillar with no score at all
    # is absent, and must fail its minimum rather than pass or crash.
    r = row(counts=(1, 1, 1), sums=(2, 2, 2), pillar_pct="1")
    del r.numerators[Pillar.PINTAR]
    assert r.passes is False


def test_shown_values_are_rounded_half_up_from_the_exact_fraction():
    # 1 point over 8 sheets is a mean of 0,125: shown as 0,13 (half up, not half to even).
    r = row(counts=(1, 1, 1), sums=(1, 0, 0), sheets=8)
    assert r.total_display == Decimal("0.13")
    assert to_decimal(Fraction(1, 3)) == Decimal("0.33")
    assert to_decimal(Fraction(2, 3)) == Decimal("0.67")
