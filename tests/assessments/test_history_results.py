"""An RT's earlier results beside a proposal, and the audit history of cycle and proposal."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.history import earlier_results, proposal_totals
from assessments.models import Assessment, Indicator, Score
from awards.models import Award
from rt_registry import roles
from tests import factories


def sheet(proposal, assessor, value, status="SENT", version=1):
    assessment = Assessment.objects.create(
        proposal=proposal, assessor=assessor, status=status, version=version
    )
    Score.objects.bulk_create(
        Score(assessment=assessment, indicator=i, value=value) for i in Indicator.objects.all()
    )
    return assessment


@pytest.fixture
def assessors(db):
    return [factories.make_user(username=f"penilai.{n}", role=roles.TIM_PENILAI) for n in (1, 2)]


def test_total_is_the_sum_of_per_indicator_means_of_sent_sheets(assessors, rt_in_scope):
    proposal = factories.make_proposal(cycle=factories.make_cycle(), rt=rt_in_scope)
    sheet(proposal, assessors[0], 2)
    sheet(proposal, assessors[1], 1)
    sheet(proposal, assessors[1], 0, status="SUPERSEDED", version=2)
    assert proposal_totals([proposal.pk]) == {proposal.pk: Decimal("31.5")}


def test_drafts_do_not_count(assessors, rt_in_scope):
    proposal = factories.make_proposal(cycle=factories.make_cycle(), rt=rt_in_scope)
    sheet(proposal, assessors[0], 2, status="DRAFT")
    assert proposal_totals([proposal.pk]) == {}


def test_earlier_results_list_only_cycles_before(assessors, rt_in_scope):
    c2024 = factories.make_cycle(year=2024, stage="ARSIP")
    c2025 = factories.make_cycle(year=2025, stage="ARSIP")
    c2026 = factories.make_cycle(year=2026, period=1)
    later = factories.make_cycle(year=2026, period=2)
    won = factories.make_proposal(cycle=c2024, rt=rt_in_scope, status="DIVERIFIKASI")
    lost = factories.make_proposal(cycle=c2025, rt=rt_in_scope, status="DIVERIFIKASI")
    current = factories.make_proposal(cycle=c2026, rt=rt_in_scope)
    factories.make_proposal(cycle=later, rt=rt_in_scope)
    Award.objects.create(
        proposal=won, cycle=c2024, rt=rt_in_scope, size_category="BESAR", prize_amount=1
    )
    sheet(lost, assessors[0], 1)
    history = earlier_results([rt_in_scope.pk], before=current.cycle)[rt_in_scope.pk]
    assert [e.proposal for e in history.entries] == [lost, won]
    assert (history.cycles_entered, history.wins) == (2, 1)
    assert history.last_scored.proposal == lost
    assert history.last_scored.total == Decimal("21")


def test_earlier_results_use_a_constant_number_of_queries(rt_in_scope, assessors):
    past = factories.make_cycle(year=2025)

    def count(rt_ids):
        with CaptureQueriesContext(connection) as queries:
            earlier_results(rt_ids)
        return len(queries)

    sheet(factories.make_proposal(cycle=past, rt=rt_in_scope), assessors[0], 2)
    small = count([rt_in_scope.pk])
    rts = [factories.make_rt(kelurahan="Telanaipura", number=n) for n in range(1, 11)]
    for rt in rts:
        sheet(factories.make_proposal(cycle=past, rt=rt), assessors[0], 2)
    assert count([rt.pk for rt in rts]) == small


def test_list_column_counts_only_earlier_cycles(client, admin_dpmppa, rt_in_scope):
    from django.urls import reverse

    old = factories.make_cycle(year=2025)
    new = factories.make_cycle(year=2026)
    factories.make_proposal(cycle=old, rt=rt_in_scope)
    factories.make_proposal(cycle=new, rt=rt_in_scope)
    client.force_login(admin_dpmppa)
    rows = client.get(reverse("admin:assessments_proposal_changelist")).context["cl"].result_list
    counts = {p.cycle.year: p.past_entries for p in rows}
    assert counts == {2025: 0, 2026: 1}
