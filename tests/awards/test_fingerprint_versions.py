"""The decree's basis fingerprint in versions: v2 also covers the indicator set and the
cycle's rules, v3 also each indicator's rubric; a decree finalised with v1 or v2 is
recomputed with its own version and keeps verifying."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from assessments.models import Cycle, Indicator, Score
from awards.issuing import (
    CURRENT_FINGERPRINT_VERSION,
    INDICATOR_FIELDS,
    basis_changed,
    basis_payload_v2,
    compute_basis_fingerprint,
    create_draft_decree,
    finalise_decree,
)
from tests import factories

pytestmark = pytest.mark.django_db

UNCHANGED = "Data penilaian tidak berubah sejak SK ditetapkan"
CHANGED = "Peringatan: data penilaian yang menjadi dasar SK ini"


@pytest.fixture
def cycle(admin_dpmppa, assessor):
    return factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132)],
        losers=[("Telanaipura", 9, 60)],
        assessor=assessor,
        by=admin_dpmppa,
    )


def final_decree(cycle, *, version):
    return factories.make_decree(
        cycle=cycle,
        fingerprint_version=version,
        basis_fingerprint=compute_basis_fingerprint(cycle, version=version),
    )


def verification_page(client, decree):
    url = reverse("awards:verify", kwargs={"code": decree.verification_code})
    return client.get(url).content.decode()


def change_indicator_text_behind_the_apps_back(cycle):
    # The model refuses (the set is frozen): only raw database access gets here.
    rows = Indicator.objects.filter(indicator_set=cycle.indicator_set_id, code="B1")
    QuerySet.update(rows, text="Bunyi yang diganti diam-diam.")


def change_rubric_behind_the_apps_back(cycle):
    rows = Indicator.objects.filter(indicator_set=cycle.indicator_set_id, code="B1")
    QuerySet.update(rows, rubric_0="Arti nilai 0 yang diganti diam-diam.")


def test_finalise_records_version_3(cycle, admin_dpmppa):
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.number, decree.decided_on = "12 TAHUN 2026", datetime.date(2026, 11, 20)
    decree.signatory_name = "Maulana"
    decree.save()

    decree = finalise_decree(decree, by=admin_dpmppa)

    assert decree.fingerprint_version == 3
    assert decree.basis_fingerprint == compute_basis_fingerprint(cycle, version=3)
    assert not basis_changed(decree)


def test_the_current_version_covers_every_content_field_of_an_indicator():
    # A field added to Indicator.CONTENT_FIELDS needs a new fingerprint version.
    assert INDICATOR_FIELDS[CURRENT_FINGERPRINT_VERSION] == Indicator.CONTENT_FIELDS


def test_v3_changes_when_a_rubric_text_changes_and_verification_says_so(client, cycle):
    decree = final_decree(cycle, version=3)
    assert UNCHANGED in verification_page(client, decree)

    change_rubric_behind_the_apps_back(cycle)

    assert basis_changed(decree)
    html = verification_page(client, decree)
    assert CHANGED in html and UNCHANGED not in html
    assert "indikator beserta arti nilainya dan aturan periode lomba" in html


def test_v3_still_covers_indicator_texts_and_rules(cycle):
    decree = final_decree(cycle, version=3)

    change_indicator_text_behind_the_apps_back(cycle)

    assert basis_changed(decree)


def test_v2_decree_keeps_verifying_when_the_rubric_is_written(client, cycle):
    """A v2 decree finalised before the rubric arrived (migration 0006) stays unchanged."""
    decree = final_decree(cycle, version=2)

    change_rubric_behind_the_apps_back(cycle)

    assert not basis_changed(decree)
    html = verification_page(client, decree)
    assert UNCHANGED in html
    assert "indikator dan aturan periode lomba" in html


def test_v2_is_unchanged_by_the_rubric_fields(cycle):
    """v2 stays what it was before v3: code, pillar, order and text of each indicator."""
    b1 = Indicator.objects.get(indicator_set=cycle.indicator_set_id, code="B1")

    payload = basis_payload_v2(cycle)

    assert payload["version"] == 2
    assert [len(row) for row in payload["indicators"]] == [4] * 21
    assert payload["indicators"][0] == ["B1", "BERSIH", 1, b1.text]
    assert b1.rubric_2 and b1.rubric_2 not in json.dumps(payload, ensure_ascii=False)


def test_v2_changes_when_an_indicator_text_changes_and_verification_says_so(client, cycle):
    decree = final_decree(cycle, version=2)
    assert UNCHANGED in verification_page(client, decree)

    change_indicator_text_behind_the_apps_back(cycle)

    assert basis_changed(decree)
    html = verification_page(client, decree)
    assert CHANGED in html and UNCHANGED not in html
    assert "indikator dan aturan periode lomba" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kecil_below", 40),  # a size band
        ("prize_besar", Decimal("12000000")),  # a prize
        ("pass_min_total_pct", Decimal("75")),  # the pass rule
        ("pass_min_pillar_pct", Decimal("55")),
        ("kencana_min_total_pct", Decimal("90")),
    ],
)
def test_v2_changes_when_a_rule_of_the_cycle_changes(client, cycle, field, value):
    decree = final_decree(cycle, version=2)

    Cycle.objects.filter(pk=cycle.pk).update(**{field: value})

    assert basis_changed(decree)
    assert CHANGED in verification_page(client, decree)


def test_v2_still_covers_scores_and_decisions(cycle):
    decree = final_decree(cycle, version=2)

    Score.objects.filter(assessment__proposal__cycle=cycle).update(value=0)

    assert basis_changed(decree)


def test_v1_decree_still_verifies_with_the_v1_algorithm(client, cycle):
    decree = final_decree(cycle, version=1)

    # v1 never covered the indicators: a v1 decree is judged by what it recorded.
    change_indicator_text_behind_the_apps_back(cycle)

    assert not basis_changed(decree)
    html = verification_page(client, decree)
    assert UNCHANGED in html
    assert "lembar penilaian dan keputusan rapat saat SK ditetapkan" in html


def test_v1_decree_still_notices_a_changed_score(client, cycle):
    decree = final_decree(cycle, version=1)

    Score.objects.filter(assessment__proposal__cycle=cycle).update(value=0)

    assert basis_changed(decree)
    assert CHANGED in verification_page(client, decree)


def test_v1_is_the_original_algorithm_unchanged(cycle):
    """v1 must stay byte for byte what decrees finalised before versions recorded."""
    sheets = [
        [s.assessment.proposal_id, s.assessment.assessor_id, s.indicator.code, s.value]
        for s in Score.objects.filter(assessment__proposal__cycle=cycle).select_related(
            "assessment", "indicator"
        )
    ]
    sheets.sort()
    decisions = [
        [p.pk, p.decision.outcome, p.decision.rule_passes, f"{p.decision.total:.3f}", ""]
        for p in cycle.proposals.order_by("pk")
    ]
    payload = {
        "version": 1,
        "cycle": [cycle.pk, cycle.year, cycle.period],
        "sheets": sheets,
        "decisions": decisions,
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    assert compute_basis_fingerprint(cycle, version=1) == hashlib.sha256(text.encode()).hexdigest()
    assert compute_basis_fingerprint(cycle, version=2) != compute_basis_fingerprint(
        cycle, version=1
    )
