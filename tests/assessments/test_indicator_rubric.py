"""The rubric: what 2 (baik), 1 (sedang) and 0 (kurang) mean for each indicator, loaded for
the 21 indicators of the default set and shown, folded, on the scoring sheet and on the
public indicator page."""

import re

import pytest
from django.urls import reverse

from assessments.models import Indicator
from tests import factories

pytestmark = pytest.mark.django_db

SUMMARY = "<summary>Arti nilai 2, 1, 0</summary>"


def default_indicators():
    return list(factories.default_indicator_set().indicators.order_by("order"))


def test_every_default_indicator_has_three_distinct_meanings():
    indicators = default_indicators()

    assert len(indicators) == 21
    for indicator in indicators:
        meanings = [indicator.rubric_2, indicator.rubric_1, indicator.rubric_0]
        assert all(len(m) >= 20 for m in meanings), indicator.code
        assert len(set(meanings)) == 3, indicator.code


def test_default_meanings_are_short_and_differ_between_indicators():
    indicators = default_indicators()
    best = [i.rubric_2 for i in indicators]

    assert len(set(best)) == 21
    for indicator in indicators:
        for meaning in (indicator.rubric_2, indicator.rubric_1, indicator.rubric_0):
            assert len(meaning) <= 200, indicator.code  # one or two sentences
            assert len(re.findall(r"[.!?](\s|$)", meaning)) <= 2, indicator.code


def test_an_indicator_without_a_rubric_shows_none():
    indicator = Indicator(code="X1", pillar="AMAN", order=1, text="Baru.")

    assert indicator.rubric() == []


def test_public_indicator_page_shows_the_meanings_folded(client):
    b1 = factories.default_indicator_set().indicators.get(code="B1")

    html = client.get(reverse("assessments:indicator-list")).content.decode()

    assert html.count(SUMMARY) == 21
    assert '<details class="rubric">' in html  # folded: no "open"
    assert b1.rubric_2 in html and b1.rubric_1 in html and b1.rubric_0 in html
    assert 'id="indikator-B1"' in html


@pytest.fixture
def proposal(assessor, rt_in_scope):
    cycle = factories.make_cycle(stage="PENILAIAN")
    team = factories.make_team(cycle=cycle, members=[assessor])
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)


def test_scoring_sheet_shows_each_indicators_meanings_under_it(client, assessor, proposal):
    client.force_login(assessor)
    p7 = proposal.cycle.indicator_set.indicators.get(code="P7")

    html = client.get(reverse("assessments:scoring-sheet", args=[proposal.pk])).content.decode()

    assert html.count(SUMMARY) == 21
    p7_box = html[html.index('id="indikator-P7"') :]
    p7_box = p7_box[: p7_box.index("</fieldset>")]
    assert SUMMARY in p7_box
    assert p7.rubric_2 in p7_box and p7.rubric_0 in p7_box
    assert "2 baik" in p7_box and "1 sedang" in p7_box and "0 kurang" in p7_box
