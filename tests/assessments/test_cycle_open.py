"""Cycle.is_open_for(stage): the one question the scoring sheet, the proposal page and the
decision page ask before offering a form."""

import pytest

from assessments.models import Cycle

STAGES = Cycle.STAGE_ORDER


@pytest.mark.parametrize(
    "stage", [Cycle.Stage.USULAN, Cycle.Stage.PENILAIAN, Cycle.Stage.REKAPITULASI]
)
def test_cycle_is_open_for_its_own_stage_until_locked(stage):
    assert Cycle(stage=stage).is_open_for(stage)
    assert not Cycle(stage=stage, is_locked=True).is_open_for(stage)


@pytest.mark.parametrize(
    "stage", [Cycle.Stage.USULAN, Cycle.Stage.PENILAIAN, Cycle.Stage.REKAPITULASI]
)
def test_cycle_is_closed_for_the_stage_before_and_after(stage):
    i = STAGES.index(stage)
    assert not Cycle(stage=STAGES[i - 1]).is_open_for(stage)
    assert not Cycle(stage=STAGES[i + 1]).is_open_for(stage)
