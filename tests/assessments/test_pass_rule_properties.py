"""The pass rule (RecapRow.passes) is monotonic in every score (hypothesis): raising any
one assessor's score on one indicator never turns a pass into a fail, whatever the
indicators' pillars, the number of sent sheets and the cycle's minimum percentages.
No database: the row is given its pillar sums over the sent sheets and the number of
sheets, as build_recap reads them from the database (means are sum / sheets)."""

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import event, given
from hypothesis import strategies as st

from assessments.models import Pillar
from assessments.recap import MAX_SCORE, RecapRow

PERCENT = st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100)


def recap_row(*, pillars, sheets, pass_min_total_pct, pass_min_pillar_pct):
    """A row for one proposal: `sheets` is one list of scores per assessor, one score per
    indicator in `pillars` order."""
    indicators = [SimpleNamespace(pk=i, pillar=p) for i, p in enumerate(pillars)]
    numerators = {}
    for i in indicators:
        numerators[i.pillar] = numerators.get(i.pillar, 0) + sum(s[i.pk] for s in sheets)
    return RecapRow(
        indicators=indicators,
        sent_count=len(sheets),
        numerators=numerators,
        denominator=len(sheets),
        pass_min_total_pct=pass_min_total_pct,
        pass_min_pillar_pct=pass_min_pillar_pct,
    )


@st.composite
def recaps(draw):
    # Every pillar has at least one indicator, as in the 21 of the indicator set.
    pillars = list(Pillar) + draw(st.lists(st.sampled_from(list(Pillar)), max_size=18))
    n_sheets = draw(st.integers(min_value=1, max_value=5))
    score = st.integers(min_value=0, max_value=MAX_SCORE)
    sheets = draw(
        st.lists(
            st.lists(score, min_size=len(pillars), max_size=len(pillars)),
            min_size=n_sheets,
            max_size=n_sheets,
        )
    )
    return {
        "pillars": pillars,
        "sheets": sheets,
        "pass_min_total_pct": draw(PERCENT),
        "pass_min_pillar_pct": draw(PERCENT),
    }


@given(recaps(), st.data())
def test_raising_one_score_never_turns_a_pass_into_a_fail(recap, data):
    sheets = recap["sheets"]
    raisable = [
        (s, i) for s, sheet in enumerate(sheets) for i, v in enumerate(sheet) if v < MAX_SCORE
    ]
    if not raisable:
        return  # every score is already the maximum: nothing to raise
    s, i = data.draw(st.sampled_from(raisable), label="sheet and indicator")
    new = data.draw(
        st.integers(min_value=sheets[s][i] + 1, max_value=MAX_SCORE), label="raised score"
    )
    raised = [list(sheet) for sheet in sheets]
    raised[s][i] = new

    before = recap_row(**recap).passes
    after = recap_row(**{**recap, "sheets": raised}).passes
    event(f"passed before raising: {before}")  # both occur: see --hypothesis-show-statistics

    assert after or not before


def test_the_generated_rows_both_pass_and_fail():
    # The property above is only worth something if rows on both sides of the rule occur.
    pillars = list(Pillar)
    high = recap_row(
        pillars=pillars, sheets=[[2, 2, 2]], pass_min_total_pct=70, pass_min_pillar_pct=50
    )
    low = recap_row(
        pillars=pillars, sheets=[[2, 2, 0]], pass_min_total_pct=70, pass_min_pillar_pct=50
    )
    assert high.passes and not low.passes
