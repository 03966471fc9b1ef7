"""Size categories over all KK counts (hypothesis), with the default and any valid
thresholds (1 <= kecil_below <= besar_above, as the cycle form and constraint allow):
every KK >= 1 falls into exactly one category, the Python rule, the cycle's rule and the
admin's filter agree, and a larger RT is never in a smaller category. No database: the
admin's filter is read as the bounds it holds."""

import operator

from django.db.models import Q
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Cycle
from rt_registry.admin import size_category_q
from rt_registry.models import (
    DEFAULT_BESAR_ABOVE,
    DEFAULT_KECIL_BELOW,
    SizeCategory,
    size_category_for,
)

ORDER = [SizeCategory.KECIL, SizeCategory.SEDANG, SizeCategory.BESAR]
THRESHOLDS = st.one_of(
    st.just((DEFAULT_KECIL_BELOW, DEFAULT_BESAR_ABOVE)),
    st.integers(min_value=1, max_value=500).flatmap(
        lambda kecil_below: st.tuples(
            st.just(kecil_below), st.integers(min_value=kecil_below, max_value=1000)
        )
    ),
)
KK = st.integers(min_value=1, max_value=2000)
LOOKUPS = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


def in_filter(q, kk_count):
    """Whether an RT with `kk_count` passes a filter of plain kk_count bounds."""
    assert q.connector == Q.AND and not q.negated
    for lookup, bound in q.children:
        field, op = lookup.split("__")
        assert field == "kk_count"
        if not LOOKUPS[op](kk_count, bound):
            return False
    return True


@given(THRESHOLDS, KK)
def test_every_kk_count_is_in_exactly_one_category(thresholds, kk_count):
    kecil_below, besar_above = thresholds
    cycle = Cycle(kecil_below=kecil_below, besar_above=besar_above)

    category = size_category_for(kk_count, kecil_below=kecil_below, besar_above=besar_above)
    filtered_into = [
        c
        for c in SizeCategory
        if in_filter(size_category_q(c, kecil_below=kecil_below, besar_above=besar_above), kk_count)
    ]

    assert filtered_into == [category]
    assert cycle.size_category(kk_count) == category


@given(THRESHOLDS, KK, KK)
def test_a_larger_rt_is_never_in_a_smaller_category(thresholds, a, b):
    kecil_below, besar_above = thresholds
    smaller, larger = sorted((a, b))

    def rank(kk_count):
        return ORDER.index(
            size_category_for(kk_count, kecil_below=kecil_below, besar_above=besar_above)
        )

    assert rank(smaller) <= rank(larger)


@given(THRESHOLDS)
def test_categories_change_exactly_at_the_thresholds(thresholds):
    kecil_below, besar_above = thresholds

    def category(kk_count):
        return size_category_for(kk_count, kecil_below=kecil_below, besar_above=besar_above)

    if kecil_below > 1:
        assert category(kecil_below - 1) == SizeCategory.KECIL
    assert category(kecil_below) == SizeCategory.SEDANG  # "fewer than" kecil_below is Kecil
    assert category(besar_above) == SizeCategory.SEDANG  # "more than" besar_above is Besar
    assert category(besar_above + 1) == SizeCategory.BESAR
