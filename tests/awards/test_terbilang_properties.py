"""terbilang and rupiah_figures over many amounts (hypothesis): the words read back to the
amount, sen appear only when there are any, and "koma" never appears. The reader below is
deliberately small: it knows the words an amount may use and nothing else."""

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from awards.terbilang import rupiah_figures, terbilang

DIGITS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
SE = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
MULTIPLIERS = {"belas": None, "puluh": 10, "ratus": 100}
SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def words_to_number(words):
    """Indonesian number words to an int: "dua juta seratus sebelas" -> 2000111.
    Raises ValueError on a word it does not know or on scales out of order."""
    tokens = words.split()
    if tokens == ["nol"]:
        return 0
    total, group, unit, last_scale = 0, 0, None, None

    def close(scale):
        nonlocal total, group, unit, last_scale
        if last_scale is not None and scale >= last_scale:
            raise ValueError(f"scales out of order in {words!r}")
        total += (group + (unit or 0)) * scale
        group, unit, last_scale = 0, None, scale

    for token in tokens:
        if token in DIGITS:
            if unit is not None:
                raise ValueError(f"two digits in a row in {words!r}")
            unit = DIGITS[token]
        elif token in MULTIPLIERS:
            if unit is None:
                raise ValueError(f"{token!r} without a digit in {words!r}")
            group += unit + 10 if token == "belas" else unit * MULTIPLIERS[token]
            unit = None
        elif token in SE:
            group += SE[token]
        elif token == "seribu":
            if group or unit is not None:
                raise ValueError(f"'seribu' after a digit in {words!r}")
            group, unit = 1, None
            close(SCALES["ribu"])
        elif token in SCALES:
            close(SCALES[token])
        else:
            raise ValueError(f"unknown word {token!r} in {words!r}")
    return total + group + (unit or 0)


def test_the_reader_reads_the_table_of_known_words():
    # The reader is itself checked against amounts written out by hand.
    assert words_to_number("nol") == 0
    assert words_to_number("seribu seratus") == 1100
    assert words_to_number("tujuh juta lima ratus ribu") == 7_500_000
    assert words_to_number("seratus sebelas ribu seratus sebelas") == 111_111
    assert words_to_number("dua belas") == 12
    with pytest.raises(ValueError):
        words_to_number("tujuh juta koma nol nol")
    with pytest.raises(ValueError):
        words_to_number("satu ribu satu juta")


AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1),
    # As the database returns a prize: two decimal places, often ".00".
    st.builds(
        lambda whole, sen: Decimal(f"{whole}.{sen:02d}"),
        st.integers(min_value=0, max_value=10**15 - 1),
        st.integers(min_value=0, max_value=99) | st.just(0),
    ),
)


def whole_and_sen(amount):
    amount = Decimal(amount)
    return int(amount), int((amount - int(amount)) * 100)


@given(AMOUNTS)
@example(Decimal("7500000.00"))
@example(Decimal("1001000.00"))
@example(Decimal("0.01"))
def test_terbilang_reads_back_to_the_amount(amount):
    whole, sen = whole_and_sen(amount)

    words = terbilang(amount)

    assert "koma" not in words
    rupiah_part, _, sen_part = words.partition(" rupiah")
    assert words_to_number(rupiah_part) == whole
    if sen:
        assert sen_part.endswith(" sen")
        assert words_to_number(sen_part.removesuffix(" sen")) == sen
    else:
        assert sen_part == ""  # no "nol sen" and nothing else after "rupiah"
    assert ("nol" in words.split()) == (whole == 0)


@given(AMOUNTS)
def test_rupiah_figures_read_back_to_the_amount(amount):
    whole, sen = whole_and_sen(amount)

    figures = rupiah_figures(amount)

    assert figures.startswith("Rp")
    rupiah, _, sen_digits = figures.removeprefix("Rp").partition(",")
    groups = rupiah.split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert int("".join(groups)) == whole
    assert len(sen_digits) == 2 and int(sen_digits) == sen


def test_a_thousand_after_a_million_is_seribu():
    assert terbilang(1_001_000) == "satu juta seribu rupiah"
    assert terbilang(1_001_001_000) == "satu miliar satu juta seribu rupiah"
    assert terbilang(21_000) == "dua puluh satu ribu rupiah"
    assert terbilang(101_000) == "seratus satu ribu rupiah"
