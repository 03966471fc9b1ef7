"""The same sheet sent from several threads at once makes exactly one assessment.
PostgreSQL only: SQLite serialises writers itself, so there is no race to test."""

import datetime
import threading
import uuid

import pytest
from django.db import connection, connections

from assessments import scoring
from assessments.models import Assessment, Indicator, Score
from tests import factories

THREADS = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="uji konkurensi hanya untuk PostgreSQL"
    ),
]


def race(target, count=THREADS):
    """Start `count` threads on `target` at the same moment; return what each got."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = target()
        except Exception as error:  # the test inspects every outcome
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def sheet_inputs(db, assessor, rt_in_scope):
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor])
    proposal = factories.make_proposal(
        cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team
    )
    values = {i.pk: 2 for i in Indicator.objects.filter(indicator_set=cycle.indicator_set)}
    return {
        "proposal": proposal,
        "assessor": assessor,
        "values": values,
        "visit_date": datetime.date(2026, 11, 2),
    }


# serialized_rollback: the flush after a transactional test would drop migrated data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_sheet_sent_from_several_threads_makes_one_assessment(sheet_inputs):
    token = uuid.uuid4()
    results = race(lambda: scoring.send_sheet(client_token=token, **sheet_inputs).pk)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    sheet = Assessment.objects.get()
    assert sheet.status == Assessment.Status.SENT
    assert Score.objects.filter(assessment=sheet).count() == 21


# serialized_rollback: the flush after a transactional test would drop migrated data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drafts_with_different_tokens_at_once_leave_one_draft(sheet_inputs):
    results = race(lambda: scoring.save_sheet(client_token=uuid.uuid4(), **sheet_inputs).pk)
    assert all(isinstance(r, int) for r in results), results
    assert Assessment.objects.count() == 1
    assert Score.objects.count() == 21
