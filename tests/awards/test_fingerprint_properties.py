"""Any change to what a decree rests on changes its fingerprint (hypothesis): one score of
a counted sheet, or one field of one meeting decision (outcome, what the rule said, the
total, the reason), through the public compute_basis_fingerprint. Each generated change is
written behind the application's back, as a database edit would be, and rolled back."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Decision, Score
from awards.issuing import compute_basis_fingerprint
from tests import factories

# Every decision carries a reason, so that outcome and rule may each change alone and the
# overrule constraint still holds.
REASON = "Diputuskan dalam rapat"


@pytest.fixture
def cycle(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132), ("Telanaipura", 3, 75)],
        losers=[("Telanaipura", 9, 60)],
        assessor=assessor,
        by=admin_dpmppa,
    )
    Decision.objects.filter(proposal__cycle=cycle).update(overrule_reason=REASON)
    return cycle


def counted_scores(cycle):
    return list(
        Score.objects.filter(assessment__proposal__cycle=cycle)
        .order_by("pk")
        .values_list("pk", "value")
    )


def decisions(cycle):
    return list(
        Decision.objects.filter(proposal__cycle=cycle)
        .order_by("pk")
        .values_list("pk", "outcome", "rule_passes", "total", "overrule_reason")
    )


OUTCOMES = {"LULUS": "TIDAK_LULUS", "TIDAK_LULUS": "LULUS"}


def draw_change(data, cycle):
    """One change to the basis, as (description, apply)."""
    kind = data.draw(st.sampled_from(["score", "outcome", "rule", "total", "reason"]))
    if kind == "score":
        pk, value = data.draw(st.sampled_from(counted_scores(cycle)))
        new = data.draw(st.sampled_from([v for v in (0, 1, 2) if v != value]))
        return Score.objects.filter(pk=pk), {"value": new}
    pk, outcome, rule_passes, total, reason = data.draw(st.sampled_from(decisions(cycle)))
    row = Decision.objects.filter(pk=pk)
    if kind == "outcome":
        return row, {"outcome": OUTCOMES[outcome]}
    if kind == "rule":
        return row, {"rule_passes": not rule_passes}
    if kind == "total":
        new = data.draw(
            st.integers(min_value=0, max_value=42000)
            .map(lambda n: Decimal(n) / 1000)
            .filter(lambda t: t != total)
        )
        return row, {"total": new}
    # Typed text: no control characters (PostgreSQL refuses NUL in a text column).
    typed = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40)
    new = data.draw(typed.filter(lambda t: t.strip() and t != reason))
    return row, {"overrule_reason": new}


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_change_to_a_score_or_decision_changes_the_fingerprint(cycle, data):
    before = compute_basis_fingerprint(cycle)
    rows, change = draw_change(data, cycle)

    with transaction.atomic():
        assert rows.update(**change) == 1
        after = compute_basis_fingerprint(cycle)
        transaction.set_rollback(True)

    assert after != before
    assert compute_basis_fingerprint(cycle) == before  # rolled back: the basis is as it was
