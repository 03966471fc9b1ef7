from decimal import Decimal

import pytest

from awards.terbilang import rupiah_figures, rupiah_legal, terbilang


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (11, "sebelas rupiah"),
        (100, "seratus rupiah"),
        (1000, "seribu rupiah"),
        (1100, "seribu seratus rupiah"),
        (100000, "seratus ribu rupiah"),
        (111111, "seratus sebelas ribu seratus sebelas rupiah"),
        (1000000, "satu juta rupiah"),
        (5000000, "lima juta rupiah"),
        (7500000, "tujuh juta lima ratus ribu rupiah"),
        (10000000, "sepuluh juta rupiah"),
        (
            1234567500,
            "satu miliar dua ratus tiga puluh empat juta lima ratus enam puluh tujuh ribu "
            "lima ratus rupiah",
        ),
        (1000000000, "satu miliar rupiah"),
        (1000000000000, "satu triliun rupiah"),
    ],
)
def test_terbilang_table(amount, words):
    assert terbilang(amount) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("7500000.00"), "tujuh juta lima ratus ribu rupiah"),
        (Decimal("5000000"), "lima juta rupiah"),
        (Decimal("0.00"), "nol rupiah"),
        (Decimal("1234567500.00"), terbilang(1234567500)),
    ],
)
def test_terbilang_reads_database_decimals_without_koma(amount, words):
    assert terbilang(amount) == words
    assert "koma" not in terbilang(amount)


def test_terbilang_spells_sen_when_present():
    assert terbilang(Decimal("1500.50")) == "seribu lima ratus rupiah lima puluh sen"


def test_terbilang_refuses_negative_amounts():
    # The message reaches an officer through the form that typed the amount.
    with pytest.raises(ValueError) as refused:
        terbilang(-1)
    assert str(refused.value) == "Jumlah uang tidak boleh negatif."


def test_rupiah_figures_use_dots_and_comma_sen():
    assert rupiah_figures(Decimal("10000000.00")) == "Rp10.000.000,00"
    assert rupiah_figures(7500000) == "Rp7.500.000,00"
    assert rupiah_figures(0) == "Rp0,00"


def test_rupiah_legal_form_of_the_dictums():
    assert rupiah_legal(Decimal("10000000.00")) == "Rp10.000.000,00 (sepuluh juta rupiah)"
    assert rupiah_legal(5000000) == "Rp5.000.000,00 (lima juta rupiah)"


@pytest.mark.parametrize(
    ("amount", "words", "figures"),
    [
        # Half a sen rounds up, as the cashier does: not down, not to the even sen.
        (Decimal("1500.505"), "seribu lima ratus rupiah lima puluh satu sen", "Rp1.500,51"),
        (Decimal("1500.515"), "seribu lima ratus rupiah lima puluh dua sen", "Rp1.500,52"),
        (Decimal("1500.504"), "seribu lima ratus rupiah lima puluh sen", "Rp1.500,50"),
        (Decimal("0.995"), "satu rupiah", "Rp1,00"),
    ],
)
def test_amounts_round_half_a_sen_up(amount, words, figures):
    assert terbilang(amount) == words
    assert rupiah_figures(amount) == figures
