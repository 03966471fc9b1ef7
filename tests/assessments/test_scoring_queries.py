"""A tablet send costs a fixed, small number of SQL statements (issue 10: ≤ 8), the
same for a first send, a resend after reopening, and a repeated send."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import models, scoring
from assessments.models import Assessment, Indicator, IndicatorSet
from tests import factories
from tests.assessments.test_scoring_save import payload

# Transaction control is not work the database does for the sheet.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


@pytest.fixture
def scoring_setup(db, assessor, rt_in_scope):
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor])
    proposal = factories.make_proposal(
        cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team
    )
    return cycle, proposal


def statements_of_send(client, proposal, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("assessments:scoring-save", args=[proposal.pk]),
            data=json.dumps(data),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


def test_first_send_takes_at_most_seven_statements(client, assessor, scoring_setup):
    # Session, user, the proposal locked with the assessor's rights and role, their sheets,
    # the indicators, the sheet and its scores.
    cycle, proposal = scoring_setup
    client.force_login(assessor)
    statements = statements_of_send(
        client, proposal, payload(cycle, token=uuid.uuid4(), action="send")
    )
    assert len(statements) <= 7, "\n".join(statements)
    assert not any(s.startswith('SELECT "auth_group"') for s in statements)
    assert not any(s.startswith("DELETE") for s in statements)  # a new sheet has no scores
    assert Assessment.objects.get(proposal=proposal).scores.count() == 21


def test_repeated_send_is_answered_with_the_same_totals_in_few_statements(
    client, assessor, scoring_setup
):
    cycle, proposal = scoring_setup
    client.force_login(assessor)
    data = payload(cycle, token=uuid.uuid4(), action="send")
    statements_of_send(client, proposal, data)
    statements = statements_of_send(client, proposal, data)
    assert len(statements) <= 8, "\n".join(statements)
    again = client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=json.dumps(data),
        content_type="application/json",
    ).json()
    assert (again["scored"], again["total"], again["status"]) == (21, 42, "SENT")


def test_send_after_reopening_takes_at_most_ten_statements(
    client, assessor, admin_dpmppa, scoring_setup
):
    cycle, proposal = scoring_setup
    client.force_login(assessor)
    statements_of_send(client, proposal, payload(cycle, token=uuid.uuid4(), action="send"))
    sent = Assessment.objects.get(proposal=proposal)
    draft = scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Salah isi")
    # A resend also marks the old version superseded: one statement more.
    statements = statements_of_send(
        client, proposal, payload(cycle, token=draft.client_token, action="send")
    )
    assert len(statements) <= 10, "\n".join(statements)
    sent.refresh_from_db()
    assert sent.status == Assessment.Status.SUPERSEDED


@pytest.fixture
def nothing_remembered():
    models._SENT_SET_INDICATORS.clear()
    yield
    models._SENT_SET_INDICATORS.clear()


@pytest.fixture
def other(scoring_setup, rt_out_of_scope):
    """A second RT of the same cycle and team: its send is on a set already sent on."""
    cycle, proposal = scoring_setup
    return factories.make_proposal(
        cycle=cycle, rt=rt_out_of_scope, status="DIVERIFIKASI", team=proposal.team
    )


def send_first(client, scoring_setup, capture):
    """The set's first send, committed (the set is remembered on commit)."""
    cycle, proposal = scoring_setup
    with capture(execute=True):
        return statements_of_send(
            client, proposal, payload(cycle, token=uuid.uuid4(), action="send")
        )


def test_send_on_a_set_already_sent_on_does_not_read_its_indicators(
    client, assessor, scoring_setup, other, nothing_remembered,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    cycle, _ = scoring_setup
    client.force_login(assessor)
    first = send_first(client, scoring_setup, django_capture_on_commit_callbacks)
    second = statements_of_send(client, other, payload(cycle, token=uuid.uuid4(), action="send"))
    assert any("assessments_indicator" in s for s in first)
    assert not any("assessments_indicator" in s for s in second), "\n".join(second)
    assert len(second) <= 6
    assert Assessment.objects.get(proposal=other).scores.count() == 21


def test_a_send_refused_for_a_missing_indicator_is_refused_from_memory_too(
    client, assessor, scoring_setup, other, nothing_remembered,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    cycle, _ = scoring_setup
    client.force_login(assessor)
    send_first(client, scoring_setup, django_capture_on_commit_callbacks)
    data = payload(cycle, token=uuid.uuid4(), action="send")
    a5 = Indicator.objects.get(indicator_set=cycle.indicator_set, code="A5")
    data["scores"] = [s for s in data["scores"] if s["indicator"] != a5.pk]
    response = client.post(
        reverse("assessments:scoring-save", args=[other.pk]),
        data=json.dumps(data),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Belum dinilai: A5" in response.json()["message"]


def test_writing_any_indicator_set_forgets_the_remembered_ones(scoring_setup, nothing_remembered):
    cycle, _ = scoring_setup
    remembered = Indicator.objects.by_pk_of_set(cycle.indicator_set_id)
    models.remember_sent_set(cycle.indicator_set_id, {})
    assert Indicator.objects.by_pk_of_set(cycle.indicator_set_id) == {}
    copy = IndicatorSet.objects.create(name="Set salinan uji")
    assert Indicator.objects.by_pk_of_set(cycle.indicator_set_id) == remembered
    models.remember_sent_set(cycle.indicator_set_id, {})
    Indicator.objects.create(indicator_set=copy, code="B1", pillar="BERSIH", order=1, text="x")
    assert Indicator.objects.by_pk_of_set(cycle.indicator_set_id) == remembered
