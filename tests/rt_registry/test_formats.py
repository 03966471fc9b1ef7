"""Amounts as Rp 7.500.000, dates as 29 November 2026, day-first date input only."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from rt_registry.templatetags.bantar import format_rupiah, format_tanggal


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (7500000, "Rp 7.500.000"),
        (Decimal("10000000.00"), "Rp 10.000.000"),
        (Decimal("5000000.40"), "Rp 5.000.000"),
        (0, "Rp 0"),
        (999, "Rp 999"),
        (-1500, "-Rp 1.500"),
        (None, ""),
    ],
)
def test_rupiah(amount, shown):
    assert format_rupiah(amount) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.date(2026, 11, 29), "29 November 2026"),
        (datetime.date(2026, 3, 5), "5 Maret 2026"),
        (datetime.date(2027, 1, 1), "1 Januari 2027"),
        # A stored moment is dated where Jambi is: 22.59 UTC on 1 December is 05.59 WIB on
        # 2 December; 16.59 UTC is still 1 December (23.59 WIB).
        (datetime.datetime(2026, 12, 1, 22, 59, tzinfo=datetime.UTC), "2 Desember 2026"),
        (datetime.datetime(2026, 12, 1, 16, 59, tzinfo=datetime.UTC), "1 Desember 2026"),
        (None, ""),
    ],
)
def test_tanggal(value, shown):
    assert format_tanggal(value) == shown


def test_filters_in_a_template():
    template = Template("{% load bantar %}{{ amount|rupiah }} / {{ day|tanggal }} / {{ n|angka }}")

    text = template.render(
        Context({"amount": 7500000, "day": datetime.date(2026, 8, 17), "n": 1650})
    )

    assert text == "Rp 7.500.000 / 17 Agustus 2026 / 1.650"


class DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("05/03/2026", datetime.date(2026, 3, 5)),
        ("5/3/2026", datetime.date(2026, 3, 5)),
        ("05-03-2026", datetime.date(2026, 3, 5)),
        ("05.03.2026", datetime.date(2026, 3, 5)),
        ("2026-03-05", datetime.date(2026, 3, 5)),
        ("31/12/2026", datetime.date(2026, 12, 31)),
    ],
)
def test_date_input_is_read_day_first(typed, meant):
    form = DateForm({"day": typed})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == meant


@pytest.mark.parametrize("typed", ["12/31/2026", "03/25/2026", "2026/03/05", "March 5, 2026"])
def test_month_first_input_is_refused(typed):
    form = DateForm({"day": typed})

    assert not form.is_valid()
    assert "Masukkan tanggal yang valid" in str(form.errors["day"])
