"""Kecil / Sedang / Besar from the KK count (BANTAR.md: <50, 50..100, >100)."""

import pytest

from rt_registry.models import RT, SizeCategory, size_category_for
from tests import factories

K, S, B = SizeCategory.KECIL, SizeCategory.SEDANG, SizeCategory.BESAR


@pytest.mark.parametrize(("kk_count", "category"), [(1, K), (49, K), (50, S), (100, S), (101, B)])
def test_default_thresholds_at_the_boundaries(kk_count, category):
    assert size_category_for(kk_count) == category
    assert RT(kk_count=kk_count).size_category() == category


@pytest.mark.parametrize(
    ("kk_count", "category"),
    [(1, K), (29, K), (30, S), (49, S), (101, S), (150, S), (151, B)],
)
def test_custom_thresholds_at_their_boundaries(kk_count, category):
    thresholds = {"kecil_below": 30, "besar_above": 150}

    assert size_category_for(kk_count, **thresholds) == category
    assert RT(kk_count=kk_count).size_category(**thresholds) == category


@pytest.mark.parametrize(("kk_count", "category"), [(29, K), (30, S), (150, S), (151, B)])
@pytest.mark.django_db
def test_cycle_thresholds_decide_the_category_of_its_proposals(kk_count, category):
    cycle = factories.make_cycle(kecil_below=30, besar_above=150)

    assert cycle.size_category(kk_count) == category


def test_category_labels_are_indonesian():
    assert [c.label for c in SizeCategory] == ["Kecil", "Sedang", "Besar"]
