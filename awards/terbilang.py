"""Amounts in Indonesian words, as legal text writes them.

num2words (lang="id") spells whole numbers correctly ("seribu", "seratus", "satu juta",
"sebelas", "satu miliar"), but reads a Decimal such as Decimal("7500000.00") from the
database as "... koma nol nol". So the amount is split into whole rupiah and sen here
and only integers ever reach num2words.

num2words also writes "satu ribu" when exactly one thousand follows a larger scale word
(1.001.000 -> "satu juta satu ribu"); Indonesian says "satu juta seribu". A thousands group
of one after juta/miliar/triliun is corrected here; "dua puluh satu ribu" (21.000) and
"seratus satu ribu" (101.000) stay as they are."""

import re
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words


def _split(amount):
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("Jumlah uang tidak boleh negatif.")
    whole = int(value)
    sen = int((value - whole) * 100)
    return whole, sen


_ONE_THOUSAND_AFTER_SCALE = re.compile(r"\b(juta|miliar|triliun) satu ribu\b")


def number_in_words(number):
    """A whole number in words: 1000 -> "seribu", 1001000 -> "satu juta seribu"."""
    return _ONE_THOUSAND_AFTER_SCALE.sub(r"\1 seribu", num2words(int(number), lang="id"))


def terbilang(amount):
    """7500000 -> "tujuh juta lima ratus ribu rupiah"; sen only when there are any."""
    whole, sen = _split(amount)
    words = f"{number_in_words(whole)} rupiah"
    if sen:
        words += f" {number_in_words(sen)} sen"
    return words


def rupiah_figures(amount):
    """Legal figures: Rp10.000.000,00 (no space, dots for thousands, comma for sen)."""
    whole, sen = _split(amount)
    return f"Rp{whole:,}".replace(",", ".") + f",{sen:02d}"


def rupiah_legal(amount):
    """Rp10.000.000,00 (sepuluh juta rupiah) — the form the decree's dictums use."""
    return f"{rupiah_figures(amount)} ({terbilang(amount)})"
